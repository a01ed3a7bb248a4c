package dev.rosetta.receiver.exposition;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Transport-neutral Prometheus scrape: content negotiation by {@code Accept} (text format 0.0.4 or
 * OpenMetrics 1.0.0, when {@code enable_open_metrics} allows it), gzip by {@code Accept-Encoding}, optional {@code name[]} filter. The one place
 * that knows the exposition library.
 *
 * <p>The body is written as it is produced ({@link #write}): metric families are collected one at a
 * time from the registry (the series store hands them out lazily), rendered through a 64 KiB
 * character buffer, compressed on the way when asked, and passed to the transport's stream, which
 * sends each chunk as it fills. Nothing holds the whole body. Thread-safe.
 */
public final class ScrapeHandler {
  /** How the body will be written: its media type and {@code Content-Encoding} ("" when none). */
  public record Format(String contentType, String contentEncoding) {}

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

  /** The format for a request's {@code Accept} and {@code Accept-Encoding} headers (either may be null). */
  public Format negotiate(String accept, String acceptEncoding) {
    return new Format(contentType(accept), acceptsGzip(acceptEncoding) ? "gzip" : "");
  }

  /**
   * Writes the body in {@code format} to {@code out} and closes {@code out} once the body is
   * complete. A failure while rendering or writing is thrown and {@code out} is left open (closing
   * it would end the body as if it were complete); what was written stays written.
   */
  public void write(Format format, Set<String> names, OutputStream out) throws IOException {
    Gate gate = new Gate(out);
    OutputStream target = format.contentEncoding().equals("gzip") ? new GZIPOutputStream(gate, 1 << 16) : gate;
    Writer w = new Utf8Writer(target);
    try {
      var samples = names.isEmpty() ? registry.metricFamilySamples() : registry.filteredMetricFamilySamples(names);
      TextFormat.writeFormat(format.contentType(), w, samples);
    } catch (IOException | RuntimeException | Error e) {
      gate.shut();
      try {
        target.close(); // frees the compressor; nothing more reaches out
      } catch (IOException ignored) {
        // the gate swallows everything
      }
      throw e;
    }
    w.close();
  }

  /** Passes bytes on until shut; after that drops writes and does not close the stream below. */
  private static final class Gate extends FilterOutputStream {
    private boolean shut;

    Gate(OutputStream out) {
      super(out);
    }

    void shut() {
      shut = true;
    }

    @Override
    public void write(int b) throws IOException {
      if (!shut) {
        out.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!shut) {
        out.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (!shut) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!shut) {
        out.close();
      }
    }
  }

  /** The whole body in memory (tests and tools; the server streams with {@link #write}). */
  public Response scrape(String accept, String acceptEncoding, Set<String> names) {
    Format f = negotiate(accept, acceptEncoding);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try {
      write(f, names, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Response(f.contentType(), f.contentEncoding(), bytes.toByteArray());
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
