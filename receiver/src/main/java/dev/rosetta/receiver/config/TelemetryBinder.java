package dev.rosetta.receiver.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds {@code service.telemetry}, the Collector's section for the service's own telemetry. What
 * maps onto Rosetta is taken ({@code logs.level}, {@code encoding}, {@code disable_caller}, {@code
 * disable_stacktrace}, {@code output_paths}, {@code initial_fields}, {@code metrics.level}, and
 * Rosetta's own {@code metrics.own_jvm}); what
 * does not is refused with the reason, so a pasted Collector configuration says what to change
 * instead of failing on an unknown key. Stateless.
 */
final class TelemetryBinder {
  static final String OWN_METRICS = "Rosetta serves its own metrics (rosetta_*) with the others on the"
      + " Prometheus exporter's /metrics (exporters.prometheus.endpoint)";

  private TelemetryBinder() {}

  /** {@code service.telemetry}: the log settings, and whether Rosetta's own JVM metrics are on. */
  record Telemetry(LogsConfig logs, boolean ownJvm) {}

  static Telemetry telemetry(ConfigNode n) {
    LogsConfig logs = n.section("logs", TelemetryBinder::logs);
    boolean ownJvm = n.optionalSection("metrics", TelemetryBinder::metrics).orElse(Boolean.TRUE);
    refuse(n, "traces", "Rosetta handles metrics only and has no traces of its own: remove service.telemetry.traces");
    refuse(n, "resource", "Rosetta's own metrics carry no resource: they are served as they are on /metrics;"
        + " remove service.telemetry.resource");
    return new Telemetry(logs, ownJvm);
  }

  private static LogsConfig logs(ConfigNode n) {
    LogLevel level = n.enumValue("level", LogLevel.INFO);
    LogsConfig.Encoding encoding = n.enumValue("encoding", LogsConfig.Encoding.CONSOLE);
    if (n.bool("development", false)) {
      n.error("development", "Rosetta has no development logging mode: remove \"development\" or set it to false"
          + " (level: debug gives more detail)");
    }
    boolean caller = !n.bool("disable_caller", true);
    boolean stacktraces = !n.bool("disable_stacktrace", false);
    n.optionalSection("sampling", s -> {
      boolean enabled = s.bool("enabled", true);
      s.optional("tick", ValueParsers.duration());
      s.optional("initial", ValueParsers.integer(0, Integer.MAX_VALUE));
      s.optional("thereafter", ValueParsers.integer(0, Integer.MAX_VALUE));
      if (enabled) {
        s.error("Rosetta does not sample its log: a line that repeats is rate-limited where it is logged;"
            + " remove \"sampling\" or set sampling.enabled: false");
      }
      return enabled;
    });
    LogsConfig.Output output = outputs(n, "output_paths");
    outputs(n, "error_output_paths");
    Map<String, String> initialFields = n.map("initial_fields", ValueParsers.string());
    for (String key : List.of("ts", "level", "logger", "msg", "caller", "exception")) {
      if (initialFields.containsKey(key)) {
        n.error("initial_fields", "." + key, initialFields.get(key),
            "\"" + key + "\" is a field of every record already: choose another name");
      }
    }
    refuse(n, "processors", "Rosetta does not export its own log over OTLP: it writes it to standard error"
        + " (or output_paths: [stdout]); remove service.telemetry.logs.processors");
    return new LogsConfig(level, encoding, caller, stacktraces, output, initialFields);
  }

  /** {@code stderr} or {@code stdout}, one of them. */
  private static LogsConfig.Output outputs(ConfigNode n, String key) {
    List<String> paths = n.list(key, ValueParsers.nonEmptyString());
    LogsConfig.Output output = LogsConfig.Output.STDERR;
    for (int i = 0; i < paths.size(); i++) {
      String p = paths.get(i).toLowerCase(Locale.ROOT);
      if (!p.equals("stderr") && !p.equals("stdout")) {
        n.error(key, "[" + i + "]", paths.get(i), "Rosetta writes its log to standard error or standard output"
            + " only (\"stderr\" or \"stdout\"), not to files: collect it from there");
      } else if (i > 0) {
        n.error(key, "[" + i + "]", paths.get(i), "one output only: \"stderr\" or \"stdout\"");
      } else {
        output = p.equals("stdout") ? LogsConfig.Output.STDOUT : LogsConfig.Output.STDERR;
      }
    }
    return output;
  }

  private static Boolean metrics(ConfigNode n) {
    String level = n.get("level", "normal", ValueParsers.string().map(s -> s.toLowerCase(Locale.ROOT)));
    switch (level) {
      case "basic", "normal", "detailed" -> { }
      case "none" -> n.error("level", OWN_METRICS + " and cannot be turned off; remove"
          + " service.telemetry.metrics.level or set it to basic, normal or detailed (all the same to Rosetta)");
      default -> n.error("level", "invalid value \"" + level + "\": expected none, basic, normal or detailed");
    }
    refuse(n, "address", OWN_METRICS + "; remove service.telemetry.metrics.address");
    refuse(n, "readers", OWN_METRICS + "; remove service.telemetry.metrics.readers");
    refuse(n, "views", "Rosetta's own metrics have no views; remove service.telemetry.metrics.views");
    // Rosetta's own JVM and process metrics, read from its platform MBeans through the jvm views
    return n.bool("own_jvm", true);
  }

  /** Reports {@code key}, when present, with {@code reason}; an absent key is left unknown. */
  static void refuse(ConfigNode n, String key, String reason) {
    if (n.has(key)) {
      n.optional(key, raw -> raw); // known, so not also reported as unknown
      n.error(key, reason);
    }
  }
}
