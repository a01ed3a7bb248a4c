package dev.rosetta.receiver.config;

import java.util.Objects;

/**
 * The {@code health_check} extension: an HTTP endpoint of its own answering {@code path} with 200
 * and a small JSON status while the service is healthy, 503 once a background thread or task
 * failed (the state {@code /healthz} reports). {@code endpoint} defaults to {@code
 * 127.0.0.1:13133}: the Collector's port, on loopback as every Rosetta listener by default.
 */
public record HealthCheckConfig(ComponentId id, Endpoint endpoint, String path) implements ExtensionConfig {
  public static final String TYPE = "health_check";
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 13133);
  public static final String DEFAULT_PATH = "/";

  public HealthCheckConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
  }
}
