package dev.rosetta.receiver.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** An OTLP/HTTP POST over TLS on a new connection. */
final class TlsRefusalTestSupport {
  private TlsRefusalTestSupport() {}

  /** The status of a valid export POSTed with {@code ctx} (a new client, so a new handshake). */
  static int post(int port, SSLContext ctx) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(StatusTableTest.valid(1, false).toByteArray())).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
