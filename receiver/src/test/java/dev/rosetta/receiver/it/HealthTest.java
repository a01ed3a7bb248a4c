package dev.rosetta.receiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.rosetta.receiver.store.SeriesStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A fatal fault of a background task is visible: the series expiry, made to throw, turns {@code
 * /healthz} to 503 naming the fault, while the rest of the service keeps answering.
 */
class HealthTest {
  @Test
  void aFailingBackgroundTaskMakesHealthzFail() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    var brokenClock = new AbstractModule() {
      @Provides
      @Singleton
      SeriesStore store() {
        // expiry every second; the clock breaks on demand
        return new SeriesStore(new SeriesStore.Settings(Duration.ofSeconds(10), true, false, 1000, 1000), () -> {
          if (broken.get()) {
            throw new IllegalStateException("the clock broke");
          }
          return System.currentTimeMillis();
        }, name -> false);
      }
    };
    try (RunningRosetta r = new RunningRosetta("", brokenClock)) {
      assertThat(get(r, "/healthz").statusCode()).isEqualTo(200);
      broken.set(true);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      HttpResponse<String> health = get(r, "/healthz");
      while (health.statusCode() == 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        health = get(r, "/healthz");
      }
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("unhealthy: task series expiry: java.lang.IllegalStateException: the clock broke");
      assertThat(r.service.health().isHealthy()).isFalse();
      // readiness and scrapes go on: the orchestrator restarts the pod on the liveness probe
      assertThat(get(r, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(r, "/metrics").statusCode()).isEqualTo(200);
    }
  }

  static HttpResponse<String> get(RunningRosetta r, String path) throws Exception {
    return r.http.send(HttpRequest.newBuilder(URI.create(r.metricsBase() + path)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
