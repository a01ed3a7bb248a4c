package dev.rosetta.receiver;

import com.google.gson.stream.JsonWriter;
import dev.rosetta.receiver.config.LogsConfig;
import dev.rosetta.receiver.telemetry.LogFields;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The service's log: java.util.logging records written to standard error (or standard output), one
 * line each, as text ({@code console}) or as one JSON object per line ({@code json}), after {@code
 * service.telemetry.logs}. Configured at start and again on each reload.
 */
final class Logging {
  /**
   * gRPC's HTTP/2 frame loggers print every header at debug, credentials included ({@code
   * authorization} on the receiver, the exporter's {@code headers}): they stay at INFO whatever the
   * level. Held here so that the setting outlives garbage collection of the loggers.
   */
  private static final Logger[] CREDENTIAL_LOGGERS = {
      Logger.getLogger("io.grpc.netty.NettyServerHandler"),
      Logger.getLogger("io.grpc.netty.NettyClientHandler"),
  };

  private Logging() {}

  static Level level(dev.rosetta.receiver.config.LogLevel l) {
    return switch (l) {
      case DEBUG -> Level.FINE;
      case INFO -> Level.INFO;
      case WARN -> Level.WARNING;
      case ERROR -> Level.SEVERE;
    };
  }

  /** Text lines at {@code level} on standard error (the console defaults). */
  static void configure(Level level) {
    configure(LogsConfig.defaults(), level);
  }

  /** Replaces the root logger's handlers with one that writes as {@code logs} says. */
  static void configure(LogsConfig logs) {
    configure(logs, level(logs.level()));
  }

