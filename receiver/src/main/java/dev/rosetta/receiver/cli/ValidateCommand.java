package dev.rosetta.receiver.cli;

import dev.rosetta.receiver.config.ConfigError;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.views.ConfigCheck;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code rosetta validate --config FILE}: loads a configuration as the service would, without
 * starting anything — the view files, and the credential files (token and htpasswd files, TLS
 * certificates, keys, client CAs) read and checked too — and reports the result.
 *
 * <p>Exit codes: 0 valid ({@code FILE: configuration is valid} on {@code out}, after any warnings
 * on {@code err}: one line each, {@code warning: file:line:column: key.path: message}, for a relabel
 * rule that can never have an effect and a view an earlier view shadows); 1 invalid (every
 * problem of the file and of the view files it names on {@code err}, one per line, {@code
 * file:line:column: key.path: message}); 2 usage error (a message and the usage line on {@code
 * err}). {@code --help} prints the usage on {@code out} and returns 0.
 */
public final class ValidateCommand {
  /** One line describing the arguments. */
  public static final String USAGE = "usage: rosetta validate --config FILE";

  public static final int VALID = 0;
  public static final int INVALID = 1;
  public static final int USAGE_ERROR = 2;

  private ValidateCommand() {}

  /**
   * Runs the command. {@code args} may start with the word {@code validate}; it accepts {@code
   * --config FILE}, {@code --config=FILE} and {@code --help}. Never throws for bad input.
   *
   * @param env the environment for {@code ${env:NAME}} references
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    String config = null;
    int i = args.length > 0 && args[0].equals("validate") ? 1 : 0;
    for (; i < args.length; i++) {
      String arg = args[i];
      String value;
      if (arg.equals("-h") || arg.equals("--help")) {
        out.println(USAGE);
        return VALID;
      } else if (arg.equals("--config")) {
        if (i + 1 == args.length) {
          return usageError(err, "--config needs a file name");
        }
        value = args[++i];
      } else if (arg.startsWith("--config=")) {
        value = arg.substring("--config=".length());
      } else if (arg.startsWith("-")) {
        return usageError(err, "unknown option \"" + arg + "\"");
      } else {
        return usageError(err, "unexpected argument \"" + arg + "\"");
      }
      if (config != null) {
        return usageError(err, "--config given more than once");
      }
      if (value.isEmpty()) {
        return usageError(err, "--config needs a file name");
      }
      config = value;
    }
    if (config == null) {
      return usageError(err, "missing --config FILE");
    }
    Path file;
    try {
      file = Path.of(config);
    } catch (InvalidPathException e) {
      err.println(config + ": invalid file name: " + e.getReason());
      return INVALID;
    }
    // the file, the view files it names and the built-in sets it selects, every problem reported
    var result = ConfigCheck.run(file, env, FileCheck.readable());
    if (!result.ok()) {
      result.errors().forEach(err::println);
      return INVALID;
    }
    RosettaConfig loaded = result.config().orElseThrow();
    // the credential files it names must be usable: tokens, htpasswd lines, certificate and key
    List<ConfigError> credentials = CredentialFiles.problems(loaded);
    if (!credentials.isEmpty()) {
      credentials.forEach(err::println);
      return INVALID;
    }
    // rules that can never have an effect, views no name reaches, components no pipeline lists:
    // reported, still valid
    result.warnings().forEach(err::println);
    for (String unused : loaded.pipeline().unused()) {
      err.println("warning: " + unused + " is declared but pipeline " + loaded.pipeline().id().orElse("metrics")
          + " does not list it: it is not started");
    }
    out.println(config + ": configuration is valid");
    return VALID;
  }

  private static int usageError(PrintStream err, String message) {
    err.println("rosetta validate: " + message);
    err.println(USAGE);
    return USAGE_ERROR;
  }
}
