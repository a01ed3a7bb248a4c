package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The chart's scrape values: the receivers they add to the configuration (run through Rosetta's
 * loader), the RBAC for pod discovery (cluster-wide or per namespace), the DaemonSet's node-local
 * discovery with NODE_NAME from the downward API, and the service account token it needs.
 */
class HelmScrapeTest {
  private static final Path CHART = Path.of(System.getProperty("rosetta.chart.dir", "../deploy/helm/rosetta"))
      .toAbsolutePath().normalize();

  static List<Map<String, Object>> render(String valuesFile, Map<String, String> sets) {
    TemplateCommand c = new Helm(CHART).template().withName("demo").withNamespace("observability")
        .withKubeVersion("v1.31.0");
    if (valuesFile != null) {
      c = c.withValuesFile(CHART.resolve("ci").resolve(valuesFile));
    }
    for (Map.Entry<String, String> e : sets.entrySet()) {
      c = c.set(e.getKey(), e.getValue());
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(c.call())) {
      if (d != null) {
        docs.add(cast(d));
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  static Object at(Object o, String... path) {
    Object cur = o;
    for (String p : path) {
      cur = cur == null ? null : ((Map<?, ?>) cur).get(p);
    }
    return cur;
  }

  static RosettaConfig config(List<Map<String, Object>> docs, Map<String, String> env) throws Exception {
    String yaml = (String) at(ofKind(docs, "ConfigMap").get(0), "data", "config.yaml");
    return ConfigLoader.parse(yaml, "config.yaml", env, FileCheck.none());
  }

  static ScrapeReceiverConfig kind(RosettaConfig c, ScrapeReceiverConfig.Kind kind) {
    return c.receivers().scrape().stream().filter(r -> r.kind() == kind).findFirst().orElseThrow();
  }

  @Test
  void scrapingIsOffByDefault() throws Exception {
    List<Map<String, Object>> docs = render(null, Map.of());
    assertThat(ofKind(docs, "ClusterRole")).isEmpty();
    assertThat(ofKind(docs, "Role")).isEmpty();
    assertThat(config(docs, Map.of()).receivers().scrape()).isEmpty();
    assertThat(at(ofKind(docs, "Deployment").get(0), "spec", "template", "spec", "automountServiceAccountToken"))
        .isEqualTo(false);
  }

  @Test
  void annotationRecipeClusterWideForADeployment() throws Exception {
    List<Map<String, Object>> docs = render(null, Map.of("scrape.prometheus.enabled", "true"));
    RosettaConfig config = config(docs, Map.of());
    assertThat(config.receivers().otlp().grpc()).as("OTLP stays on").isPresent();
    ScrapeReceiverConfig.Job job = config.receivers().scrape().get(0).jobs().get(0);
    assertThat(job.jobName()).isEqualTo("kubernetes-pods");
    ScrapeReceiverConfig.KubernetesSd sd = job.kubernetesSdConfigs().get(0);
    assertThat(sd.namespaces()).isEmpty();
    assertThat(sd.selectors()).as("a Deployment discovers every node's pods").isEmpty();
    assertThat(job.relabelConfigs().get(0).sourceLabels())
        .containsExactly("__meta_kubernetes_pod_annotation_prometheus_io_scrape");
    assertThat(job.relabelConfigs()).anyMatch(r -> r.targetLabel().equals("__address__")
        && r.regex().equals("([^:]+)(?::\\d+)?;(\\d+)") && r.replacement().equals("$1:$2"));
    Map<String, Object> role = ofKind(docs, "ClusterRole").get(0);
    assertThat(at(role, "rules")).isEqualTo(List.of(Map.of("apiGroups", List.of(""), "resources", List.of("pods"),
        "verbs", List.of("get", "list", "watch"))));
    Map<String, Object> binding = ofKind(docs, "ClusterRoleBinding").get(0);
    assertThat(at(binding, "roleRef", "name")).isEqualTo("demo-rosetta-discovery");
    assertThat(at(binding, "subjects")).isEqualTo(List.of(Map.of("kind", "ServiceAccount", "name", "demo-rosetta",
        "namespace", "observability")));
    Map<String, Object> pod = cast(at(ofKind(docs, "Deployment").get(0), "spec", "template", "spec"));
    assertThat(pod.get("automountServiceAccountToken")).as("discovery needs the API token").isEqualTo(true);
  }

  @Test
  void daemonSetScrapesOnlyItsNodeInItsNamespaces() throws Exception {
    List<Map<String, Object>> docs = render("scrape-daemonset-values.yaml", Map.of());
    assertThat(ofKind(docs, "ClusterRole")).isEmpty();
    assertThat(ofKind(docs, "Role")).extracting(r -> at(r, "metadata", "namespace"))
        .containsExactly("shop", "payments");
    assertThat(ofKind(docs, "RoleBinding")).hasSize(2);
    Map<String, Object> container = cast(((List<?>) at(ofKind(docs, "DaemonSet").get(0), "spec", "template", "spec",
        "containers")).get(0));
    List<Map<String, Object>> env = cast(container.get("env"));
    Optional<Map<String, Object>> node = env.stream().filter(e -> "NODE_NAME".equals(e.get("name"))).findFirst();
    assertThat(node).isPresent();
    assertThat(at(node.get(), "valueFrom", "fieldRef", "fieldPath")).isEqualTo("spec.nodeName");
    RosettaConfig config = config(docs, Map.of("NODE_NAME", "node-7"));
    assertThat(config.receivers().scrape()).extracting(r -> r.kind()).containsExactlyInAnyOrder(
        ScrapeReceiverConfig.Kind.PROMETHEUS, ScrapeReceiverConfig.Kind.JOLOKIA);
    for (ScrapeReceiverConfig r : config.receivers().scrape()) {
      ScrapeReceiverConfig.KubernetesSd sd = r.jobs().get(0).kubernetesSdConfigs().get(0);
      assertThat(sd.namespaces()).containsExactly("shop", "payments");
      assertThat(sd.selectors().get(0).field()).isEqualTo("spec.nodeName=node-7");
    }
    ScrapeReceiverConfig.Job prom = kind(config, ScrapeReceiverConfig.Kind.PROMETHEUS).jobs().get(0);
    assertThat(prom.scrapeInterval()).hasSeconds(15);
    assertThat(prom.metricRelabelConfigs()).hasSize(1);
    ScrapeReceiverConfig jolokia = kind(config, ScrapeReceiverConfig.Kind.JOLOKIA);
    assertThat(jolokia.mbeans()).isEqualTo(ScrapeReceiverConfig.DEFAULT_MBEANS);
    assertThat(jolokia.jobs().get(0).relabelConfigs().get(0).sourceLabels())
        .containsExactly("__meta_kubernetes_pod_annotation_jolokia_io_scrape");
  }
}
