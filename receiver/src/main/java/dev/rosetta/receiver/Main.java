package dev.rosetta.receiver;

import dev.rosetta.receiver.cli.ExplainCommand;
import dev.rosetta.receiver.config.ConfigException;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ValidateCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Command line entry point.
 *
 * <pre>
 * rosetta [run] [--config FILE]         run the service (embedded default config without --config)
 * rosetta validate --config FILE        check a configuration file
 * rosetta explain [--config FILE] [--json] [NAME...]   which view a raw name matches
 * rosetta --help | --version
 * </pre>
 */
public final class Main {
  private static final String USAGE = """
      usage: rosetta [run] [--config FILE]        run the service (the embedded default config without --config)
             rosetta validate --config FILE       check a configuration file and print every error
             rosetta explain [--config FILE] [--json] [NAME...]   tell which view each raw name matches
             rosetta --help | --version
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "run";
    String[] rest = args.length > 0 && !args[0].startsWith("-") ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (command) {
      case "run":
        return runService(rest, out, err, env);
      case "validate":
        return ValidateCommand.run(rest, out, err, env);
      case "explain":
        return ExplainCommand.run(rest, System.in, out, err, env);
      case "help":
        out.print(USAGE);
        return 0;
      default:
        err.println("rosetta: unknown command \"" + command + "\"");
        err.print(USAGE);
        return 2;
    }
  }

  private static int runService(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Path configFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-c" -> {
          if (i + 1 >= args.length) {
            err.println("rosetta: --config needs a file");
            return 2;
          }
          configFile = Path.of(args[++i]);
        }
        case "--help", "-h" -> {
          out.print(USAGE);
          return 0;
        }
        case "--version" -> {
          String v = Main.class.getPackage().getImplementationVersion();
          out.println("rosetta " + (v == null ? "(development build)" : v));
          return 0;
        }
        default -> {
          err.println("rosetta: unknown argument \"" + args[i] + "\"");
          err.print(USAGE);
          return 2;
        }
      }
    }
    RosettaConfig config;
    try {
      config = configFile == null ? ConfigLoader.embeddedDefault() : ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      e.errors().forEach(er -> err.println("rosetta: " + er));
      return 1;
    }
    Logging.configure(Logging.level(config.service().logLevel()));
    Logger log = Logger.getLogger(Main.class.getName());
    RosettaService service = Rosetta.create(config);
    try {
      service.start();
    } catch (IOException | RuntimeException e) {
      err.println("rosetta: " + e.getMessage());
      log.log(Level.FINE, "start failed", e);
      return 1;
    }
    log.info("Rosetta started with " + config.source() + ": OTLP/gRPC "
        + service.grpcAddress().map(Object::toString).orElse("off") + ", OTLP/HTTP "
        + service.httpAddress().map(Object::toString).orElse("off") + ", metrics " + service.metricsAddress());
    CountDownLatch stop = new CountDownLatch(1);
    boolean handled = Signals.handle("TERM", stop::countDown) & Signals.handle("INT", stop::countDown);
    if (!handled) {
      Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "rosetta-shutdown"));
    }
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping: draining within " + config.service().shutdownTimeout());
    service.stop();
    return 0;
  }
}
