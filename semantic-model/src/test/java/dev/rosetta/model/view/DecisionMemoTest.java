package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DecisionMemoTest {
  private static ViewSet set(int capacity) throws ViewLoadException {
    return ViewSet.builder()
        .memoCapacity(capacity)
        .addYaml("m.yaml", "views: [{match: 'app.{x}', name: 'app', labels: {x: '{x}'}}]")
        .build();
  }

  @Test
  void theMemoIsBoundedAndKeepsNamesInUse() throws Exception {
    ViewSet views = set(100);
    ViewDecision hot = views.decide("app.hot");
    for (int i = 0; i < 10_000; i++) {
      views.decide("app.cold" + i);
      assertThat(views.memoSize()).isLessThanOrEqualTo(100);
      if (i % 10 == 0) {
        assertThat(views.decide("app.hot")).isSameAs(hot);
      }
    }
    assertThat(views.decide("app.hot")).isSameAs(hot);
    // one-off names age out
    assertThat(views.decide("app.cold0")).isNotSameAs(views.decideUncached("app.cold0"));
  }

  @Test
  void zeroCapacityTurnsTheMemoOff() throws Exception {
    ViewSet views = set(0);
    ViewDecision a = views.decide("app.a");
    assertThat(views.decide("app.a")).isEqualTo(a).isNotSameAs(a);
    assertThat(views.memoSize()).isZero();
  }

  @Test
  void concurrentDecisionsAgree() throws Exception {
    ViewSet views = set(64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            String name = "app.n" + (i % 300);
            ViewDecision d = views.decide(name);
            if (!d.labels().get("x").equals(name.substring(4))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
      assertThat(views.memoSize()).isLessThanOrEqualTo(64 + 8);
    } finally {
      pool.shutdownNow();
    }
  }
}
