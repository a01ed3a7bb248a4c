package dev.rosetta.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.config.ConfigLoader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With logging at debug, the libraries included, no log line holds a credential: not the bearer
 * token, the password, the Basic header or an htpasswd hash, whether the request was accepted or
 * refused, nor the message of a start that fails on a bad htpasswd file.
 */
class SecretsInLogsTest {
  static final String TOKEN = "tok-" + UUID.randomUUID();
  static final String PASSWORD = "pw-" + UUID.randomUUID();
  static final String HASH_PART = "abcdefghijklmnopqrstuvwxyz";

  final List<LogRecord> records = new ArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (records) {
        records.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  Handler[] savedHandlers;
  Level savedLevel;

  @BeforeEach
  void captureAllLogging() {
    Logger root = Logger.getLogger("");
    savedHandlers = root.getHandlers();
    savedLevel = root.getLevel();
    Logger.getLogger("io.grpc").setLevel(null);
    Logger.getLogger("io.netty").setLevel(null);
    Logging.configure(Level.FINE);
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void restoreLogging() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    for (Handler h : savedHandlers) {
      root.addHandler(h);
    }
    root.setLevel(savedLevel);
    Logger.getLogger("io.grpc").setLevel(Level.INFO);
    Logger.getLogger("io.netty").setLevel(Level.INFO);
  }

  List<String> logged() {
    List<LogRecord> copy;
    synchronized (records) {
      copy = new ArrayList<>(records);
    }
    List<String> out = new ArrayList<>();
    java.util.logging.SimpleFormatter f = new java.util.logging.SimpleFormatter();
    for (LogRecord r : copy) {
      StringBuilder sb = new StringBuilder(f.formatMessage(r));
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          sb.append(' ').append(p);
        }
      }
      if (r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        sb.append(' ').append(w);
      }
      out.add(sb.toString());
    }
    return out;
  }

  static boolean export(MetricExporter exporter) {
    SdkMeterProvider p = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "secrets")))
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build()).build();
    p.get("secrets").counterBuilder("secrets.test").build().add(1);
    boolean ok = p.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
    p.shutdown().join(10, TimeUnit.SECONDS);
    return ok;
  }

  @Test
  void noCredentialReachesTheLogAtDebug(@TempDir Path dir) throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString(("prometheus:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    RosettaService s = Rosetta.create(ConfigLoader.parse("""
        extensions:
          bearertokenauth: {token: "%s"}
          basicauth: {htpasswd: {inline: "prometheus:%s"}}
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", auth: {authenticator: bearertokenauth}}
              http: {endpoint: "127.0.0.1:0", auth: {authenticator: bearertokenauth}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0", auth: {authenticator: basicauth}}
        service:
          extensions: [bearertokenauth, basicauth]
          telemetry: {logs: {level: debug}}
        """.formatted(TOKEN, PASSWORD), "secrets-test", Map.of()));
    s.start();
    try {
      String grpc = "http://127.0.0.1:" + s.grpcAddress().orElseThrow().getPort();
      String http = "http://127.0.0.1:" + s.httpAddress().orElseThrow().getPort() + "/v1/metrics";
      for (String auth : new String[] {"Bearer " + TOKEN, "Bearer x" + TOKEN, basic}) {
        export(OtlpGrpcMetricExporter.builder().setEndpoint(grpc).addHeader("Authorization", auth)
            .setTimeout(Duration.ofSeconds(10)).build());
        export(OtlpHttpMetricExporter.builder().setEndpoint(http).addHeader("Authorization", auth)
            .setTimeout(Duration.ofSeconds(10)).build());
      }
      HttpClient client = HttpClient.newHttpClient();
      for (String auth : new String[] {basic, "Bearer " + TOKEN, basic + "x"}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + "/metrics")).header("Authorization", auth)
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(PASSWORD);
      }
    } finally {
      s.stop();
    }

    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "u:$2y$05$" + HASH_PART + "\nv:" + PASSWORD + "\nw\n");
    assertThatThrownBy(() -> Rosetta.create(ConfigLoader.parse("""
        extensions:
          basicauth: {htpasswd: {file: "%s"}}
        service:
          extensions: [basicauth]
        """.formatted(htpasswd), "secrets-test", Map.of())))
        .satisfies(e -> assertThat(Main.rootMessage(e)).contains(htpasswd.toString())
            .contains("line 1 (user \"u\"): malformed bcrypt hash").contains("line 3")
            .doesNotContain(HASH_PART).doesNotContain(PASSWORD));

    List<String> lines = logged();
    assertThat(lines).as("something was logged at debug").hasSizeGreaterThan(20);
    assertThat(lines).noneMatch(l -> l.contains(TOKEN)).noneMatch(l -> l.contains(PASSWORD))
        .noneMatch(l -> l.contains(basic.substring(6))).noneMatch(l -> l.contains(HASH_PART));
  }
}
