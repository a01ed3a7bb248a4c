package dev.rosetta.receiver.config;

/** Compression of exported OTLP requests; YAML {@code none} or {@code gzip}. */
public enum Compression {
  NONE,
  GZIP
}
