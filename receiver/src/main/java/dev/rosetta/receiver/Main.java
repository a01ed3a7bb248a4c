package dev.rosetta.receiver;

import dev.rosetta.receiver.cli.ExplainCommand;
import dev.rosetta.receiver.cli.RelabelCommand;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.cli.ValidateCommand;
import dev.rosetta.receiver.telemetry.Formats;
import dev.rosetta.receiver.views.ConfigCheck;
import dev.rosetta.receiver.telemetry.LogFields;
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
 * rosetta relabel --rules FILE          apply relabel rules to label sets read from standard input
 * rosetta explain [--config FILE] [--json] [NAME...]   which view a raw name matches
 * rosetta --help | --version
 * </pre>
 */
public final class Main {
  private static final String USAGE = """
      usage: rosetta [run] [--config FILE]        run the service (the embedded default config without --config)
             rosetta validate --config FILE       check a configuration file and print every error
             rosetta relabel --rules FILE [--name-validation utf8|legacy]
                                                  apply Prometheus relabel rules to JSON label sets on stdin
             rosetta explain [--config FILE] [--json] [NAME...]   tell which view each raw name matches
             rosetta --help | --version
      """;

  /** How often the configuration file and the files it names are checked for changes. */
  static final java.time.Duration RELOAD_INTERVAL = java.time.Duration.ofSeconds(5);

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
      case "relabel":
        return RelabelCommand.run(rest, System.in, out, err);
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
          out.println("rosetta " + version());
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
    if (configFile == null) {
      config = ConfigLoader.embeddedDefault();
    } else {
      // the file and the view files it names, every problem reported before anything starts
      ConfigCheck.Result checked = ConfigCheck.run(configFile, env, FileCheck.readable());
      if (!checked.ok()) {
        checked.errors().forEach(line -> err.println("rosetta: " + line));
        return 1;
      }
      config = checked.config().orElseThrow();
    }
    Logging.configure(config.service().logs());
    Logger log = Logger.getLogger(Main.class.getName());
    RosettaService service;
    try {
      service = Rosetta.create(config);
      service.start();
    } catch (IOException | RuntimeException e) {
      err.println("rosetta: " + rootMessage(e));
      log.log(Level.FINE, "start failed", e);
      return 1;
    }
    String grpc = service.grpcAddress().map(Formats::address).orElse("off");
    String http = service.httpAddress().map(Formats::address).orElse("off");
    String metrics = Formats.address(service.metricsAddress());
    LogFields.of("config", config.source(), "otlp_grpc", grpc, "otlp_http", http, "metrics", metrics,
        "version", version()).log(log, Level.INFO, "Rosetta started with " + config.source() + ": OTLP/gRPC "
        + grpc + ", OTLP/HTTP " + http + ", metrics " + metrics);
    if (configFile != null) {
      ConfigReloader reloader = service.watchConfig(configFile, env, config, RELOAD_INTERVAL);
      Signals.handle("HUP", reloader::reloadAsync);
    }
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
    LogFields.of("shutdown_timeout", Formats.duration(config.service().shutdownTimeout()))
        .log(log, Level.INFO, "stopping: draining within " + Formats.duration(config.service().shutdownTimeout()));
    service.stop();
    return 0;
  }

  /** The jar's version, or "(development build)" when run from classes. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }

  /** The message that explains a failure: wiring errors wrap the real cause. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t instanceof com.google.inject.ProvisionException && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
