package dev.rosetta.receiver.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.InstrumentationScope;
import dev.rosetta.model.Labels;
import dev.rosetta.model.Metric;
import dev.rosetta.model.MetricBatch;
import dev.rosetta.model.MetricType;
import dev.rosetta.model.NumberPoint;
import dev.rosetta.model.ResourceMetrics;
import dev.rosetta.model.ScopeMetrics;
import dev.rosetta.model.Temporality;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link RelabelReach} says can never have an effect indeed has none on a {@link RelabelStage}. */
class RelabelReachTest {
  private static MetricBatch batch() {
    Metric m = new Metric("jvm.memory.used", "", "By", MetricType.GAUGE, Temporality.CUMULATIVE,
        List.of(new NumberPoint(Labels.of("jvm.memory.type", "heap", "pod", "p-1", "__attr_Type", "HEAP"), 1, 2, 5)));
    return new MetricBatch(List.of(new ResourceMetrics(
        Labels.of("service.name", "api", "service.namespace", "shop", "service.instance.id", "i-1", "host.name", "h"),
        List.of(new ScopeMetrics(new InstrumentationScope("io.opentelemetry.runtime", "2.0", Labels.empty()), List.of(m))))));
  }

  /** Everything that reaches the store: resources, scopes, names and point labels. */
  private static List<String> seen(MetricBatch b) {
    List<String> out = new ArrayList<>();
    for (ResourceMetrics rm : b.resources()) {
      for (ScopeMetrics sm : rm.scopes()) {
        for (Metric m : sm.metrics()) {
          m.points().forEach(p -> out.add(rm.resource() + " " + sm.scope() + " " + m.name() + " " + p.labels()));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "INPUT; labeldrop; ; otel_scope_.*; ",
      "INPUT; labeldrop; ; job|instance; ",
      "INPUT; labeldrop; ; service\\.name; ",
      "OUTPUT; labeldrop; ; job|instance; ",
      "OUTPUT; labeldrop; ; otel_scope_.*; ",
      "OUTPUT; labeldrop; ; __attr_.*; ",
      "OUTPUT; labeldrop; ; jvm\\.memory\\.type; ",
      "OUTPUT; replace; ; (.*); job",
      "OUTPUT; replace; ; (.*); otel_scope_name",
      "OUTPUT; drop; __attr_Type; HEAP; ",
      "INPUT; drop; job; api; ",
  })
  void aRuleReportedAsIdleChangesNothing(String stage, String action, String source, String regex, String target)
      throws Exception {
    RelabelConfig.Builder c = RelabelConfig.builder().action(action).regex(regex);
    if (source != null) {
      c.sourceLabels(source);
    }
    if (target != null) {
      c.targetLabel(target).replacement("x");
    }
    RelabelRules rules = RelabelRules.compile(List.of(c.build()), NameValidation.UTF8);
    RelabelStage.Kind kind = RelabelStage.Kind.valueOf(stage);
    assertThat(RelabelReach.check(kind, rules, NameValidation.UTF8)).hasSize(1);
    MetricBatch in = batch();
    if (kind == RelabelStage.Kind.OUTPUT) {
      in = new InternalLabelsStage().process(in); // as the pipeline has it before the output stage
    }
    MetricBatch out = new RelabelStage(kind, rules, true, n -> { }).process(in);
    assertThat(seen(out)).isEqualTo(seen(in));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "INPUT; labeldrop; ; pod|__attr_.*; ",
      "INPUT; drop; service.name; api; ",
      "OUTPUT; labeldrop; ; pod; ",
      "OUTPUT; drop; job; shop/api; ",
      "OUTPUT; replace; ; (.*); team",
  })
  void aRuleWithAnEffectIsNotReported(String stage, String action, String source, String regex, String target)
      throws Exception {
    RelabelConfig.Builder c = RelabelConfig.builder().action(action).regex(regex);
    if (source != null) {
      c.sourceLabels(source);
    }
    if (target != null) {
      c.targetLabel(target).replacement("x");
    }
    RelabelRules rules = RelabelRules.compile(List.of(c.build()), NameValidation.UTF8);
    RelabelStage.Kind kind = RelabelStage.Kind.valueOf(stage);
    assertThat(RelabelReach.check(kind, rules, NameValidation.UTF8)).isEmpty();
    MetricBatch in = batch();
    if (kind == RelabelStage.Kind.OUTPUT) {
      in = new InternalLabelsStage().process(in);
    }
    MetricBatch out = new RelabelStage(kind, rules, true, n -> { }).process(in);
    assertThat(seen(out)).isNotEqualTo(seen(in));
  }
}
