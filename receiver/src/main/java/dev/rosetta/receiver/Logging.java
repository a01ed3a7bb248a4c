package dev.rosetta.receiver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on standard error: time, level, logger, message. */
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

  static void configure(Level level) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler h = new ConsoleHandler();
    h.setLevel(level);
    h.setFormatter(new OneLine());
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

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder(128)
          .append(Instant.ofEpochMilli(r.getMillis()))
          .append(' ')
          .append(level(r.getLevel()))
          .append(' ')
          .append(shortName(r.getLoggerName()))
          .append(": ")
          .append(formatMessage(r))
          .append(System.lineSeparator());
      if (r.getThrown() != null) {
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(sw));
        sb.append(sw);
      }
      return sb.toString();
    }

    private static String level(Level l) {
      if (l.intValue() >= Level.SEVERE.intValue()) {
        return "ERROR";
      }
      if (l.intValue() >= Level.WARNING.intValue()) {
        return "WARN ";
      }
      if (l.intValue() >= Level.INFO.intValue()) {
        return "INFO ";
      }
      return "DEBUG";
    }

    private static String shortName(String n) {
      if (n == null) {
        return "";
      }
      int dot = n.lastIndexOf('.');
      return dot < 0 ? n : n.substring(dot + 1);
    }
  }
}
