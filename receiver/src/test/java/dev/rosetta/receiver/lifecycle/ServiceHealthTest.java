package dev.rosetta.receiver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceHealthTest {
  @Test
  void aThreadThatDiesMakesTheServiceUnhealthy() throws InterruptedException {
    ServiceHealth health = new ServiceHealth();
    assertThat(health.isHealthy()).isTrue();
    Thread t = health.threadFactory("worker").newThread(() -> {
      throw new OutOfMemoryError("simulated");
    });
    t.start();
    t.join(10_000);
    assertThat(health.isHealthy()).isFalse();
    assertThat(health.fault().orElseThrow().describe()).contains("thread worker-1").contains("simulated");
  }

  @Test
  void aPeriodicTaskThatThrowsIsReportedNotSwallowed() throws InterruptedException {
    ServiceHealth health = new ServiceHealth();
    ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(health.threadFactory("sweeper"));
    try {
      ses.scheduleAtFixedRate(health.guard("expiry", () -> {
        throw new IllegalStateException("broken");
      }), 0, 10, TimeUnit.MILLISECONDS);
      for (int i = 0; i < 500 && health.isHealthy(); i++) {
        Thread.sleep(10);
      }
      assertThat(health.fault().orElseThrow().describe()).contains("task expiry").contains("broken");
    } finally {
      ses.shutdownNow();
    }
  }

  @Test
  void onlyTheFirstFaultIsKept() {
    ServiceHealth health = new ServiceHealth();
    health.fatal("a", new IllegalStateException("first"));
    health.fatal("b", new IllegalStateException("second"));
    assertThat(health.fault().orElseThrow().where()).isEqualTo("a");
  }
}
