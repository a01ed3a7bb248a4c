package dev.rosetta.receiver.pipeline;

import static dev.rosetta.receiver.pipeline.ViewsStageTest.batch;
import static dev.rosetta.receiver.pipeline.ViewsStageTest.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A view that cannot map its input refuses the points: the sender sees them in partial_success. */
class ViewRefusalTest {
  final SelfMetrics metrics = new SelfMetrics(new CollectorRegistry(true));
  final IngestService ingest;

  ViewRefusalTest() throws Exception {
    ViewsStage views = new ViewsStage(ViewSet.builder().builtins(List.of("go")).build(),
        ViewsStage.Unmatched.PASSTHROUGH, metrics::views, metrics.viewStatistics());
    ingest = new IngestService(new Pipeline(List.of(views, new InternalLabelsStage())),
        new SeriesStore(SeriesStore.Settings.defaults(), System::currentTimeMillis, n -> false), Optional.empty(),
        metrics, Duration.ofSeconds(1));
  }

  @Test
  void aPointAViewCannotMapIsRejectedInPartialSuccessAndCountedByReason() {
    // go_memstats_stack_sys_bytes is stack in use + other stack memory: without its part in the
    // batch the view cannot derive the value
    IngestService.Outcome out = ingest.ingest(batch(
        gauge("go_memstats_stack_sys_bytes", 100),
        gauge("go_memstats_heap_alloc_bytes", 3),
        gauge("app_requests", 7)), 0, "", null, "http");

    assertThat(out.status()).isEqualTo(IngestStatus.OK);
    assertThat(out.rejectedPoints()).isEqualTo(1);
    assertThat(out.message()).startsWith("1 points refused by the pipeline (view_invalid: 1): view ")
        .contains("go_memstats_stack_sys_bytes");
    ExportMetricsServiceResponse resp = dev.rosetta.receiver.otlp.OtlpEncoder.response(out.rejectedPoints(), out.message());
    assertThat(resp.hasPartialSuccess()).isTrue();
    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).contains("view_invalid");
    assertThat(metrics.refusedPoints("http", ViewsStage.REFUSAL_REASON)).isEqualTo(1);
    assertThat(metrics.acceptedPoints("http")).isEqualTo(2);
    assertThat(metrics.requests("http", "partial")).isEqualTo(1);
    assertThat(metrics.viewsPoints("invalid")).isEqualTo(1);
  }

  @Test
  void aRequestWithoutSuchPointsHasNoPartialSuccess() {
    IngestService.Outcome out = ingest.ingest(batch(gauge("go_memstats_heap_alloc_bytes", 3)), 0, "", null, "grpc");
    assertThat(out.rejectedPoints()).isZero();
    assertThat(dev.rosetta.receiver.otlp.OtlpEncoder.response(out.rejectedPoints(), out.message()).hasPartialSuccess()).isFalse();
    assertThat(metrics.refusedPoints("grpc", ViewsStage.REFUSAL_REASON)).isZero();
  }

  @Test
  void viewHitsAndUnmatchedNamesAreCounted() {
    ingest.ingest(batch(gauge("go_memstats_heap_alloc_bytes", 3), gauge("app_requests", 7),
        gauge("app_requests", 8, "k", "v")), 0, "", null, "http");
    assertThat(metrics.viewStatistics().hits()).hasSize(1);
    assertThat(metrics.viewStatistics().hits().values()).containsExactly(1L);
    assertThat(metrics.viewStatistics().unmatched().top(10)).extracting(e -> e.name() + "=" + e.count())
        .containsExactly("app_requests=2");
  }
}

