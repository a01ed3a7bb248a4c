package dev.rosetta.receiver.nativeformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoRuntimeDecoderTest {
  static final String ISSUE_EXAMPLE = """
      {"resource": {"service.name": "checkout", "service.instance.id": "pod-1"},
       "time_unix_nano": 1700000000000000000,
       "samples": [
         {"name": "/gc/heap/allocs:bytes", "kind": "uint64", "value": 123456, "cumulative": true},
         {"name": "/cpu/classes/user:cpu-seconds", "kind": "float64", "value": 1.5},
         {"name": "/sched/latencies:seconds", "kind": "float64histogram", "counts": [0, 4, 1], "buckets": ["-Inf", 0.0, 1e-6, "+Inf"]}]}
      """;

  static List<Metric> metrics(GoRuntimeDecoder.Result r) {
    return r.batch().resources().get(0).scopes().get(0).metrics();
  }

  @Test
  void decodesTheDocumentedExample() throws Exception {
    var r = GoRuntimeDecoder.decode(ISSUE_EXAMPLE, Map.of(), 5);
    assertThat(r.batch().resources().get(0).resource())
        .isEqualTo(Labels.of("service.name", "checkout", "service.instance.id", "pod-1"));
    List<Metric> ms = metrics(r);
    assertThat(ms).extracting(Metric::name)
        .containsExactly("/gc/heap/allocs:bytes", "/cpu/classes/user:cpu-seconds", "/sched/latencies:seconds");
    assertThat(ms.get(0).type()).isEqualTo(MetricType.COUNTER);
    assertThat(ms.get(0).unit()).isEqualTo("By");
    assertThat(((NumberPoint) ms.get(0).points().get(0)).value()).isEqualTo(123456);
    assertThat(ms.get(0).points().get(0).epochNanos()).isEqualTo(1700000000000000000L);
    // cumulative not given: the Go catalog knows /cpu/classes/user is cumulative
    assertThat(ms.get(1).type()).isEqualTo(MetricType.COUNTER);
    assertThat(ms.get(1).unit()).isEqualTo("s");
    HistogramPoint h = (HistogramPoint) ms.get(2).points().get(0);
    // Go buckets [-Inf,0) [0,1e-6) [1e-6,+Inf) -> le 0, le 1e-6, le +Inf
    assertThat(h.bounds()).containsExactly(0.0, 1e-6);
    assertThat(h.counts()).containsExactly(0, 4, 1);
    assertThat(h.count()).isEqualTo(5);
    assertThat(h.sum()).isNaN(); // estimated later, the same way for every transport
  }

  @Test
  void unknownNamesWithoutCumulativeAreGaugesAndQueryParametersAreResource() throws Exception {
    var r = GoRuntimeDecoder.decode("""
        {"resource": {"service.name": "from-body"},
         "samples": [{"name": "/future/widgets:widgets", "kind": "KindUint64", "value": "18446744073709551615"},
                     {"name": "/gc/heap/goal:bytes", "kind": "bad"}]}""",
        Map.of("service.name", "from-query", "k8s.pod.name", "p"), 42);
    Metric m = metrics(r).get(0);
    assertThat(m.type()).isEqualTo(MetricType.GAUGE);
    assertThat(m.unit()).isEqualTo("{widgets}");
    assertThat(((NumberPoint) m.points().get(0)).value()).isEqualTo(1.8446744073709552E19);
    assertThat(m.points().get(0).epochNanos()).isEqualTo(42);
    assertThat(r.skipped()).isEqualTo(1);
    assertThat(r.batch().resources().get(0).resource())
        .isEqualTo(Labels.of("service.name", "from-query", "k8s.pod.name", "p"));
  }

  @Test
  void histogramWithFiniteEdgesKeepsAnEmptyInfBucket() throws Exception {
    var r = GoRuntimeDecoder.decode("""
        {"samples": [{"name": "/gc/heap/allocs-by-size:bytes", "kind": "float64histogram",
          "counts": [3, 2], "buckets": [8, 16, 32]}]}""", Map.of(), 1);
    HistogramPoint h = (HistogramPoint) metrics(r).get(0).points().get(0);
    assertThat(h.bounds()).containsExactly(8.0, 16.0, 32.0);
    assertThat(h.counts()).containsExactly(0, 3, 2, 0);
    assertThat(dev.rosetta.receiver.pipeline.GoHistograms.normalize(metrics(r).get(0)).points().get(0))
        .extracting(p -> ((HistogramPoint) p).sum()).isEqualTo(3 * 12.0 + 2 * 24.0);
  }

  @Test
  void aHistogramSampleMayCarryItsSum() throws Exception {
    var r = GoRuntimeDecoder.decode("""
        {"samples": [{"name": "/gc/heap/allocs-by-size:bytes", "kind": "float64histogram",
          "counts": [3, 2], "buckets": [8, 16, 32], "sum": 70}]}""", Map.of(), 1);
    HistogramPoint h = (HistogramPoint) metrics(r).get(0).points().get(0);
    assertThat(h.sum()).isEqualTo(70);
    // the sender's sum is kept, never replaced by an estimate
    assertThat(((HistogramPoint) dev.rosetta.receiver.pipeline.GoHistograms.normalize(metrics(r).get(0))
        .points().get(0)).sum()).isEqualTo(70);
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("""
        {"samples": [{"name": "/a:b", "kind": "float64histogram", "counts": [1], "buckets": [0, 1], "sum": "+Inf"}]}""",
        Map.of(), 1)).hasMessageStartingWith("samples[0].sum: expected a finite number");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("""
        {"samples": [{"name": "/a:b", "kind": "float64histogram", "counts": [1], "buckets": [0, 1], "sum": "x"}]}""",
        Map.of(), 1)).hasMessageStartingWith("samples[0].sum: expected a number");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("""
        {"samples": [{"name": "/a:b", "kind": "uint64", "value": 1, "sum": 1}]}""",
        Map.of(), 1)).hasMessageStartingWith("samples[0].sum: only a float64histogram sample has a sum");
  }

  @Test
  void malformedBodiesSayWhatAndWhere() {
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("{", Map.of(), 1)).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("[]", Map.of(), 1)).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("{\"samples\": 3}", Map.of(), 1))
        .hasMessageContaining("samples: expected an array");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"gc:bytes\", \"kind\": \"uint64\", \"value\": 1}]}", Map.of(), 1))
        .hasMessageStartingWith("samples[0].name:");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": -1}]}", Map.of(), 1))
        .hasMessageStartingWith("samples[0].value: expected an unsigned 64-bit integer");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"/a:b\", \"kind\": \"float64histogram\", \"counts\": [1], \"buckets\": [1]}]}",
        Map.of(), 1)).hasMessageStartingWith("samples[0].buckets: has 1 boundaries for 1 counts");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"/a:b\", \"kind\": \"float64histogram\", \"counts\": [1, 1], "
            + "\"buckets\": [0, 2, 1]}]}", Map.of(), 1))
        .hasMessageStartingWith("samples[0].buckets[2]: boundaries must increase strictly");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"/a:b\", \"kind\": \"complex128\", \"value\": 1}]}", Map.of(), 1))
        .hasMessageStartingWith("samples[0].kind: unknown kind");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode(
        "{\"samples\": [{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": 1},"
            + "{\"name\": \"/a:b\", \"kind\": \"uint64\", \"value\": 2}]}", Map.of(), 1))
        .hasMessageStartingWith("samples[1].name: \"/a:b\" appears twice");
    assertThatThrownBy(() -> GoRuntimeDecoder.decode("{\"samples\": [], \"extra\": 1}", Map.of(), 1))
        .hasMessageContaining("unknown key \"extra\"");
  }
}
