package dev.rosetta.receiver.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Scrape targets on loopback for tests: each path answers what the test set for it. */
final class TargetServer implements AutoCloseable {
  /** One answer: status, content type, body, and a delay before it. */
  record Answer(int status, String contentType, byte[] body, long delayMillis) {
    static Answer text(String body) {
      return new Answer(200, "text/plain; version=0.0.4; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), 0);
    }
  }

  final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "target-server");
    t.setDaemon(true);
    return t;
  });
  final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final Map<String, String> lastAccept = new ConcurrentHashMap<>();
  final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
  final Map<String, String> lastBody = new ConcurrentHashMap<>();
  final Map<String, String> lastQuery = new ConcurrentHashMap<>();

  TargetServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int hits(String path) {
    return hits.computeIfAbsent(path, p -> new AtomicInteger()).get();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    String accept = ex.getRequestHeaders().getFirst("Accept");
    lastAccept.put(path, accept == null ? "" : accept);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    lastAuthorization.put(path, auth == null ? "" : auth);
    lastBody.put(path, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String query = ex.getRequestURI().getRawQuery();
    lastQuery.put(path, query == null ? "" : query);
    Answer a = answers.get(path);
    try {
      if (a == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (a.delayMillis() > 0) {
        try {
          Thread.sleep(a.delayMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (a.contentType() != null) {
        ex.getResponseHeaders().set("Content-Type", a.contentType());
      }
      ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      if (a.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(a.body());
        }
      }
    } catch (IOException e) {
      // the scraper gave up (timeout, body limit): nothing to answer any more
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
