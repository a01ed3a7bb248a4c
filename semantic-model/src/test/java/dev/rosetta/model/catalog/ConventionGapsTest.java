package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.Point;
import dev.rosetta.model.Temporality;
import dev.rosetta.model.view.SiblingAttributes;
import dev.rosetta.model.view.ViewResult;
import dev.rosetta.model.view.ViewSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * What the semantic conventions ask for and a view cannot express: views map one input series to
 * one output series by name alone. Each test states the conventional result; they are disabled
 * until the engine can aggregate series or filter on values.
 */
class ConventionGapsTest {
  private static final ViewSet GO_SEMCONV = Catalogs.of("go-semconv", "go");
  private static final ViewSet JVM = Catalogs.of("jvm");

  @Test
  @Disabled("engine: no aggregation of several input series into one output series; go.memory.used "
      + "carries one series per class (go.memory.detailed_type) instead of one per go.memory.type")
  void goMemoryUsedHasOneSeriesPerMemoryType() {
    List<Point> points = new ArrayList<>();
    for (Metric raw : GoSnapshot.consistent(GoCatalog.rows(), 1).values()) {
      ViewResult r = GO_SEMCONV.apply(raw, SiblingAttributes.none());
      r.metric().filter(m -> m.name().equals("go.memory.used")).ifPresent(m -> points.addAll(m.points()));
    }
    assertThat(points).extracting(Point::labels)
        .containsExactlyInAnyOrder(Labels.of("go.memory.type", "stack"), Labels.of("go.memory.type", "other"));
  }

  @Test
  @Disabled("engine: views never look at values; the conventions omit go.memory.limit while "
      + "/gc/gomemlimit:bytes is math.MaxInt64 (no limit set)")
  void goMemoryLimitIsOmittedWithoutALimit() {
    ViewResult r = GO_SEMCONV.apply(GoSnapshot.number("/gc/gomemlimit:bytes", MetricType.GAUGE, Long.MAX_VALUE),
        SiblingAttributes.none());
    assertThat(r.status()).isNotEqualTo(ViewResult.Status.MAPPED);
  }

  @Test
  @Disabled("engine: views never look at values; the conventions omit jvm.memory.limit when the pool's "
      + "Usage/max is -1 (undefined)")
  void jvmMemoryLimitIsOmittedWhenUndefined() {
    Metric raw = new Metric("java.lang:type=MemoryPool,name=G1 Eden Space/Usage/max", "", "", MetricType.GAUGE,
        Temporality.CUMULATIVE, List.of(new NumberPoint(Labels.empty(), 0, 0, -1)));
    ViewResult r = JVM.apply(raw, (mbean, attribute) -> Optional.of("HEAP"));
    assertThat(r.status()).isNotEqualTo(ViewResult.Status.MAPPED);
  }

  @Test
  @Disabled("engine: no arithmetic between series; jvm.thread.count{jvm.thread.daemon=false} would be "
      + "ThreadCount - DaemonThreadCount, so daemon threads have their own family instead")
  void jvmThreadCountIsSplitByDaemon() {
    Map<String, Double> values = Map.of(
        "java.lang:type=Threading/ThreadCount", 10.0, "java.lang:type=Threading/DaemonThreadCount", 4.0);
    List<Point> points = new ArrayList<>();
    values.forEach((path, v) -> {
      Metric raw = new Metric(path, "", "", MetricType.GAUGE, Temporality.CUMULATIVE,
          List.of(new NumberPoint(Labels.empty(), 0, 0, v)));
      JVM.apply(raw, SiblingAttributes.none()).metric()
          .filter(m -> m.name().equals("jvm.thread.count")).ifPresent(m -> points.addAll(m.points()));
    });
    assertThat(points).extracting(Point::labels).containsExactlyInAnyOrder(
        Labels.of("jvm.thread.daemon", "true"), Labels.of("jvm.thread.daemon", "false"));
  }
}
