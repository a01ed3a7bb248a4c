package dev.rosetta.receiver.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.FileCheck;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.discovery.KubernetesDiscoverer;
import dev.rosetta.receiver.discovery.TargetGroup;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.Pipeline;
import dev.rosetta.receiver.store.SeriesStore;
import dev.rosetta.receiver.exposition.StoreCollector;
import dev.rosetta.receiver.telemetry.SelfMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes pod discovery against fabric8's mock API server in CRUD mode: pods come and go, the
 * usual {@code prometheus.io/*} annotation recipe decides what is scraped and where, the node field
 * selector restricts a DaemonSet to its node, and an informer that loses its API server picks up
 * what changed once it is back.
 */
class KubernetesDiscoveryTest {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  static final String RECIPE = """
      - job_name: pods
        scrape_interval: 500ms
        scrape_timeout: 400ms
        kubernetes_sd_configs:
          - role: pod
            api_server: http://127.0.0.1:1
            namespaces: {names: [apps]}
            %s
        relabel_configs:
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
            action: keep
            regex: "true"
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
            action: replace
            target_label: __metrics_path__
            regex: (.+)
          - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
            action: replace
            regex: ([^:]+)(?::\\d+)?;(\\d+)
            replacement: $1:$2
            target_label: __address__
          - action: labelmap
            regex: __meta_kubernetes_pod_label_(.+)
          - source_labels: [__meta_kubernetes_namespace]
            target_label: namespace
          - source_labels: [__meta_kubernetes_pod_name]
            target_label: pod
      """;

  final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  KubernetesMockServer server;
  KubernetesClient admin;
  TargetServer target;
  ScrapeManager manager;
  CollectorRegistry registry;
  final List<KubernetesClient> clients = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() throws Exception {
    server = newServer(0);
    admin = client(server.getPort(), Runnable::run);
    target = new TargetServer();
    target.answers.put("/metrics", TargetServer.Answer.text("pod_metric 1\n"));
    target.answers.put("/custom", TargetServer.Answer.text("custom_path_metric 2\n"));
  }

  KubernetesMockServer newServer(int port) {
    KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher,
        false);
    s.init(InetAddress.getLoopbackAddress(), port);
    return s;
  }

  static KubernetesClient client(int port, java.util.concurrent.Executor tasks) {
    Config c = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
        .withWatchReconnectInterval(200).withWatchReconnectLimit(-1).withRequestRetryBackoffInterval(100)
        .withConnectionTimeout(2000).build();
    return new KubernetesClientBuilder().withConfig(c).withTaskExecutor(tasks).build();
  }

  @AfterEach
  void tearDown() {
    if (manager != null) {
      manager.close();
    }
    clients.forEach(KubernetesClient::close);
    admin.close();
    server.destroy();
    target.close();
  }

  void startManager(String selectors) throws Exception {
    int port = server.getPort();
    startManager(selectors, (sd, tasks) -> {
      KubernetesClient c = client(port, tasks);
      clients.add(c);
      return c;
    });
  }

  void startManager(String selectors, KubernetesDiscoverer.ClientFactory factory) throws Exception {
    String yaml = """
        receivers:
          prometheus:
            config:
              scrape_configs:
        %s
        exporters:
          prometheus: {endpoint: "127.0.0.1:0"}
        """.formatted(RECIPE.formatted(selectors).indent(8));
    RosettaConfig config = ConfigLoader.parse(yaml, "test", Map.of(), FileCheck.none());
    registry = new CollectorRegistry(true);
    SelfMetrics self = new SelfMetrics(registry);
    SeriesStore store = new SeriesStore(SeriesStore.Settings.defaults(), System::currentTimeMillis, n -> false);
    registry.register(new StoreCollector(store));
    IngestService ingest = new IngestService(Pipeline.empty(), store, java.util.Optional.empty(), self,
        Duration.ofSeconds(1));
    manager = new ScrapeManager(config.receivers().scrape(), ingest, new ScrapeMetrics(registry), new ServiceHealth(),
        new ScrapeManager.Settings(2, 1, Duration.ofMillis(200), 0), factory);
    manager.start();
  }

  Pod pod(String name, String node, Map<String, String> annotations, int containerPort) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace("apps").withUid("uid-" + name)
        .withLabels(Map.of("app", name, "app.kubernetes.io/part-of", "shop"))
        .withAnnotations(annotations)
        .addNewOwnerReference().withKind("ReplicaSet").withName(name + "-rs").withController(true)
        .withApiVersion("apps/v1").withUid("rs").endOwnerReference()
        .endMetadata()
        .withNewSpec().withNodeName(node)
        .addNewContainer().withName("main").withImage("app:1")
        .addNewPort().withContainerPort(containerPort).withName("http").withProtocol("TCP").endPort()
        .endContainer()
        .endSpec()
        .withNewStatus().withPodIP("127.0.0.1").withHostIP("10.9.9.9").withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus()
        .build();
  }

  Map<String, String> scrapeAnnotations(String path) {
    Map<String, String> a = new HashMap<>();
    a.put("prometheus.io/scrape", "true");
    a.put("prometheus.io/port", Integer.toString(target.server.getAddress().getPort()));
    if (path != null) {
      a.put("prometheus.io/path", path);
    }
    return a;
  }

  record Sample(String name, Labels labels, double value) {}

  List<Sample> stored() {
    List<Sample> out = new ArrayList<>();
    for (Collector.MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
      for (Collector.MetricFamilySamples.Sample s : f.samples) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < s.labelNames.size(); i++) {
          b.add(s.labelNames.get(i), s.labelValues.get(i));
        }
        out.add(new Sample(s.name, b.build(), s.value));
      }
    }
    return out;
  }

  boolean has(String name, String... labels) {
    Labels want = Labels.of(labels);
    return stored().stream().anyMatch(s -> s.name().equals(name)
        && want.names().stream().allMatch(n -> want.get(n).equals(s.labels().get(n))));
  }

  static void await(String what, BooleanSupplier ok) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      if (ok.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void podsAddedAreScrapedAsTheirAnnotationsSayAndRemovedPodsLeave() throws Exception {
    startManager("");
    admin.pods().inNamespace("apps").resource(pod("web-1", "node-a", scrapeAnnotations(null), 9999)).create();
    admin.pods().inNamespace("apps").resource(pod("api-1", "node-a", scrapeAnnotations("/custom"), 9999)).create();
    admin.pods().inNamespace("apps").resource(pod("quiet-1", "node-a", Map.of(), 9999)).create();
    await("both annotated pods scraped", () -> has("pod_metric", "pod", "web-1", "namespace", "apps", "app", "web-1")
        && has("custom_path_metric", "pod", "api-1"));
    List<ScrapeTarget> targets = manager.targets("pods");
    assertThat(targets).hasSize(2);
    ScrapeTarget web = targets.stream().filter(t -> "web-1".equals(t.publicLabels().get("pod"))).findFirst()
        .orElseThrow();
    assertThat(web.url().toString()).isEqualTo("http://127.0.0.1:" + target.server.getAddress().getPort() + "/metrics");
    assertThat(web.publicLabels().get("app_kubernetes_io_part_of")).isEqualTo("shop");
    assertThat(web.publicLabels().get("instance")).isEqualTo("127.0.0.1:" + target.server.getAddress().getPort());
    assertThat(web.labels().names()).noneMatch(n -> n.startsWith("__meta_"));
    assertThat(has("up", "pod", "quiet-1")).isFalse();

    admin.pods().inNamespace("apps").withName("web-1").delete();
    await("web-1's series gone", () -> !has("pod_metric", "pod", "web-1") && !has("up", "pod", "web-1"));
    assertThat(has("custom_path_metric", "pod", "api-1")).isTrue();
  }

  /**
   * The mock API server filters field selectors on metadata fields only (a spec.nodeName selector
   * matches nothing there), so the client's requests are recorded and passed on without the selector,
   * as a server that ignores it would get them: the selector must be asked for, and a pod of another
   * node must still not be scraped.
   */
  @Test
  void theNodeFieldSelectorLimitsADaemonSetToItsNode() throws Exception {
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    int port = server.getPort();
    startManager("selectors: [{role: pod, field: spec.nodeName=node-a}]", (sd, tasks) -> {
      Config c = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port).build();
      KubernetesClient k = new KubernetesClientBuilder().withConfig(c).withTaskExecutor(tasks)
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("ignore-field-selectors", new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
              String uri = request.uri().toString();
              asked.add(java.net.URLDecoder.decode(uri, java.nio.charset.StandardCharsets.UTF_8));
              builder.uri(java.net.URI.create(uri.replaceAll("fieldSelector=[^&]*&?", "")));
            }
          })).build();
      clients.add(k);
      return k;
    });
    admin.pods().inNamespace("apps").resource(pod("elsewhere", "node-b", scrapeAnnotations(null), 9999)).create();
    admin.pods().inNamespace("apps").resource(pod("here", "node-a", scrapeAnnotations(null), 9999)).create();
    await("the pod of node-a", () -> has("pod_metric", "pod", "here"));
    Thread.sleep(1000);
    assertThat(has("up", "pod", "elsewhere")).as("a pod of another node").isFalse();
    assertThat(manager.targets("pods")).extracting(t -> t.publicLabels().get("pod")).containsExactly("here");
    assertThat(asked).as("the list and watch ask for node-a's pods only")
        .anyMatch(u -> u.contains("/api/v1/namespaces/apps/pods") && u.contains("fieldSelector=spec.nodeName=node-a"));
  }

  @Test
  void anInformerThatLostItsApiServerCatchesUpWhenItIsBack() throws Exception {
    startManager("");
    admin.pods().inNamespace("apps").resource(pod("before", "node-a", scrapeAnnotations(null), 9999)).create();
    await("the first pod", () -> has("pod_metric", "pod", "before"));
    int port = server.getPort();
    server.destroy();
    Thread.sleep(500);
    server = newServer(port);
    // the informer's new watch on the server that came back (the mock replays no missed events, so
    // the changes below are made once the watch is there; a real API server would replay them)
    long end = System.nanoTime() + DEADLINE.toNanos();
    boolean watching = false;
    while (!watching && System.nanoTime() < end) {
      io.fabric8.mockwebserver.http.RecordedRequest r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      watching = r != null && r.getPath().contains("watch=true");
    }
    assertThat(watching).as("the informer watches again").isTrue();
    KubernetesClient again = client(port, Runnable::run);
    clients.add(again);
    again.pods().inNamespace("apps").withName("before").delete();
    again.pods().inNamespace("apps").resource(pod("after", "node-a", scrapeAnnotations(null), 9999)).create();
    await("the informer reconnected: the new pod scraped, the deleted one gone",
        () -> has("pod_metric", "pod", "after") && !has("up", "pod", "before"));
  }

  @Test
  void podLabelsAreThoseOfPrometheus() {
    Pod p = pod("web-1", "node-a", Map.of("prometheus.io/scrape", "true"), 8080);
    TargetGroup g = KubernetesDiscoverer.podGroup(p);
    assertThat(g.source()).isEqualTo("pod/apps/web-1");
    assertThat(g.labels().asMap()).containsEntry("__meta_kubernetes_namespace", "apps")
        .containsEntry("__meta_kubernetes_pod_name", "web-1")
        .containsEntry("__meta_kubernetes_pod_ip", "127.0.0.1")
        .containsEntry("__meta_kubernetes_pod_ready", "true")
        .containsEntry("__meta_kubernetes_pod_phase", "Running")
        .containsEntry("__meta_kubernetes_pod_node_name", "node-a")
        .containsEntry("__meta_kubernetes_pod_host_ip", "10.9.9.9")
        .containsEntry("__meta_kubernetes_pod_uid", "uid-web-1")
        .containsEntry("__meta_kubernetes_pod_label_app_kubernetes_io_part_of", "shop")
        .containsEntry("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_part_of", "true")
        .containsEntry("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true")
        .containsEntry("__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape", "true")
        .containsEntry("__meta_kubernetes_pod_controller_kind", "ReplicaSet")
        .containsEntry("__meta_kubernetes_pod_controller_name", "web-1-rs");
    assertThat(g.targets()).containsExactly(Labels.of(
        "__address__", "127.0.0.1:8080",
        "__meta_kubernetes_pod_container_name", "main",
        "__meta_kubernetes_pod_container_id", "",
        "__meta_kubernetes_pod_container_image", "app:1",
        "__meta_kubernetes_pod_container_port_number", "8080",
        "__meta_kubernetes_pod_container_port_name", "http",
        "__meta_kubernetes_pod_container_port_protocol", "TCP",
        "__meta_kubernetes_pod_container_init", "false"));
    Pod pending = new PodBuilder(p).editStatus().withPodIP(null).endStatus().build();
    assertThat(KubernetesDiscoverer.podGroup(pending).targets()).isEmpty();
  }
}
