package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.receiver.scrape.ScrapeProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScrapeConfigTest {
  static RosettaConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "rosetta.yaml", Map.of("NODE_NAME", "node-7"), FileCheck.none());
  }

  @Test
  void prometheusScrapeConfigsAsWrittenForPrometheus() throws Exception {
    RosettaConfig c = parse("""
        receivers:
          prometheus:
            config:
              global: {scrape_interval: 15s, evaluation_interval: 1m, sample_limit: 1000}
              scrape_configs:
                - job_name: go-apps
                  scrape_timeout: 5s
                  params: {format: [prometheus]}
                  honor_labels: true
                  body_size_limit: 10MB
                  static_configs: [{targets: ["10.0.0.7:8080"], labels: {env: prod}}]
                  file_sd_configs: [{files: [/etc/rosetta/targets/*.json]}]
                  kubernetes_sd_configs:
                    - role: pod
                      namespaces: {names: [shop]}
                      selectors: [{role: pod, field: "spec.nodeName=${NODE_NAME}"}]
                  relabel_configs:
                    - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port], regex: (.+), target_label: __address__, replacement: "$1"}
                  metric_relabel_configs:
                    - {source_labels: [__name__], regex: "go_memstats_.*", action: drop}
                - job_name: slow
                  scrape_interval: 5s
          jolokia/jvms:
            config:
              scrape_configs: [{job_name: jvms, static_configs: [{targets: ["10.0.0.8:8778"]}]}]
        """);
    assertThat(c.receivers().otlp().grpc()).as("pull-only: OTLP off").isEmpty();
    assertThat(c.receivers().otlp().http()).isEmpty();
    assertThat(c.receivers().scrape()).hasSize(2);
    ScrapeReceiverConfig p = c.receivers().scrape().get(0);
    assertThat(p.kind()).isEqualTo(ScrapeReceiverConfig.Kind.PROMETHEUS);
    ScrapeReceiverConfig.Job go = p.jobs().get(0);
    assertThat(go.scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(go.scrapeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(go.metricsPath()).isEqualTo("/metrics");
    assertThat(go.honorLabels()).isTrue();
    assertThat(go.honorTimestamps()).isTrue();
    assertThat(go.sampleLimit()).isEqualTo(1000);
    assertThat(go.bodySizeLimit()).isEqualTo(10L << 20);
    assertThat(go.params()).containsEntry("format", List.of("prometheus"));
    assertThat(go.scrapeProtocols()).isEqualTo(ScrapeProtocol.DEFAULTS);
    assertThat(go.kubernetesSdConfigs().get(0).selectors().get(0).field()).isEqualTo("spec.nodeName=node-7");
    assertThat(go.relabelConfigs().get(0).replacement()).isEqualTo("$1");
    ScrapeReceiverConfig.Job slow = p.jobs().get(1);
    assertThat(slow.scrapeTimeout()).as("the global 10s timeout is clamped to the interval").isEqualTo(Duration.ofSeconds(5));
    ScrapeReceiverConfig j = c.receivers().scrape().get(1);
    assertThat(j.id().toString()).isEqualTo("jolokia/jvms");
    assertThat(j.jobs().get(0).metricsPath()).isEqualTo("/jolokia/");
    assertThat(j.mbeans()).isEqualTo(ScrapeReceiverConfig.DEFAULT_MBEANS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no config             | prometheus: {}                                                                                 | receivers.prometheus.config",
      "duplicate job         | prometheus: {config: {scrape_configs: [{job_name: a}, {job_name: a}]}}                        | job_name \"a\" is used twice",
      "timeout > interval    | prometheus: {config: {scrape_configs: [{job_name: a, scrape_interval: 5s, scrape_timeout: 6s}]}} | is longer than scrape_interval",
      "target with scheme    | prometheus: {config: {scrape_configs: [{job_name: a, static_configs: [{targets: [\"http://x:1\"]}]}]}} | the scheme goes in",
      "bad relabel           | prometheus: {config: {scrape_configs: [{job_name: a, relabel_configs: [{action: nope}]}]}}      | unknown relabel action",
      "bearer_token          | prometheus: {config: {scrape_configs: [{job_name: a, bearer_token: x}]}}                     | use authorization",
      "consul                | prometheus: {config: {scrape_configs: [{job_name: a, consul_sd_configs: []}]}}                | consul_sd_configs",
      "role node             | prometheus: {config: {scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: node}]}]}} | discovers the role pod",
      "bad protocol          | prometheus: {config: {scrape_configs: [{job_name: a, scrape_protocols: [Text]}]}}             | unknown scrape protocol",
      "bad size              | prometheus: {config: {scrape_configs: [{job_name: a, body_size_limit: 10 apples}]}}           | invalid size",
      "remote_write          | prometheus: {config: {remote_write: [], scrape_configs: []}}                                 | a scrape receiver does not read",
      "file_sd extension     | prometheus: {config: {scrape_configs: [{job_name: a, file_sd_configs: [{files: [t.txt]}]}]}}  | end in .json, .yml or .yaml",
      "jolokia protocols     | jolokia: {config: {scrape_configs: [{job_name: a, scrape_protocols: [PrometheusProto]}]}}     | exposition protocols do not apply",
      "auth both             | prometheus: {config: {scrape_configs: [{job_name: a, basic_auth: {username: u}, authorization: {credentials: c}}]}} | mutually exclusive",
  })
  void problemsAreReportedWithTheirPath(String name, String receivers, String message) {
    assertThatThrownBy(() -> parse("receivers:\n  " + receivers + "\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void secretsAreNotShown() {
    assertThatThrownBy(() -> parse("""
        receivers:
          prometheus:
            config:
              scrape_configs: [{job_name: a, basic_auth: {username: u, password: [hunter2]}}]
        """)).isInstanceOf(ConfigException.class).hasMessageNotContaining("hunter2");
  }
}