  private static void configure(LogsConfig logs, Level level) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
      h.flush();
    }
    Handler h = new LineHandler(logs.output() == LogsConfig.Output.STDOUT);
    h.setLevel(level);
    h.setFormatter(logs.encoding() == LogsConfig.Encoding.JSON ? new Json(logs) : new Console(logs));
    root.addHandler(h);
    root.setLevel(level);
    for (Logger l : CREDENTIAL_LOGGERS) {
      l.setLevel(Level.INFO);
    }
    // Libraries are chatty below INFO; keep their detail out unless asked for with debug.
    if (level.intValue() > Level.FINE.intValue()) {
      Logger.getLogger("io.netty").setLevel(Level.INFO);
      Logger.getLogger("io.grpc").setLevel(Level.INFO);
    }
  }

  /** Changes the level in force (a configuration reload). */
  static void setLevel(Level level) {
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (Handler h : root.getHandlers()) {
      h.setLevel(level);
    }
  }

  /**
   * Writes each record at once to the stream of the moment ({@code System.err} or {@code
   * System.out}), flushed, so lines from several threads never interleave within a line.
   */
  private static final class LineHandler extends Handler {
    private final boolean stdout;

    LineHandler(boolean stdout) {
      this.stdout = stdout;
    }

    @Override
    public synchronized void publish(LogRecord r) {
      if (!isLoggable(r)) {
        return;
      }
      String line;
      try {
        line = getFormatter().format(r);
      } catch (RuntimeException e) {
        reportError("cannot format a log record", e, java.util.logging.ErrorManager.FORMAT_FAILURE);
        return;
      }
      java.io.PrintStream out = stdout ? System.out : System.err;
      out.print(line);
      out.flush();
    }

    @Override
    public synchronized void flush() {
      (stdout ? System.out : System.err).flush();
    }

    @Override
    public synchronized void close() {
      flush();
    }
  }

  static String levelName(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (l.intValue() >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  static String shortName(String n) {
    if (n == null) {
      return "";
    }
    int dot = n.lastIndexOf('.');
    return dot < 0 ? n : n.substring(dot + 1);
  }

  private static String caller(LogRecord r) {
    String cls = r.getSourceClassName();
    if (cls == null) {
      return "";
    }
    String method = r.getSourceMethodName();
    return shortName(cls) + (method == null ? "" : "." + method);
  }

  /** The message of {@code r}: its text as is when it carries fields, else formatted as JUL does. */
  private static String message(Formatter f, LogRecord r) {
    if (LogFields.of(r) != null) {
      return r.getMessage() == null ? "" : r.getMessage();
    }
    return f.formatMessage(r);
  }

  private static String exception(Throwable t, boolean stacktraces) {
    if (!stacktraces) {
      return t.toString();
    }
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    String s = sw.toString();
    return s.endsWith(System.lineSeparator()) ? s.substring(0, s.length() - System.lineSeparator().length()) : s;
  }

  /** {@code 2024-05-01T12:00:00.123Z INFO  Logger: message key=value}, then the stack trace, if any. */
  private static final class Console extends Formatter {
    private final LogsConfig logs;

    Console(LogsConfig logs) {
      this.logs = logs;
    }

    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder(128)
          .append(Instant.ofEpochMilli(r.getMillis()))
          .append(' ')
          .append(String.format(Locale.ROOT, "%-5s", levelName(r.getLevel())))
          .append(' ')
          .append(shortName(r.getLoggerName()));
      if (logs.caller()) {
        sb.append(" (").append(caller(r)).append(')');
      }
      sb.append(": ").append(message(this, r));
      fields(sb, logs.initialFields());
      LogFields f = LogFields.of(r);
      if (f != null) {
        fields(sb, f.asMap());
      }
      Throwable t = r.getThrown();
      if (t != null && !logs.stacktraces()) {
        sb.append(" exception=").append(quoted(t.toString()));
      }
      sb.append(System.lineSeparator());
      if (t != null && logs.stacktraces()) {
        sb.append(exception(t, true)).append(System.lineSeparator());
      }
      return sb.toString();
    }

    private static void fields(StringBuilder sb, Map<String, ?> fields) {
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        sb.append(' ').append(e.getKey()).append('=').append(quoted(LogFields.text(e.getValue())));
      }
    }

    private static String quoted(String v) {
      boolean plain = !v.isEmpty();
      for (int i = 0; i < v.length() && plain; i++) {
        char c = v.charAt(i);
        plain = c > ' ' && c != '"' && c != '=' && c < 0x7f;
      }
      if (plain) {
        return v;
      }
      StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
  }

  /**
   * One JSON object per line: {@code ts} (RFC 3339, UTC, milliseconds), {@code level} (debug, info,
   * warn, error), {@code logger} (the logger's full name), {@code caller} when asked for, {@code
   * msg}, the initial fields, the record's fields, and {@code exception} (the stack trace as one
   * string) when the record carries one.
   */
  private static final class Json extends Formatter {
    private final LogsConfig logs;

    Json(LogsConfig logs) {
      this.logs = logs;
    }

    @Override
    public String format(LogRecord r) {
      StringWriter sw = new StringWriter(192);
      try (JsonWriter w = new JsonWriter(sw)) {
        w.setHtmlSafe(false);
        w.setSerializeNulls(false);
        w.beginObject();
        w.name("ts").value(Instant.ofEpochMilli(r.getMillis()).toString());
        w.name("level").value(levelName(r.getLevel()).toLowerCase(Locale.ROOT));
        w.name("logger").value(r.getLoggerName() == null ? "" : r.getLoggerName());
        if (logs.caller()) {
          w.name("caller").value(caller(r));
        }
        w.name("msg").value(message(this, r));
        for (Map.Entry<String, String> e : logs.initialFields().entrySet()) {
          w.name(e.getKey()).value(e.getValue());
        }
        LogFields f = LogFields.of(r);
        if (f != null) {
          for (Map.Entry<String, Object> e : f.asMap().entrySet()) {
            w.name(e.getKey());
            value(w, e.getValue());
          }
        }
        if (r.getThrown() != null) {
          w.name("exception").value(exception(r.getThrown(), logs.stacktraces()));
        }
        w.endObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a StringWriter does not fail
      }
      return sw.append(System.lineSeparator()).toString();
    }

    private static void value(JsonWriter w, Object v) throws IOException {
      if (v instanceof List<?> list) {
        w.beginArray();
        for (Object o : list) {
          value(w, o);
        }
        w.endArray();
      } else if (v instanceof Boolean b) {
        w.value(b);
      } else if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
        w.value(n);
      } else {
        w.value(String.valueOf(v));
      }
    }
  }
}
