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
 * OpenMetrics 1.0.0), gzip by {@code Accept-Encoding}, optional {@code name[]} filter. The one place
 * that knows the exposition library. Thread-safe.
 */
public final class ScrapeHandler {
  /** A rendered scrape body with its headers; {@code contentEncoding} is "" when not compressed. */
  public record Response(String contentType, String contentEncoding, byte[] body) {}

  private final CollectorRegistry registry;

  public ScrapeHandler(CollectorRegistry registry) {
    this.registry = registry;
  }

  public Response scrape(String accept, String acceptEncoding, Set<String> names) {
    String contentType = TextFormat.chooseContentType(accept);
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
