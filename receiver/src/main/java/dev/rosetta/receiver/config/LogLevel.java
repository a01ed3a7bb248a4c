package dev.rosetta.receiver.config;

/** The service's own log level ({@code service.telemetry.logs.level}); YAML in lower case. */
public enum LogLevel {
  DEBUG,
  INFO,
  WARN,
  ERROR
}
