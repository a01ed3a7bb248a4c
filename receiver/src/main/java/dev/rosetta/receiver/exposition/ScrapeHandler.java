package dev.rosetta.receiver.exposition;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Transport-neutral Prometheus scrape: content negotiation by {@code Accept} (text format 0.0.4 or
 * OpenMetrics 1.0.0, when {@code enable_open_metrics} allows it), gzip by {@code Accept-Encoding},
 * optional {@code name[]} filter. The one place that knows the exposition library. Thread-safe.
 */
public final class ScrapeHandler {
  /** A rendered scrape body with its headers; {@code contentEncoding} is "" when not compressed. */
  public record Response(String contentType, String contentEncoding, byte[] body) {}

  private final CollectorRegistry registry;
  private final boolean openMetrics;

  /** The text format 0.0.4 whatever the scraper asks for (the exporter's default). */
  public ScrapeHandler(CollectorRegistry registry) {
    this(registry, false);
  }

  /**
   * @param openMetrics whether a scraper that asks for OpenMetrics gets it ({@code
   *     enable_open_metrics}); otherwise every scrape gets the text format 0.0.4
   */
  public ScrapeHandler(CollectorRegistry registry, boolean openMetrics) {
    this.registry = registry;
    this.openMetrics = openMetrics;
  }

  /** The media type for a request's {@code Accept} header (null when absent). */
  String contentType(String accept) {
    return openMetrics ? TextFormat.chooseContentType(accept) : TextFormat.CONTENT_TYPE_004;
  }

  public Response scrape(String accept, String acceptEncoding, Set<String> names) {
    String contentType = contentType(accept);
    boolean gzip = acceptsGzip(acceptEncoding);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try {
      OutputStream out = gzip ? new GZIPOutputStream(bytes, 1 << 16) : bytes;
      try (Writer w = new Utf8Writer(out)) {
        var samples = names.isEmpty() ? registry.metricFamilySamples() : registry.filteredMetricFamilySamples(names);
        TextFormat.writeFormat(contentType, w, samples);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Response(contentType, gzip ? "gzip" : "", bytes.toByteArray());
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      if (p[0].trim().toLowerCase(Locale.ROOT).equals("gzip")) {
        for (int i = 1; i < p.length; i++) {
          String q = p[i].trim();
          if (q.startsWith("q=") && q.substring(2).trim().matches("0(\\.0*)?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }
}
