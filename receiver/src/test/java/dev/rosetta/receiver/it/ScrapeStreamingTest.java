package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} is streamed: chunked, gzip on the way, families rendered as they are collected; a
 * scrape that fails is answered 500 with the reason when nothing was sent yet, cut off otherwise,
 * and counted either way.
 */
class ScrapeStreamingTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** {@code families} families of {@code perFamily} series, built one at a time as they are iterated. */
  static Collector big(int families, int perFamily, int failAfter) {
    // describing itself (as nothing) spares the registry a collection when it is registered
    class Big extends Collector implements Collector.Describable {
      @Override
      public List<MetricFamilySamples> describe() {
        return List.of();
      }

      @Override
      public List<MetricFamilySamples> collect() {
        return new AbstractList<>() {
          @Override
          public MetricFamilySamples get(int i) {
            throw new UnsupportedOperationException();
          }

          @Override
          public int size() {
            return families;
          }

          @Override
          public Iterator<MetricFamilySamples> iterator() {
            return new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return i < families;
              }

              @Override
              public MetricFamilySamples next() {
                if (i >= families) {
                  throw new NoSuchElementException();
                }
                if (i == failAfter) {
                  throw new IllegalStateException("collector broke at family " + i);
                }
                GaugeMetricFamily g = new GaugeMetricFamily("big_family_" + i, "A test family.", List.of("series"));
                for (int s = 0; s < perFamily; s++) {
                  g.addMetric(List.of("series-" + s), s);
                }
                i++;
                return g;
              }
            };
          }
        };
      }
    }
    return new Big();
  }

  @Test
  void theBodyIsChunkedAndGzipStreamed() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.service.metricsAddress().getPort())) {
      r.service.components().registry().register(big(200, 1000, -1));
      c.send(RawHttp.head("GET", "/metrics", Map.of()));
      RawHttp.Response plain = c.read(WAIT);
      assertThat(plain.status()).isEqualTo(200);
      assertThat(plain.chunked()).isTrue();
      assertThat(plain.text()).contains("big_family_199{series=\"series-999\",} 999.0");
      c.send(RawHttp.head("GET", "/metrics", Map.of("Accept-Encoding", "gzip")));
      RawHttp.Response gz = c.read(WAIT);
      assertThat(gz.status()).isEqualTo(200);
      assertThat(gz.chunked()).isTrue();
      assertThat(gz.headers()).containsEntry("content-encoding", "gzip");
      String text = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).contains("big_family_0{series=\"series-0\",} 0.0")
          .contains("big_family_199{series=\"series-999\",}");
      assertThat(text.lines().filter(l -> l.startsWith("big_family_")).count()).isEqualTo(200_000);
    }
  }

  @Test
  void aScrapeThatFailsBeforeAnyByteIsAnswered500WithTheReason() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.service.metricsAddress().getPort())) {
      Collector broken = big(10, 1, 0);
      r.service.components().registry().register(broken);
      c.send(RawHttp.head("GET", "/metrics", Map.of()));
      RawHttp.Response resp = c.read(WAIT);
      assertThat(resp.status()).isEqualTo(500);
      assertThat(resp.text()).contains("collector broke at family 0");
      r.service.components().registry().unregister(broken);
      assertThat(failures(r, "render")).isEqualTo(1);
    }
  }

  @Test
  void aScrapeThatFailsMidwayIsCutOffNotPassedAsComplete() throws Exception {
    try (RunningRosetta r = new RunningRosetta("");
        RawHttp c = new RawHttp(r.service.metricsAddress().getPort())) {
      // about 4 MB are written before the collector breaks
      Collector broken = big(200, 1000, 150);
      r.service.components().registry().register(broken);
      c.send(RawHttp.head("GET", "/metrics", Map.of()));
      try {
        RawHttp.Response resp = c.read(WAIT);
        throw new AssertionError("a complete response for a failed scrape: " + resp.status());
      } catch (java.io.IOException expected) {
        assertThat(expected.getMessage()).contains("closed inside a chunked body");
      }
      r.service.components().registry().unregister(broken);
      assertThat(failures(r, "render")).isEqualTo(1);
      // the next scrape, with the collector gone, is whole again
      try (RawHttp again = new RawHttp(r.service.metricsAddress().getPort())) {
        again.send(RawHttp.head("GET", "/metrics", Map.of()));
        assertThat(again.read(WAIT).status()).isEqualTo(200);
      }
    }
  }

  static double failures(RunningRosetta r, String reason) {
    Double v = r.service.components().registry().getSampleValue("rosetta_exposition_scrape_failures_total",
        new String[] {"reason"}, new String[] {reason});
    return v == null ? 0 : v;
  }
}
