package dev.rosetta.receiver.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.receiver.testing.OtlpRequests;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestSplitterTest {

  @ParameterizedTest(name = "max {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, 11, 17, 23, 24, 100})
  void piecesRespectTheMaxAndKeepEveryPointInOrder(int max) {
    ExportMetricsServiceRequest request = OtlpRequests.allKinds("r", 4); // 24 points
    List<QueuedRequest> pieces = RequestSplitter.split(request, max);

    assertThat(pieces).allSatisfy(p -> assertThat(p.points()).isBetween(1, max));
    assertThat(pieces)
        .allSatisfy(p -> assertThat(p.points()).isEqualTo(OtlpDataPoints.count(p.request())));
    assertThat(pieces.stream().mapToInt(QueuedRequest::points).sum()).isEqualTo(24);
    assertThat(OtlpRequests.pointIds(pieces.stream().map(QueuedRequest::request).toList()))
        .isEqualTo(OtlpRequests.pointIds(request));
  }

  @Test
  void piecesRepeatResourceAndScopeWithTheirSchemaUrls() {
    ExportMetricsServiceRequest request = OtlpRequests.allKinds("r", 4);
    ResourceMetrics first = request.getResourceMetrics(0);
    ScopeMetrics numbers = first.getScopeMetrics(0);

    for (QueuedRequest piece : RequestSplitter.split(request, 3)) {
      for (ResourceMetrics rm : piece.request().getResourceMetricsList()) {
        assertThat(rm.getResource())
            .isIn(first.getResource(), request.getResourceMetrics(1).getResource());
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          if (sm.getScope().equals(numbers.getScope()) && rm.getResource().equals(first.getResource())) {
            assertThat(sm.getSchemaUrl()).isEqualTo(numbers.getSchemaUrl());
          }
          for (Metric m : sm.getMetricsList()) {
            Metric original = findMetric(request, rm, sm, m.getName());
            assertThat(m.toBuilder().clearGauge().clearSum().clearHistogram()
                    .clearExponentialHistogram().clearSummary().build())
                .isEqualTo(original.toBuilder().clearGauge().clearSum().clearHistogram()
                    .clearExponentialHistogram().clearSummary().build());
          }
        }
      }
    }
  }

  @Test
  void metricsThatFitAPieceAreNeverCut() {
    // 5 gauges of 4 points, max 6: a greedy split would cut every other metric; we cut none
    ExportMetricsServiceRequest request = OtlpRequests.gauges("r", 5, 4);
    List<QueuedRequest> pieces = RequestSplitter.split(request, 6);

    assertThat(pieces).hasSize(5);
    assertThat(pieces).allSatisfy(p -> assertThat(p.points()).isEqualTo(4));
  }

  @Test
  void metricsLargerThanAPieceFillTheCurrentPieceFirst() {
    // one gauge of 2 points, then one of 10, max 4: [2+2], [4], [4]
    ExportMetricsServiceRequest request =
        OtlpRequests.gauges("a", 1, 2).toBuilder()
            .addAllResourceMetrics(OtlpRequests.gauges("b", 1, 10).getResourceMetricsList())
            .build();
    List<QueuedRequest> pieces = RequestSplitter.split(request, 4);

    assertThat(pieces).extracting(QueuedRequest::points).containsExactly(4, 4, 4);
    assertThat(pieces.get(0).request().getResourceMetricsCount()).isEqualTo(2);
  }

  @Test
  void requestWithinTheMaxIsOnePieceEqualToTheOriginal() {
    ExportMetricsServiceRequest request = OtlpRequests.allKinds("r", 2);
    assertThat(RequestSplitter.split(request, 12))
        .containsExactly(new QueuedRequest(request, 12));
  }

  @Test
  void emptyScopesAndResourcesAreKept() {
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(ResourceMetrics.newBuilder().setSchemaUrl("empty-resource"))
            .addResourceMetrics(
                OtlpRequests.gauges("r", 2, 3).getResourceMetrics(0).toBuilder()
                    .addScopeMetrics(ScopeMetrics.newBuilder().setSchemaUrl("empty-scope")))
            .build();
    List<QueuedRequest> pieces = RequestSplitter.split(request, 3);

    assertThat(pieces).extracting(QueuedRequest::points).containsExactly(3, 3);
    assertThat(OtlpRequests.resourceMetrics(pieces.stream().map(QueuedRequest::request).toList()))
        .anySatisfy(rm -> assertThat(rm.getSchemaUrl()).isEqualTo("empty-resource"))
        .anySatisfy(
            rm -> assertThat(rm.getScopeMetricsList())
                .anySatisfy(sm -> assertThat(sm.getSchemaUrl()).isEqualTo("empty-scope")));
  }

  @Test
  void chargingAMiscountedRequestKeepsTheOfferedTotal() {
    ExportMetricsServiceRequest request = OtlpRequests.gauges("r", 3, 4); // 12 points
    List<QueuedRequest> pieces = RequestSplitter.split(request, 5); // 4, 4, 4

    assertThat(RequestSplitter.charge(pieces, new QueuedRequest(request, 15)))
        .extracting(QueuedRequest::points)
        .containsExactly(4, 4, 7);
    assertThat(RequestSplitter.charge(pieces, new QueuedRequest(request, 6)))
        .extracting(QueuedRequest::points)
        .containsExactly(4, 2, 0);
    assertThat(RequestSplitter.charge(pieces, new QueuedRequest(request, 12))).isEqualTo(pieces);
    QueuedRequest empty = new QueuedRequest(ExportMetricsServiceRequest.getDefaultInstance(), 9);
    assertThat(RequestSplitter.charge(List.of(), empty)).containsExactly(empty);
  }

  private static Metric findMetric(
      ExportMetricsServiceRequest request, ResourceMetrics rm, ScopeMetrics sm, String name) {
    return request.getResourceMetricsList().stream()
        .filter(r -> r.getResource().equals(rm.getResource()))
        .flatMap(r -> r.getScopeMetricsList().stream())
        .filter(s -> s.getScope().equals(sm.getScope()))
        .flatMap(s -> s.getMetricsList().stream())
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
