package dev.rosetta.receiver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.lifecycle.ServiceHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ingest lanes: which requests go where, how many each takes, and what a dying task does. */
class IngestExecutorTest {
  @Test
  void largeRequestsGoToTheirOwnLane() {
    IngestExecutor e = new IngestExecutor(4, new ServiceHealth());
    try {
      assertThat(e.laneFor(1000)).isSameAs(e.small());
      assertThat(e.laneFor(IngestExecutor.LARGE_REQUEST_BYTES - 1)).isSameAs(e.small());
      assertThat(e.laneFor(IngestExecutor.LARGE_REQUEST_BYTES)).isSameAs(e.large());
      assertThat(e.small().threads()).isEqualTo(4);
      assertThat(e.large().threads()).isEqualTo(2);
    } finally {
      e.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void aFullLaneRefusesAndTakesAgainOnceRequestsFinish() throws Exception {
    IngestExecutor e = new IngestExecutor(1, new ServiceHealth());
    CountDownLatch release = new CountDownLatch(1);
    try {
      IngestExecutor.Lane lane = e.small();
      List<Boolean> taken = new ArrayList<>();
      for (int i = 0; i < lane.capacity() + 1; i++) {
        taken.add(lane.trySubmit(() -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }));
      }
      assertThat(taken.subList(0, lane.capacity())).containsOnly(true);
      assertThat(taken.get(lane.capacity())).as("one past the capacity").isFalse();
      assertThat(lane.full()).isTrue();
      assertThat(lane.tryEnter()).isFalse();
      release.countDown();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (lane.admitted() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(lane.admitted()).isZero();
      assertThat(lane.tryEnter()).isTrue();
      lane.exit();
      assertThat(lane.trySubmit(() -> {})).isTrue();
    } finally {
      release.countDown();
      e.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void aTaskThatDiesOfAnErrorMakesTheServiceUnhealthy() throws Exception {
    ServiceHealth health = new ServiceHealth();
    IngestExecutor e = new IngestExecutor(1, health);
    try {
      assertThat(e.small().trySubmit(() -> {
        throw new OutOfMemoryError("simulated");
      })).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (health.isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(health.fault().orElseThrow().describe()).contains("thread rosetta-ingest-").contains("simulated");
      assertThat(e.small().trySubmit(() -> {})).as("the lane goes on with a new thread").isTrue();
    } finally {
      e.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void aRequestRunHereCountsAsTheLanesAndItsErrorMakesTheServiceUnhealthy() throws Exception {
    ServiceHealth health = new ServiceHealth();
    IngestExecutor e = new IngestExecutor(1, health);
    try {
      int[] seen = {-1};
      assertThat(e.small().tryRunHere(() -> seen[0] = e.small().admitted())).isTrue();
      assertThat(seen[0]).as("counted while it runs").isEqualTo(1);
      assertThat(e.small().admitted()).isZero();

      // a full lane runs nothing here either
      CountDownLatch hold = new CountDownLatch(1);
      int submitted = 0;
      while (e.small().trySubmit(() -> {
        try {
          hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      })) {
        submitted++;
      }
      assertThat(submitted).isEqualTo(e.small().capacity());
      boolean[] ran = {false};
      assertThat(e.small().tryRunHere(() -> ran[0] = true)).isFalse();
      assertThat(ran[0]).isFalse();
      hold.countDown();

      Error thrown = null;
      try {
        e.large().tryRunHere(() -> {
          throw new AssertionError("simulated");
        });
      } catch (AssertionError err) {
        thrown = err;
      }
      assertThat(thrown).as("the error goes on to its caller").isNotNull();
      assertThat(e.large().admitted()).isZero();
      assertThat(health.isHealthy()).isFalse();
      assertThat(health.fault().orElseThrow().describe()).contains("thread " + Thread.currentThread().getName())
          .contains("simulated");
    } finally {
      e.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void afterShutdownNothingIsTaken() {
    IngestExecutor e = new IngestExecutor(1, new ServiceHealth());
    e.shutdown(Duration.ZERO);
    assertThat(e.small().trySubmit(() -> {})).isFalse();
    assertThat(e.small().tryRunHere(() -> {})).isFalse();
    assertThat(e.small().full()).isTrue();
  }
}
