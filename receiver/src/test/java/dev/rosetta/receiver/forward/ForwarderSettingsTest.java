package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rosetta.receiver.forward.ForwarderSettings.Batch;
import dev.rosetta.receiver.forward.ForwarderSettings.Retry;
import dev.rosetta.receiver.forward.ForwarderSettings.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForwarderSettingsTest {

  private static final Optional<Path> FILE = Optional.of(Path.of("x.pem"));

  @Test
  void defaultsAreTheCollectorDefaults() {
    ForwarderSettings s = ForwarderSettings.builder("collector:4317").build();
    assertThat(s.plaintext()).isFalse();
    assertThat(s.tls()).isEqualTo(Tls.systemTrust());
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.numConsumers()).isEqualTo(10);
    assertThat(s.queueSize()).isEqualTo(1000);
    assertThat(s.retry())
        .isEqualTo(
            new Retry(
                true,
                Duration.ofSeconds(5),
                0.5,
                1.5,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5)));
    assertThat(s.batch()).isEqualTo(new Batch(8192, 0, Duration.ofMillis(200)));
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void headersAreLowerCasedSortedAndUnmodifiable() {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("X-Tenant", "acme");
    in.put("authorization", "Bearer t");
    ForwarderSettings s = ForwarderSettings.builder("c:4317").headers(in).build();
    assertThat(s.headers()).containsExactly(
        Map.entry("authorization", "Bearer t"), Map.entry("x-tenant", "acme"));
    assertThatThrownBy(() -> s.headers().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptedTargets() {
    for (String t : new String[] {"localhost:4317", "10.0.0.1:1", "[::1]:65535", "otel.svc:4317"}) {
      assertThat(ForwarderSettings.builder(t).build().target()).isEqualTo(t);
    }
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("no port", () -> ForwarderSettings.builder("localhost").build(), "target"),
        bad("port 0", () -> ForwarderSettings.builder("localhost:0").build(), "target"),
        bad("port text", () -> ForwarderSettings.builder("localhost:http").build(), "target"),
        bad("url", () -> ForwarderSettings.builder("http://localhost:4317").build(), "target"),
        bad("blank host", () -> ForwarderSettings.builder(":4317").build(), "target"),
        bad(
            "plaintext with TLS option",
            () ->
                ForwarderSettings.builder("c:1")
                    .plaintext(true)
                    .tls(new Tls(FILE, Optional.empty(), Optional.empty(), false, Optional.empty()))
                    .build(),
            "plaintext"),
        bad(
            "cert without key",
            () -> new Tls(Optional.empty(), FILE, Optional.empty(), false, Optional.empty()),
            "tls.certFile"),
        bad(
            "skip verify with CA",
            () -> new Tls(FILE, Optional.empty(), Optional.empty(), true, Optional.empty()),
            "tls.insecureSkipVerify"),
        bad(
            "blank server name",
            () ->
                new Tls(Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.of(" ")),
            "tls.serverNameOverride"),
        bad(
            "reserved header",
            () -> ForwarderSettings.builder("c:1").headers(Map.of("grpc-timeout", "1S")).build(),
            "headers.grpc-timeout"),
        bad(
            "binary header",
            () -> ForwarderSettings.builder("c:1").headers(Map.of("x-bin", "x")).build(),
            "headers.x-bin"),
        bad(
            "invalid header name",
            () -> ForwarderSettings.builder("c:1").headers(Map.of("a b", "x")).build(),
            "headers.a b"),
        bad(
            "non-ASCII header value",
            () -> ForwarderSettings.builder("c:1").headers(Map.of("x-name", "caf\u00e9")).build(),
            "headers.x-name"),
        bad(
            "duplicate header by case",
            () ->
                ForwarderSettings.builder("c:1")
                    .headers(Map.of("X-Tenant", "a", "x-tenant", "b"))
                    .build(),
            "duplicate"),
        bad(
            "zero timeout",
            () -> ForwarderSettings.builder("c:1").timeout(Duration.ZERO).build(),
            "timeout"),
        bad(
            "no consumers",
            () -> ForwarderSettings.builder("c:1").numConsumers(0).build(),
            "numConsumers"),
        bad("no queue", () -> ForwarderSettings.builder("c:1").queueSize(0).build(), "queueSize"),
        bad(
            "zero initial interval",
            () -> new Retry(true, Duration.ZERO, 0.5, 1.5, Duration.ofSeconds(1), Duration.ZERO),
            "retry.initialInterval"),
        bad(
            "jitter above 1",
            () -> new Retry(true, Duration.ofMillis(1), 1.5, 1.5, Duration.ofSeconds(1), Duration.ZERO),
            "retry.randomizationFactor"),
        bad(
            "multiplier below 1",
            () -> new Retry(true, Duration.ofMillis(1), 0.5, 0.5, Duration.ofSeconds(1), Duration.ZERO),
            "retry.multiplier"),
        bad(
            "NaN multiplier",
            () ->
                new Retry(
                    true, Duration.ofMillis(1), 0.5, Double.NaN, Duration.ofSeconds(1), Duration.ZERO),
            "retry.multiplier"),
        bad(
            "max interval below initial",
            () -> new Retry(true, Duration.ofSeconds(2), 0.5, 1.5, Duration.ofSeconds(1), Duration.ZERO),
            "retry.maxInterval"),
        bad(
            "negative max elapsed",
            () ->
                new Retry(
                    true,
                    Duration.ofMillis(1),
                    0.5,
                    1.5,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(-1)),
            "retry.maxElapsedTime"),
        bad("zero batch size", () -> new Batch(0, 0, Duration.ZERO), "batch.sendBatchSize"),
        bad("max below size", () -> new Batch(10, 5, Duration.ZERO), "batch.sendBatchMaxSize"),
        bad("negative flush", () -> new Batch(1, 0, Duration.ofMillis(-1)), "batch.timeout"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidSettingsNameTheSetting(Supplier<Object> build, String expectedInMessage) {
    assertThatThrownBy(build::get)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expectedInMessage);
  }

  private static Arguments bad(String name, Supplier<Object> build, String message) {
    return arguments(Named.of(name, build), message);
  }
}
