package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.Endpoint;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.cli.ValidateCommand;
import dev.rosetta.receiver.config.ViewsConfig;
import dev.rosetta.receiver.views.ConfiguredViews;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Helm chart in {@code deploy/helm/rosetta}: strict lint, then {@code helm template} (Helm 3 in
 * process through helm-java, no helm binary) with default and non-default values, asserting on the
 * rendered objects, and the rendered configuration run through Rosetta's own loader and view
 * builder, laid out as the kubelet mounts a ConfigMap.
 */
class HelmChartTest {
  private static final Path CHART =
      Path.of(System.getProperty("rosetta.chart.dir", "../deploy/helm/rosetta"))
          .toAbsolutePath()
          .normalize();
  private static final String RELEASE = "demo";
  private static final String NAMESPACE = "observability";
  private static final String FULLNAME = "demo-rosetta";
  /** {@code helm template} assumes Kubernetes 1.20 unless told; the chart needs 1.23 or later. */
  private static final String KUBE_VERSION = "v1.31.0";

  @TempDir Path tmp;

  // ---- lint -----------------------------------------------------------------------------------

  @Test
  void lintStrictPassesWithoutWarnings() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  // ---- default values -------------------------------------------------------------------------

  @Test
  void defaultValuesRenderDeploymentServiceConfigMapPdbAndServiceAccountOnly() {
    Manifests m = render();

    assertThat(m.kinds())
        .containsExactlyInAnyOrder(
            "ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount");
    m.all().forEach(o -> assertThat(str(o, "metadata", "namespace")).isEqualTo(NAMESPACE));
    assertThat(num(m.one("Deployment"), "spec", "replicas")).isEqualTo(1);
    assertThat(m.one("PodDisruptionBudget").get("spec"))
        .isEqualTo(
            Map.of(
                "maxUnavailable", 1,
                "selector", Map.of("matchLabels", selectorLabels())));
  }

  @Test
  void serviceExposesNamedPortsForOtlpGrpcOtlpHttpAndMetrics() {
    Map<String, Object> service = render().one("Service");

    assertThat(str(service, "spec", "type")).isEqualTo("ClusterIP");
    List<Object> ports = list(service, "spec", "ports");
    assertThat(names(ports)).containsExactly("otlp-grpc", "otlp-http", "metrics");
    assertThat(num(named(ports, "otlp-grpc"), "port")).isEqualTo(4317);
    assertThat(num(named(ports, "otlp-http"), "port")).isEqualTo(4318);
    assertThat(num(named(ports, "metrics"), "port")).isEqualTo(9464);
    for (Object port : ports) {
      assertThat(at(port, "targetPort")).isEqualTo(at(port, "name"));
      assertThat(at(port, "protocol")).isEqualTo("TCP");
    }
    assertThat(map(service, "spec", "selector")).isEqualTo(selectorLabels());
  }

  @Test
  void containerPortsAreTheConfiguredEndpointsBoundToAllInterfaces() throws Exception {
    Manifests m = render();
    List<Object> ports = list(container(m.one("Deployment")), "ports");

    assertThat(names(ports)).containsExactly("otlp-grpc", "otlp-http", "metrics");
    assertThat(num(named(ports, "otlp-grpc"), "containerPort")).isEqualTo(4317);
    assertThat(num(named(ports, "otlp-http"), "containerPort")).isEqualTo(4318);
    assertThat(num(named(ports, "metrics"), "containerPort")).isEqualTo(9464);

    RosettaConfig config = validate(m);
    assertThat(config.receivers().otlp().grpc().orElseThrow().endpoint())
        .isEqualTo(new Endpoint("0.0.0.0", 4317));
    assertThat(config.receivers().otlp().http().orElseThrow().endpoint())
        .isEqualTo(new Endpoint("0.0.0.0", 4318));
    assertThat(config.exporters().prometheus().endpoint()).isEqualTo(new Endpoint("0.0.0.0", 9464));
    assertThat(configYaml(m))
        .contains("endpoint: 0.0.0.0:4317", "endpoint: 0.0.0.0:4318", "endpoint: 0.0.0.0:9464");
  }

