package dev.rosetta.receiver.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The service's own log ({@code service.telemetry.logs}), with the OpenTelemetry Collector's keys:
 * {@code level}; {@code encoding} ({@code console}: one line of text per record, {@code json}: one
 * JSON object per line with {@code ts}, {@code level}, {@code logger}, {@code msg} and the record's
 * fields); {@code disable_caller} (Rosetta's default is {@code true}: no {@code caller}); {@code
 * disable_stacktrace} (an exception is then its class and message, without the frames); {@code
 * output_paths} ({@code stderr} or {@code stdout}); {@code initial_fields} (added to every record).
 * Immutable.
 *
 * @param level the lowest level written
 * @param encoding how a record is written
 * @param caller whether a record names the class and method that logged it
 * @param stacktraces whether an exception is written with its stack frames
 * @param output where records go
 * @param initialFields fields added to every record, in file order
 */
public record LogsConfig(
    LogLevel level, Encoding encoding, boolean caller, boolean stacktraces, Output output,
    Map<String, String> initialFields) {

  /** How a record is written. */
  public enum Encoding {
    /** One line of text: time, level, logger, message, fields as {@code key=value}. */
    CONSOLE,
    /** One JSON object per line. */
    JSON
  }

  /** The stream records go to. */
  public enum Output {
    STDERR,
    STDOUT
  }

  public LogsConfig {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(output, "output");
    initialFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(initialFields));
  }

  /** Info, console, no caller, stack traces, standard error, no initial fields. */
  public static LogsConfig defaults() {
    return new LogsConfig(LogLevel.INFO, Encoding.CONSOLE, false, true, Output.STDERR, Map.of());
  }

  /** The defaults at {@code level}. */
  public static LogsConfig ofLevel(LogLevel level) {
    return new LogsConfig(level, Encoding.CONSOLE, false, true, Output.STDERR, Map.of());
  }
}
