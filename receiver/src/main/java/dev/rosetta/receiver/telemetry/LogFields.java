package dev.rosetta.receiver.telemetry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Key/value fields of one log record, beside its message: the JSON log writes them as fields of the
 * record's object ({@code "errors": [...]}), the console log as {@code key=value} after the message.
 * A record carries them as its only parameter, so a message logged with fields is never run through
 * {@link java.text.MessageFormat}. Values are strings, numbers, booleans or lists of those (anything
 * else is written as its {@code toString()}). Immutable.
 */
public final class LogFields {
  private final Map<String, Object> fields;

  private LogFields(Map<String, Object> fields) {
    this.fields = Collections.unmodifiableMap(fields);
  }

  /** Fields from alternating keys and values: {@code of("file", path, "errors", list)}. */
  public static LogFields of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(String.valueOf(keysAndValues[i]), Objects.requireNonNull(keysAndValues[i + 1], "value"));
    }
    return new LogFields(m);
  }

  /** The fields in the order given. */
  public Map<String, Object> asMap() {
    return fields;
  }

  /** The fields of {@code r}, when it carries any. */
  public static LogFields of(LogRecord r) {
    Object[] params = r.getParameters();
    if (params != null && params.length == 1 && params[0] instanceof LogFields f) {
      return f;
    }
    return null;
  }

  /** Logs {@code message} with these fields (and {@code thrown}, which may be null). */
  public void log(Logger logger, Level level, String message, Throwable thrown) {
    if (!logger.isLoggable(level)) {
      return;
    }
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger.getName());
    r.setParameters(new Object[] {this});
    r.setThrown(thrown);
    logger.log(r);
  }

  /** Logs {@code message} with these fields. */
  public void log(Logger logger, Level level, String message) {
    log(logger, level, message, null);
  }

  /** A value as text: lists joined with "; ". */
  public static String text(Object value) {
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder();
      for (Object o : list) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append(o);
      }
      return sb.toString();
    }
    return String.valueOf(value);
  }
}