  @Test
  void probesCheckHealthzAndReadyzOnTheMetricsPort() {
    Map<String, Object> container = container(render().one("Deployment"));

    assertThat(map(container, "livenessProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "metrics"));
    assertThat(map(container, "readinessProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/readyz", "port", "metrics"));
    assertThat(map(container, "startupProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "metrics"));
  }

  @Test
  void securityContextRunsAsNonRootOnAReadOnlyRootWithoutPrivilegesOrCapabilities() {
    Map<String, Object> deployment = render().one("Deployment");
    Map<String, Object> container = container(deployment);

    assertThat(at(container, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat(at(container, "securityContext", "runAsUser")).isEqualTo(10001);
    assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(at(container, "securityContext", "privileged")).isEqualTo(false);
    assertThat(list(container, "securityContext", "capabilities", "drop")).containsExactly("ALL");
    Map<String, Object> pod = map(deployment, "spec", "template", "spec");
    assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
    assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
  }

  @Test
  void configIsMountedAtEtcRosettaWithAWritableTmpAndJvmOptionsFromJavaToolOptions() {
    Map<String, Object> deployment = render().one("Deployment");
    Map<String, Object> container = container(deployment);
    Map<String, Object> pod = map(deployment, "spec", "template", "spec");

    Map<String, Object> configMount = named(list(container, "volumeMounts"), "config");
    assertThat(at(configMount, "mountPath")).isEqualTo("/etc/rosetta");
    assertThat(at(configMount, "readOnly")).isEqualTo(true);
    assertThat(at(configMount, "subPath")).as("a subPath mount never sees updates").isNull();
    assertThat(at(named(list(container, "volumeMounts"), "tmp"), "mountPath")).isEqualTo("/tmp");
    assertThat(at(named(list(pod, "volumes"), "tmp"), "emptyDir")).isInstanceOf(Map.class);
    assertThat(at(named(list(pod, "volumes"), "config"), "configMap", "name")).isEqualTo(FULLNAME);
    assertThat(list(named(list(pod, "volumes"), "config"), "configMap", "items"))
        .containsExactly(Map.of("key", "config.yaml", "path", "config.yaml"));
    assertThat(at(named(list(container, "env"), "ROSETTA_JAVA_OPTS"), "value"))
        .as("the launcher's defaults apply").isEqualTo("");
    assertThat(names(list(container, "env"))).doesNotContain("JAVA_TOOL_OPTIONS");
    assertThat(container.get("command")).as("the image's entrypoint runs the service").isNull();
    assertThat(container.get("args")).isNull();
    assertThat(str(container, "image")).isEqualTo("rosetta:" + projectVersion());
  }

  @Test
  void podsCarryAppKubernetesIoLabelsThatEverySelectorMatches() {
    Manifests m = render();
    Map<String, Object> podLabels =
        map(m.one("Deployment"), "spec", "template", "metadata", "labels");

    assertThat(podLabels)
        .containsEntry("app.kubernetes.io/name", "rosetta")
        .containsEntry("app.kubernetes.io/instance", RELEASE)
        .containsEntry("app.kubernetes.io/version", projectVersion())
        .containsEntry("app.kubernetes.io/managed-by", "Helm")
        .containsKey("app.kubernetes.io/component")
        .containsKey("helm.sh/chart");
    assertThat(map(m.one("Deployment"), "spec", "selector", "matchLabels"))
        .isEqualTo(selectorLabels());
    assertThat(podLabels).containsAllEntriesOf(selectorLabels());
    m.all()
        .forEach(
            o ->
                assertThat(map(o, "metadata", "labels"))
                    .as("%s labels", o.get("kind"))
                    .containsEntry("app.kubernetes.io/name", "rosetta")
                    .containsEntry("app.kubernetes.io/instance", RELEASE));
  }

  @Test
  void scrapeAnnotationsAreOnByDefaultAndOffWhenDisabled() {
    Map<String, Object> annotations = podAnnotations(render().one("Deployment"));
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "9464")
        .containsEntry("prometheus.io/path", "/metrics");

    Map<String, Object> disabled =
        podAnnotations(render(Map.of("prometheusScrape.enabled", "false")).one("Deployment"));
    assertThat(disabled.keySet()).noneMatch(k -> k.toString().startsWith("prometheus.io/"));
  }

  @Test
  void checksumAnnotationAppearsOnlyWithRollOnConfigChangeAndFollowsTheConfig() {
    assertThat(podAnnotations(render().one("Deployment"))).doesNotContainKey("checksum/config");

    Object checksum =
        podAnnotations(render(Map.of("rollOnConfigChange", "true")).one("Deployment"))
            .get("checksum/config");
    Object otherChecksum =
        podAnnotations(
                render(
                        Map.of(
                            "rollOnConfigChange", "true",
                            "config.service.telemetry.logs.level", "debug"))
                    .one("Deployment"))
            .get("checksum/config");
    assertThat(checksum).asString().matches("[0-9a-f]{64}");
    assertThat(otherChecksum).asString().matches("[0-9a-f]{64}").isNotEqualTo(checksum);
  }

  @Test
  void restartOnlyChecksumFollowsReceiversAndExportersButNotHotReloadedSettings() {
    String base = restartOnlyChecksum(Map.of());
    assertThat(base).matches("[0-9a-f]{64}");

    assertThat(restartOnlyChecksum(Map.of("config.service.telemetry.logs.level", "debug")))
        .isEqualTo(base);
    assertThat(restartOnlyChecksum(Map.of("config.limits.max_series", "5000"))).isEqualTo(base);
    assertThat(restartOnlyChecksum(Map.of("config.views.unmatched", "drop"))).isEqualTo(base);
    assertThat(restartOnlyChecksum(Map.of("config.exporters.otlp.endpoint", "collector:4317")))
        .isNotEqualTo(base);
    assertThat(restartOnlyChecksum(Map.of("config.service.shutdown_timeout", "20s")))
        .isNotEqualTo(base);
    assertThat(restartOnlyChecksum(Map.of("config.receivers.otlp.protocols.grpc", "null")))
        .isNotEqualTo(base);
    assertThat(podAnnotations(render(Map.of("rollOnConfigChange", "true")).one("Deployment")))
        .as("checksum/config covers everything")
        .doesNotContainKey("checksum/restart-only-config");
  }

  @Test
  void defaultConfigPassesRosettaValidationAndBuildsTheBuiltInViews() throws Exception {
    Manifests m = render();

    RosettaConfig config = validate(m);
    assertThat(config.views().files()).isEmpty();
    assertThat(config.views().builtin()).containsExactly("go", "jvm");
    assertThat(config.exporters().otlp()).isEmpty();
    ViewSet views = ConfiguredViews.load(config.views());
    assertThat(views.decide("/gc/heap/goal:bytes").kind()).isEqualTo(ViewDecision.Kind.MATCHED);
  }

  // ---- non-default values -----------------------------------------------------------------------

  @Test
  void daemonSetValuesRenderServiceMonitorAndNetworkPolicyWithoutDeploymentOrHpa() {
    Manifests m = renderFile("daemonset-values.yaml");

    assertThat(m.kinds())
        .containsExactlyInAnyOrder(
            "ConfigMap",
            "DaemonSet",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Service",
            "ServiceAccount",
            "ServiceMonitor");
    Map<String, Object> daemonSet = m.one("DaemonSet");
    assertThat(map(daemonSet, "spec")).doesNotContainKey("replicas");
    assertThat(podAnnotations(daemonSet)).containsKey("checksum/config");
    assertThat(podAnnotations(daemonSet).keySet())
        .noneMatch(k -> k.toString().startsWith("prometheus.io/"));
    assertThat(str(m.one("Service"), "spec", "internalTrafficPolicy")).isEqualTo("Local");
    assertThat(list(container(daemonSet), "securityContext", "capabilities", "drop"))
        .containsExactly("ALL");
    assertThat(map(container(daemonSet), "readinessProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/readyz", "port", "metrics"));
  }

  @Test
  void serviceMonitorScrapesTheMetricsPortOfThisReleaseWithItsLabels() {
    Manifests m = renderFile("daemonset-values.yaml");
    Map<String, Object> monitor = m.one("ServiceMonitor");

    assertThat(str(monitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(map(monitor, "metadata", "labels"))
        .containsEntry("release", "kube-prometheus-stack");
    assertThat(map(monitor, "spec", "selector", "matchLabels")).isEqualTo(selectorLabels());
    assertThat(map(m.one("Service"), "metadata", "labels")).containsAllEntriesOf(selectorLabels());
    assertThat(list(monitor, "spec", "namespaceSelector", "matchNames")).containsExactly(NAMESPACE);
    Map<String, Object> endpoint = map(list(monitor, "spec", "endpoints").get(0));
    assertThat(endpoint)
        .containsEntry("port", "metrics")
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "15s")
        .containsEntry("honorLabels", true);
  }

  @Test
  void networkPolicyAdmitsOtlpFromTheGivenPeersAndMetricsFromMonitoring() {
    Map<String, Object> policy = renderFile("daemonset-values.yaml").one("NetworkPolicy");

    assertThat(map(policy, "spec", "podSelector", "matchLabels")).isEqualTo(selectorLabels());
    assertThat(list(policy, "spec", "policyTypes")).containsExactly("Ingress");
    List<Object> ingress = list(policy, "spec", "ingress");
    assertThat(ingress).hasSize(2);
    assertThat(list(ingress.get(0), "ports"))
        .containsExactly(
            Map.of("port", "otlp-grpc", "protocol", "TCP"),
            Map.of("port", "otlp-http", "protocol", "TCP"));
    assertThat(list(ingress.get(0), "from"))
        .containsExactly(
            Map.of(
                "namespaceSelector",
                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "shop"))),
            Map.of(
                "podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/part-of", "shop"))));
    assertThat(list(ingress.get(1), "ports"))
        .containsExactly(Map.of("port", "metrics", "protocol", "TCP"));
    assertThat(list(ingress.get(1), "from"))
        .containsExactly(
            Map.of(
                "namespaceSelector",
                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring"))));
  }

  @Test
  void daemonSetConfigWithForwardingViewsAndRelabelPassesRosettaValidation() throws Exception {
    Manifests m = renderFile("daemonset-values.yaml");
    Map<String, Object> pod = map(m.one("DaemonSet"), "spec", "template", "spec");
    assertThat(list(named(list(pod, "volumes"), "config"), "configMap", "items"))
        .containsExactly(
            Map.of("key", "config.yaml", "path", "config.yaml"),
            Map.of("key", "shop.yaml", "path", "views/shop.yaml"));

    RosettaConfig config = validate(m);

    assertThat(config.exporters().otlp().orElseThrow().endpoint())
        .isEqualTo(new Endpoint("otel-collector.observability", 4317));
    assertThat(config.views().files()).containsExactly("views/*.yaml");
    assertThat(config.views().unmatched()).isEqualTo(ViewsConfig.Unmatched.DROP);
    assertThat(config.relabel().input()).isNotEqualTo(config.relabel().output());
    assertThat(config.limits().maxSeries()).isEqualTo(200_000);
    assertThat(config.limits().maxSeriesPerFamily()).isEqualTo(20_000);
    ViewSet views = ConfiguredViews.load(config.views());
    ViewDecision shop = views.decide("shop.orders.paid.count");
    assertThat(shop.kind()).isEqualTo(ViewDecision.Kind.MATCHED);
    assertThat(shop.name()).contains("shop.orders");
    assertThat(views.decide("/gc/heap/goal:bytes").kind()).isEqualTo(ViewDecision.Kind.MATCHED);
  }

  @Test
  void autoscalingValuesRenderAnHpaForTheDeploymentWithoutFixedReplicas() throws Exception {
    Manifests m = renderFile("autoscaling-values.yaml");

    assertThat(m.kinds())
        .containsExactlyInAnyOrder(
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "Service",
            "ServiceAccount");
    Map<String, Object> hpa = m.one("HorizontalPodAutoscaler");
    assertThat(str(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
    assertThat(map(hpa, "spec", "scaleTargetRef"))
        .isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", FULLNAME));
    assertThat(num(hpa, "spec", "minReplicas")).isEqualTo(2);
    assertThat(num(hpa, "spec", "maxReplicas")).isEqualTo(6);
    assertThat(list(hpa, "spec", "metrics"))
        .extracting(
            metric ->
                at(metric, "resource", "name")
                    + "="
                    + at(metric, "resource", "target", "averageUtilization"))
        .containsExactly("cpu=70", "memory=80");
    assertThat(map(m.one("Deployment"), "spec")).doesNotContainKey("replicas");
    assertThat(map(m.one("PodDisruptionBudget"), "spec")).containsEntry("minAvailable", 1);
    assertThat(at(named(list(container(m.one("Deployment")), "env"), "ROSETTA_JAVA_OPTS"), "value"))
        .isEqualTo("-XX:MaxRAMPercentage=60");
  }

  @Test
  void turningGrpcOffRemovesItsPortsAndTheConfigStillValidates() throws Exception {
    Manifests m = renderFile("autoscaling-values.yaml");

    assertThat(names(list(m.one("Service"), "spec", "ports")))
        .containsExactly("otlp-http", "metrics");
    assertThat(names(list(container(m.one("Deployment")), "ports")))
        .containsExactly("otlp-http", "metrics");
    RosettaConfig config = validate(m);
    assertThat(config.receivers().otlp().grpc()).isEmpty();
    assertThat(config.receivers().otlp().http()).isPresent();
  }

  // ---- file storage -----------------------------------------------------------------------------

  private static final Map<String, String> FILE_STORAGE = Map.of(
      "fileStorage.enabled", "true",
      "config.extensions.file_storage.directory", "/var/lib/rosetta",
      "config.service.extensions[0]", "file_storage");

  @Test
  void fileStorageIsAnEmptyDirByDefaultMountedWhereTheExtensionWrites() throws Exception {
    Manifests m = render(FILE_STORAGE);
    Map<String, Object> deployment = m.one("Deployment");
    Map<String, Object> pod = map(deployment, "spec", "template", "spec");

    assertThat(m.kinds()).doesNotContain("PersistentVolumeClaim");
    assertThat(at(named(list(pod, "volumes"), "file-storage"), "emptyDir")).isEqualTo(Map.of("sizeLimit", "1Gi"));
    assertThat(at(named(list(container(deployment), "volumeMounts"), "file-storage"), "mountPath"))
        .isEqualTo("/var/lib/rosetta");
    assertThat(pod).doesNotContainKey("initContainers");
    assertThat(map(deployment, "spec")).doesNotContainKey("strategy");
    RosettaConfig config = validate(m);
    assertThat(config.extensions().enabled(dev.rosetta.receiver.config.FileStorageConfig.class))
        .singleElement().satisfies(fs -> assertThat(fs.directory()).isEqualTo(Path.of("/var/lib/rosetta")));
  }

  @Test
  void aClaimKeepsTheQueueOfADeploymentThatIsRecreatedNotRolled() throws Exception {
    Manifests m = renderFile("file-storage-values.yaml", Map.of());
    Map<String, Object> pvc = m.one("PersistentVolumeClaim");
    Map<String, Object> deployment = m.one("Deployment");

    assertThat(str(pvc, "metadata", "name")).isEqualTo(FULLNAME + "-queue");
    assertThat(map(pvc, "metadata", "annotations")).containsEntry("helm.sh/resource-policy", "keep");
    assertThat(map(pvc, "spec")).containsEntry("storageClassName", "fast-ssd")
        .containsEntry("accessModes", List.of("ReadWriteOnce"));
    assertThat(at(pvc, "spec", "resources", "requests", "storage")).isEqualTo("2Gi");
    assertThat(map(deployment, "spec", "strategy")).isEqualTo(Map.of("type", "Recreate"));
    assertThat(at(named(list(map(deployment, "spec", "template", "spec"), "volumes"), "file-storage"),
        "persistentVolumeClaim", "claimName")).isEqualTo(FULLNAME + "-queue");
    RosettaConfig config = validate(m);
    assertThat(config.exporters().otlp().orElseThrow().sendingQueue().storage()).isPresent();

    Manifests existing = renderFile("file-storage-values.yaml",
        Map.of("fileStorage.persistentVolumeClaim.existingClaim", "queue-of-old"));
    assertThat(existing.kinds()).doesNotContain("PersistentVolumeClaim");
    assertThat(at(named(list(map(existing.one("Deployment"), "spec", "template", "spec"), "volumes"),
        "file-storage"), "persistentVolumeClaim", "claimName")).isEqualTo("queue-of-old");
  }

  @Test
  void aDaemonSetKeepsItsQueueInANodeDirectoryHandedToItsUser() throws Exception {
    Map<String, String> sets = new LinkedHashMap<>(FILE_STORAGE);
    sets.put("fileStorage.type", "hostPath");
    sets.put("config.exporters.otlp.sending_queue.storage", "file_storage");
    Manifests m = renderFile("daemonset-values.yaml", sets);
    Map<String, Object> pod = map(m.one("DaemonSet"), "spec", "template", "spec");

    assertThat(at(named(list(pod, "volumes"), "file-storage"), "hostPath"))
        .isEqualTo(Map.of("path", "/var/lib/rosetta/" + RELEASE, "type", "DirectoryOrCreate"));
    Map<String, Object> init = named(list(pod, "initContainers"), "file-storage-owner");
    assertThat(list(init, "command")).containsExactly("chown", "10001:10001", "/var/lib/rosetta");
    assertThat(map(init, "securityContext")).containsEntry("runAsUser", 0)
        .containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
    assertThat(at(init, "securityContext", "capabilities")).isEqualTo(Map.of("drop", List.of("ALL"), "add",
        List.of("CHOWN")));
    validate(m);

    sets.put("fileStorage.hostPath.chown", "false");
    sets.put("fileStorage.hostPath.path", "/srv/rosetta-queue");
    Map<String, Object> plain = map(renderFile("daemonset-values.yaml", sets).one("DaemonSet"), "spec", "template",
        "spec");
    assertThat(plain).doesNotContainKey("initContainers");
    assertThat(at(named(list(plain, "volumes"), "file-storage"), "hostPath", "path")).isEqualTo("/srv/rosetta-queue");
  }

  @Test
  void theExtensionsRollThePodsLikeTheExporters() {
    String without = restartOnlyChecksum(Map.of());
    assertThat(restartOnlyChecksum(FILE_STORAGE)).isNotEqualTo(without);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "fileStorage.type=persistentVolumeClaim kind=DaemonSet | cannot back a DaemonSet",
        "fileStorage.type=persistentVolumeClaim replicaCount=2 | holds the queue of one pod",
        "fileStorage.type=hostPath                             | hostPath is for a DaemonSet",
        "fileStorage.type=nfs                                  | one of 'emptyDir', 'persistentVolumeClaim', 'hostPath'",
        "fileStorage.enabled=false                             | is not on a volume",
        "config.extensions.file_storage.directory=/data/queue  | is not on a volume",
      })
  void fileStorageThatCannotWorkFailsTheRender(String settings, String message) {
    Map<String, String> sets = new LinkedHashMap<>(FILE_STORAGE);
    for (String setting : settings.split(" +")) {
      String[] keyValue = setting.split("=", 2);
      sets.put(keyValue[0], keyValue[1]);
    }
    assertThatThrownBy(() -> render(sets)).hasMessageContaining(message);
  }

  // ---- refused values ---------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "kind=DaemonSet hpa.enabled=true                    | hpa.enabled needs kind: Deployment",
        "config.exporters.prometheus.endpoint=127.0.0.1:9464 | binds loopback",
        "config.receivers.otlp.protocols.http.endpoint=localhost:4318 | binds loopback",
        "config.receivers.otlp.protocols.grpc.endpoint=0.0.0.0 | has no port",
        "config.exporters.prometheus=null                    | prometheus.endpoint must be set",
        "config.receivers.otlp.protocols=null                | must turn on grpc and/or http",
        "kind=StatefulSet                                    | one of 'Deployment', 'DaemonSet'",
        "serviceMonitor.enable=true                          | 'enable' not allowed",
        "pdb.minAvailable=1                                  | not both",
        "views.config\\.yaml=x                              | may not be named config.yaml",
      })
  void valuesThatCannotWorkInAPodFailTheRender(String settings, String message) {
    Map<String, String> sets = new LinkedHashMap<>();
    for (String setting : settings.split(" +")) {
      String[] keyValue = setting.split("=", 2);
      sets.put(keyValue[0], keyValue[1]);
    }

    assertThatThrownBy(() -> render(sets)).hasMessageContaining(message);
  }

  // ---- rendering --------------------------------------------------------------------------------

  // ---- Grafana dashboards ---------------------------------------------------------------------

  @Test
  void dashboardsConfigMapIsOffByDefaultAndCarriesEveryDashboardWithTheSidecarLabel() throws Exception {
    assertThat(render().all()).noneMatch(o -> str(o, "metadata", "name").endsWith("-dashboards"));

    Manifests m = render(Map.of("dashboards.enabled", "true", "dashboards.annotations.grafana_folder", "Runtimes"));
    Map<String, Object> cm = m.all().stream()
        .filter(o -> "ConfigMap".equals(o.get("kind")) && str(o, "metadata", "name").endsWith("-dashboards"))
        .findFirst().orElseThrow(() -> new AssertionError("no dashboards ConfigMap in " + m.kinds()));
    assertThat(str(cm, "metadata", "namespace")).isEqualTo(NAMESPACE);
    // the label the kube-prometheus-stack Grafana sidecar looks for (grafana.sidecar.dashboards.label)
    assertThat(map(cm, "metadata", "labels")).containsEntry("grafana_dashboard", "1")
        .containsAllEntriesOf(selectorLabels());
    assertThat(map(cm, "metadata", "annotations")).containsEntry("grafana_folder", "Runtimes");
    Map<String, Object> data = map(cm, "data");
    Set<String> uids = new TreeSet<>();
    try (var files = Files.list(CHART.resolve("dashboards"))) {
      List<Path> dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      assertThat(dashboards).hasSize(3);
      assertThat(data.keySet()).containsExactlyInAnyOrderElementsOf(
          dashboards.stream().map(f -> "rosetta-" + f.getFileName()).toList());
      for (Path f : dashboards) {
        String carried = (String) data.get("rosetta-" + f.getFileName());
        com.google.gson.JsonObject parsed = com.google.gson.JsonParser.parseString(carried).getAsJsonObject();
        assertThat(parsed).as("%s carried unchanged", f).isEqualTo(
            com.google.gson.JsonParser.parseString(Files.readString(f)));
        uids.add(parsed.get("uid").getAsString());
      }
    }
    assertThat(uids).as("dashboard uids are distinct").hasSize(3);

    Manifests elsewhere = render(Map.of("dashboards.enabled", "true", "dashboards.namespace", "monitoring"));
    assertThat(elsewhere.all()).filteredOn(o -> str(o, "metadata", "name").endsWith("-dashboards"))
        .singleElement().satisfies(o -> assertThat(str(o, "metadata", "namespace")).isEqualTo("monitoring"));
  }

  /** The Maven project version, which Surefire passes in (one source of truth for every version). */
  static String projectVersion() {
    String v = System.getProperty("rosetta.version", "");
    assertThat(v).as("system property rosetta.version (set by the e2e module's pom)").isNotEmpty()
        .doesNotStartWith("${");
    return v;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theChartTheJarAndTheImageTagAgreeOnTheVersion() throws Exception {
    String version = projectVersion();
    Map<String, Object> chart = new org.yaml.snakeyaml.Yaml().load(Files.readString(CHART.resolve("Chart.yaml")));
    assertThat(chart.get("appVersion")).as("Chart.yaml appVersion").isEqualTo(version);
    Map<String, Object> values = new org.yaml.snakeyaml.Yaml().load(Files.readString(CHART.resolve("values.yaml")));
    assertThat(((Map<String, Object>) values.get("image")).get("tag"))
        .as("values.yaml image.tag: empty, so that the appVersion applies").isEqualTo("");
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Peers.rosettaJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version"))
          .as("the jar's version (rosetta --version)").isEqualTo(version);
    }
    // docker/build.sh tags the image with the jar's version and passes it to the labels
    String build = Files.readString(CHART.resolve("../../../docker/build.sh"));
    assertThat(build).contains("image=${registry:+$registry/}$name:$version")
        .contains("--build-arg VERSION=\"$version\"");
    assertThat(str(container(render().one("Deployment")), "image")).isEqualTo("rosetta:" + version);
    assertThat(str(render().one("Deployment"), "metadata", "labels", "app.kubernetes.io/version")).isEqualTo(version);
  }

  private static Manifests render() {
    return render(Map.of());
  }

  private static Manifests render(Map<String, String> sets) {
    return template(command -> command, sets);
  }

  private static Manifests renderFile(String ciValues) {
    return renderFile(ciValues, Map.of());
  }

  private static Manifests renderFile(String ciValues, Map<String, String> sets) {
    Path file = CHART.resolve("ci").resolve(ciValues);
    return template(command -> command.withValuesFile(file), sets);
  }

  private static Manifests template(
      UnaryOperator<TemplateCommand> values, Map<String, String> sets) {
    TemplateCommand command =
        values.apply(
            new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION));
    for (Map.Entry<String, String> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return Manifests.parse(command.call());
  }

  /**
   * Writes the ConfigMap's files as the kubelet mounts them at /etc/rosetta (a timestamped
   * directory, a {@code ..data} link to it, and a link per item, views in {@code views/}) and runs
   * {@code rosetta validate}, then Rosetta's loader and view builder, on the result.
   */
  private RosettaConfig validate(Manifests m) throws Exception {
    Map<String, Object> data = map(m.one("ConfigMap"), "data");
    String workload = m.has("Deployment") ? "Deployment" : "DaemonSet";
    Map<String, Object> pod = map(m.one(workload), "spec", "template", "spec");
    List<Object> items = list(named(list(pod, "volumes"), "config"), "configMap", "items");
    Path etc = Files.createDirectories(tmp.resolve("etc/rosetta"));
    Path payload = Files.createDirectories(etc.resolve("..2026_01_01_00_00_00.000000001"));
    Set<Path> topLevel = new LinkedHashSet<>();
    for (Object item : items) {
      Path relative = Path.of(str(item, "path"));
      Path file = payload.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, Objects.requireNonNull(str(data, str(item, "key")), "data key"));
      topLevel.add(relative.getName(0));
    }
    Files.createSymbolicLink(etc.resolve("..data"), payload.getFileName());
    for (Path name : topLevel) {
      Files.createSymbolicLink(etc.resolve(name), Path.of("..data").resolve(name));
    }
    assertThat(data.keySet()).as("every ConfigMap key is mounted").hasSize(items.size());

    Path configFile = etc.resolve("config.yaml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        ValidateCommand.run(
            new String[] {"validate", "--config", configFile.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    assertThat(exit).as("rosetta validate: %s", err.toString(StandardCharsets.UTF_8)).isZero();

    RosettaConfig config = ConfigLoader.load(configFile, Map.of());
    ConfiguredViews.load(config.views());
    return config;
  }

  private static String restartOnlyChecksum(Map<String, String> sets) {
    return str(podAnnotations(render(sets).one("Deployment")), "checksum/restart-only-config");
  }

  private static String configYaml(Manifests m) {
    return str(m.one("ConfigMap"), "data", "config.yaml");
  }

  // ---- navigating parsed YAML -------------------------------------------------------------------

  /** Every document of a {@code helm template} output, parsed with SnakeYAML's safe constructor. */
  private record Manifests(List<Map<String, Object>> all) {
    static Manifests parse(String output) {
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      List<Map<String, Object>> docs = new ArrayList<>();
      for (Object doc : yaml.loadAll(output)) {
        if (doc != null) {
          docs.add(map(doc));
        }
      }
      return new Manifests(List.copyOf(docs));
    }

    Set<String> kinds() {
      Set<String> kinds = new TreeSet<>();
      all.forEach(o -> kinds.add(str(o, "kind")));
      return kinds;
    }

    boolean has(String kind) {
      return kinds().contains(kind);
    }

    Map<String, Object> one(String kind) {
      List<Map<String, Object>> found =
          all.stream().filter(o -> kind.equals(o.get("kind"))).toList();
      assertThat(found).as("objects of kind %s", kind).hasSize(1);
      return found.get(0);
    }
  }

  private static Map<String, String> selectorLabels() {
    return Map.of("app.kubernetes.io/name", "rosetta", "app.kubernetes.io/instance", RELEASE);
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    List<Object> containers = list(workload, "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    return named(containers, "rosetta");
  }

  private static Map<String, Object> podAnnotations(Map<String, Object> workload) {
    Map<String, Object> annotations = map(workload, "spec", "template", "metadata", "annotations");
    return annotations == null ? Map.of() : annotations;
  }

  private static Object at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> m) {
        current = m.get(step);
      } else if (current instanceof List<?> l && step instanceof Integer i) {
        current = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
    }
    return current;
  }

  /** The map at {@code path} (a copy with string keys), or null. */
  private static Map<String, Object> map(Object node, Object... path) {
    Object value = at(node, path);
    if (value == null) {
      return null;
    }
    assertThat(value).as("%s", List.of(path)).isInstanceOf(Map.class);
    Map<String, Object> copy = new LinkedHashMap<>();
    ((Map<?, ?>) value).forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  /** The list at {@code path} (a copy), or null. */
  private static List<Object> list(Object node, Object... path) {
    Object value = at(node, path);
    if (value == null) {
      return null;
    }
    assertThat(value).as("%s", List.of(path)).isInstanceOf(List.class);
    return new ArrayList<>((List<?>) value);
  }

  private static String str(Object node, Object... path) {
    Object value = at(node, path);
    return value == null ? null : value.toString();
  }

  private static Integer num(Object node, Object... path) {
    Object value = at(node, path);
    assertThat(value).as("%s", List.of(path)).isInstanceOf(Integer.class);
    return (Integer) value;
  }

  private static Map<String, Object> named(List<Object> entries, String name) {
    assertThat(entries).as("entries named %s", name).isNotNull();
    return entries.stream()
        .filter(e -> name.equals(at(e, "name")))
        .map(HelmChartTest::map)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no entry named " + name + " in " + entries));
  }

  private static List<String> names(List<Object> entries) {
    assertThat(entries).isNotNull();
    return entries.stream().map(e -> str(e, "name")).toList();
  }
}
