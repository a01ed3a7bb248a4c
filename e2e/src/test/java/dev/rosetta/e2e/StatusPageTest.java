package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of the packaged service, loaded in a real headless Chromium after known traffic:
 * mapped and unmatched names, a collision, a scrape target that answers and one that does not. The
 * DOM Chromium builds is read table by table; a screenshot is kept as {@code
 * target/status-page.png}.
 */
class StatusPageTest {
  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir
  Path tmp;

  @Test
  void theStatusPageShowsTheTrafficInARealBrowser() throws Exception {
    Path chromium = Peers.require(CHROMIUM, "chromium");
    HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    app.createContext("/metrics", ex -> {
      byte[] body = "# TYPE shop_stock_items gauge\nshop_stock_items 12\n".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    app.start();
    int closedPort = Peers.freePort(); // nothing listens there
    String up = "127.0.0.1:" + app.getAddress().getPort();
    String down = "127.0.0.1:" + closedPort;
    String receivers = """
        prometheus:
          config:
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: shop-pods
                static_configs: [{targets: ["%s", "%s"]}]
        """.formatted(up, down);
    try (RosettaProcess rosetta = RosettaProcess.start(getClass(), "rosetta", tmp, RosettaProcess.Ports.free(), "",
        receivers, "")) {
      // a mapped Go runtime path, two unmatched names (3 points and 1), and two names that land on one
      // series (a.b and a_b sanitize alike): one point refused as a collision
      HttpResponse<String> resp = rosetta.postJson("/v1/metrics", otlpJson(List.of(
          gauge("/sched/goroutines:goroutines", "", 42),
          gauge("shop.orders.placed", "route", "/a", "/b", "/c"),
          gauge("shop.carts.open", "", 5),
          gauge("shop.queue.depth", "", 1),
          gauge("shop_queue_depth", "", 2))));
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.body()).contains("rejectedDataPoints").contains("collision");

      // both targets scraped at least once, read from the targets' table: "up" is also a metric name
      // that the unmatched-names table shows after the first scrape of either target
      Await.until("both scrape targets reported on /status", DEADLINE,
          () -> tables(rosetta.get("/status").body()).getOrDefault("scrape-targets", List.of()),
          rows -> rows.stream().anyMatch(r -> r.size() > 3 && r.get(2).contains(up) && r.get(3).equals("up"))
              && rows.stream().anyMatch(r -> r.size() > 3 && r.get(2).contains(down) && r.get(3).equals("down")));

      String dom = chromium(chromium, "--dump-dom", "http://" + rosetta.metricsTarget() + "/status");
      Files.writeString(Peers.logDir(getClass()).resolve("status-dom.html"), dom);
      assertThat(dom).contains("<title>Rosetta status</title>");

      Map<String, List<List<String>>> tables = tables(dom);
      assertThat(tables).containsKeys("components", "receiver-requests", "receiver-points", "view-hits",
          "unmatched-names", "families", "store-refusals", "aggregate-rules", "exporters", "exporter-drops",
          "scrape-targets");

      assertThat(tables.get("view-hits")).contains(List.of("go.sched.goroutines", "1"));
      List<List<String>> unmatched = tables.get("unmatched-names");
      // the scrapes' names (up, shop_stock_items, ...) count every second and may rank above these
      assertThat(unmatched).anySatisfy(r -> {
        assertThat(r.subList(0, 2)).containsExactly("shop.orders.placed", "3");
        assertThat(r.get(2)).startsWith("shop.orders.placed").contains("no view matched");
      });
      assertThat(unmatched).anySatisfy(r -> assertThat(r.subList(0, 1)).containsExactly("shop_stock_items"));
      assertThat(unmatched).anySatisfy(r -> assertThat(r.subList(0, 2)).containsExactly("shop.carts.open", "1"));
      assertThat(tables.get("store-refusals")).contains(List.of("collision", "1"));
      assertThat(tables.get("receiver-points")).contains(List.of("http_json", "refused: collision", "1"));
      assertThat(tables.get("receiver-requests")).anySatisfy(r -> assertThat(r).startsWith("http_json", "partial"));
      assertThat(tables.get("families")).anySatisfy(r -> assertThat(r.subList(0, 3))
          .containsExactly("shop_orders_placed", "gauge", "3"));
      assertThat(tables.get("components")).anySatisfy(r -> assertThat(r).startsWith("receiver", "prometheus"))
          .anySatisfy(r -> assertThat(r).startsWith("exporter", "prometheus"));
      List<List<String>> targets = tables.get("scrape-targets");
      assertThat(targets).hasSize(2);
      assertThat(targets.get(0)).as("a target that is down comes first").startsWith("prometheus", "shop-pods",
          "http://" + down + "/metrics", "down");
      assertThat(targets.get(0).get(6)).isNotEmpty();
      assertThat(targets.get(1)).startsWith("prometheus", "shop-pods", "http://" + up + "/metrics", "up");
      assertThat(targets.get(1).get(6)).isEmpty();
      assertThat(dom).contains("family shop_queue_depth: two sources land on series");

      Path shot = Peers.moduleDir().resolve("target/status-page.png");
      Files.deleteIfExists(shot);
      chromium(chromium, "--screenshot=" + shot, "--window-size=1280,2000", "--hide-scrollbars",
          "http://" + rosetta.metricsTarget() + "/status");
      assertThat(shot).isRegularFile();
      assertThat(Files.size(shot)).isGreaterThan(10_000);
      System.out.println("status page screenshot: " + shot);
    } finally {
      app.stop(0);
    }
  }

  /** Runs headless Chromium on the page and returns what it prints (the DOM for --dump-dom). */
  private String chromium(Path chromium, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium")));
    command.addAll(List.of(args));
    Path log = Peers.logDir(getClass()).resolve("chromium.log");
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("chromium did not finish within " + DEADLINE.toSeconds() + " s: " + command + "\n" + Files.readString(log));
    }
    assertThat(p.exitValue()).as("chromium exit code; log:\n%s", Files.readString(log)).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static final Pattern TABLE = Pattern.compile("<table id=\"([^\"]+)\">(.*?)</table>", Pattern.DOTALL);
  private static final Pattern BODY = Pattern.compile("<tbody>(.*?)</tbody>", Pattern.DOTALL);
  private static final Pattern ROW = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

  /** The body rows of every table of a serialized DOM, by table id, cells as text. */
  static Map<String, List<List<String>>> tables(String dom) {
    Map<String, List<List<String>>> out = new LinkedHashMap<>();
    Matcher t = TABLE.matcher(dom);
    while (t.find()) {
      List<List<String>> rows = new ArrayList<>();
      Matcher body = BODY.matcher(t.group(2));
      if (body.find()) {
        Matcher r = ROW.matcher(body.group(1));
        while (r.find()) {
          List<String> cells = new ArrayList<>();
          Matcher c = CELL.matcher(r.group(1));
          while (c.find()) {
            cells.add(text(c.group(1)));
          }
          rows.add(cells);
        }
      }
      out.put(t.group(1), rows);
    }
    return out;
  }

  private static String text(String html) {
    return html.replaceAll("<[^>]+>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&nbsp;", "\u00a0").replace("&amp;", "&");
  }

  /** A gauge with one point per value of {@code label} (or one unlabelled point when label is ""). */
  private static String gauge(String name, String label, Object... values) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      String attrs = label.isEmpty() ? "" : "\"attributes\":[{\"key\":\"" + label + "\",\"value\":{\"stringValue\":\""
          + values[i] + "\"}}],";
      double v = label.isEmpty() ? ((Number) values[i]).doubleValue() : i + 1;
      points.append(i == 0 ? "" : ",").append("{").append(attrs).append("\"timeUnixNano\":\"")
          .append(System.currentTimeMillis() * 1_000_000L).append("\",\"asDouble\":").append(v).append('}');
    }
    return "{\"name\":\"" + name + "\",\"gauge\":{\"dataPoints\":[" + points + "]}}";
  }

  private static String otlpJson(List<String> metrics) {
    return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"shop\"}},"
        + "{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"pod-1\"}}]},"
        + "\"scopeMetrics\":[{\"metrics\":[" + String.join(",", metrics) + "]}]}]}";
  }
}
