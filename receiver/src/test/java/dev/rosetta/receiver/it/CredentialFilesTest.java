package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.telemetry.SecurityMetrics;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials that live in files change without a restart: a token file rotated the way Kubernetes
 * updates a mounted secret (a symbolic link swapped to a new directory), and an htpasswd file of
 * bcrypt passwords, checked off the network threads, on both OTLP transports.
 */
class CredentialFilesTest {
  @TempDir Path dir;

  /** Lays out {@code dir/secret} as kubelet does: token -> ..data/token, ..data -> ..<version>. */
  void publishSecret(String version, String token) throws Exception {
    Path secret = dir.resolve("secret");
    Files.createDirectories(secret.resolve(".." + version));
    Files.writeString(secret.resolve(".." + version).resolve("token"), token + "\n");
    Path link = secret.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of(".." + version));
    Files.move(link, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(secret.resolve("token"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(secret.resolve("token"), Path.of("..data/token"));
    }
  }

  static int post(RosettaService s, String authorization) throws Exception {
    return AuthClients.post(s, "/v1/metrics", "application/x-protobuf", StatusTableTest.valid(1, false).toByteArray(),
        authorization).statusCode();
  }

  static void await(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aRotatedTokenFileTakesEffectWithoutARestart() throws Exception {
    publishSecret("2024_01", "first-token");
    RosettaService rosetta = AuthClients.start("""
        extensions:
          bearertokenauth/clients: {filename: "%s"}
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:0", auth: {authenticator: bearertokenauth/clients}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        service:
          extensions: [bearertokenauth/clients]
        """.formatted(dir.resolve("secret/token")));
    try {
      SecurityMetrics security = rosetta.components().security().metrics();
      assertThat(post(rosetta, "Bearer first-token")).isEqualTo(200);
      assertThat(post(rosetta, "Bearer second-token")).isEqualTo(401);

      publishSecret("2024_02", "second-token");
      await("the rotated token accepted", () -> post(rosetta, "Bearer second-token") == 200);
      assertThat(post(rosetta, "Bearer first-token")).isEqualTo(401);
      assertThat(security.reloads("bearertokenauth/clients", "success")).isEqualTo(1);

      // a secret emptied by mistake is refused; the token in force stays
      publishSecret("2024_03", "");
      await("the empty token file refused", () -> security.reloads("bearertokenauth/clients", "failure") == 1);
      assertThat(post(rosetta, "Bearer second-token")).isEqualTo(200);
      String text = AuthClients.get(rosetta, "/metrics", null).body();
      assertThat(text).contains("rosetta_credentials_reloads_total{source=\"bearertokenauth/clients\",result=\"failure\",} 1.0")
          .doesNotContain("second-token").doesNotContain("first-token");
    } finally {
      rosetta.stop();
    }
  }

  @Test
  void bcryptHtpasswdOnBothTransportsWithTheSdkExporters() throws Exception {
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(8, "pipeline-pass".toCharArray());
    Files.writeString(dir.resolve("htpasswd"), "# senders\ncollector:" + hash + "\n");
    RosettaService rosetta = AuthClients.start("""
        extensions:
          basicauth: {htpasswd: {file: "%s"}}
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:0", auth: {authenticator: basicauth}}
              http: {endpoint: "127.0.0.1:0", auth: {authenticator: basicauth}}
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        service:
          extensions: [basicauth]
        """.formatted(dir.resolve("htpasswd")));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      String good = AuthClients.basic("collector", "pipeline-pass");
      // the first checks of a credential run on the verifier threads: the calls wait for them
      List<CompletableFuture<Boolean>> first = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        first.add(CompletableFuture.supplyAsync(() -> ReceiverAuthTest.export(
            OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + AuthClients.grpcPort(rosetta))
                .addHeader("Authorization", good).setTimeout(Duration.ofSeconds(10)).build(), "grpc-basic"), pool));
        first.add(CompletableFuture.supplyAsync(() -> ReceiverAuthTest.export(
            OtlpHttpMetricExporter.builder().setEndpoint("http://127.0.0.1:" + AuthClients.httpPort(rosetta) + "/v1/metrics")
                .addHeader("Authorization", good).setTimeout(Duration.ofSeconds(10)).build(), "http-basic"), pool));
      }
      for (CompletableFuture<Boolean> f : first) {
        assertThat(f.get(30, TimeUnit.SECONDS)).as("export with the right password").isTrue();
      }
      String text = AuthClients.get(rosetta, "/metrics", null).body();
      assertThat(text).contains("auth_test_requests_total{job=\"grpc-basic\"").contains("auth_test_requests_total{job=\"http-basic\"");

      HttpResponse<String> wrong = AuthClients.post(rosetta, "/v1/metrics", "application/json",
          "{}".getBytes(StandardCharsets.UTF_8), AuthClients.basic("collector", "pipeline-pasS"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"rosetta\", charset=\"UTF-8\"");
      assertThat(ReceiverAuthTest.export(OtlpGrpcMetricExporter.builder()
          .setEndpoint("http://127.0.0.1:" + AuthClients.grpcPort(rosetta))
          .addHeader("Authorization", AuthClients.basic("someone", "pipeline-pass"))
          .setTimeout(Duration.ofSeconds(10)).build(), "grpc-basic")).as("an unknown user").isFalse();

      // a new password in the file replaces the old one
      String newHash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(8, "rotated-pass".toCharArray());
      Files.writeString(dir.resolve("htpasswd.new"), "collector:" + newHash + "\n");
      Files.move(dir.resolve("htpasswd.new"), dir.resolve("htpasswd"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      await("the new password accepted",
          () -> post(rosetta, AuthClients.basic("collector", "rotated-pass")) == 200);
      assertThat(post(rosetta, good)).as("the old password, remembered before, is checked again").isEqualTo(401);
    } finally {
      pool.shutdownNow();
      rosetta.stop();
    }
  }
}
