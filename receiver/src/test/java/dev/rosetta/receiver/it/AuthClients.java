package dev.rosetta.receiver.it;

import dev.rosetta.receiver.Rosetta;
import dev.rosetta.receiver.RosettaService;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.server.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Clients for the authentication and TLS tests: credentials on HTTP and gRPC, raw sockets. */
final class AuthClients {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AuthClients() {}

  static RosettaService start(String yaml) throws Exception {
    RosettaService s = Rosetta.create(ConfigLoader.parse(yaml, "auth-test", Map.of()));
    s.start();
    return s;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static int httpPort(RosettaService s) {
    return s.httpAddress().orElseThrow().getPort();
  }

  static int grpcPort(RosettaService s) {
    return s.grpcAddress().orElseThrow().getPort();
  }

  /** POSTs to the OTLP/HTTP listener; {@code authorization} null for none. */
  static HttpResponse<String> post(RosettaService s, String path, String contentType, byte[] body,
      String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(s) + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a path of the exposition port. */
  static HttpResponse<String> get(RosettaService s, String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The method with raw bytes as request: lets a test send any payload. */
  static final MethodDescriptor<byte[], byte[]> RAW_EXPORT = MetricsServiceGrpc.getExportMethod()
      .toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();

  /** One Export call with {@code payload} as the message; {@code authorization} null for none. */
  static byte[] rawExport(ManagedChannel channel, byte[] payload, String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    }
    return ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        RAW_EXPORT, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), payload);
  }

  /** What a raw socket exchange gave: the bytes read, and whether the server closed the connection. */
  record Raw(String text, boolean closed) {
    String statusLine() {
      int end = text.indexOf("\r\n");
      return end < 0 ? text : text.substring(0, end);
    }
  }

  /**
   * Writes {@code request} on a new connection and reads until the server closes it or {@code
   * quiet} passes without a byte.
   */
  static Raw exchange(int port, byte[] request, Duration quiet) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) quiet.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return readAll(socket.getInputStream());
    }
  }

  static Raw readAll(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    boolean closed = false;
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
      closed = true;
    } catch (SocketTimeoutException e) {
      // quiet: the server keeps the connection open
    } catch (IOException e) {
      closed = true; // reset
    }
    return new Raw(got.toString(StandardCharsets.ISO_8859_1), closed);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
