package dev.rosetta.receiver.discovery;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@code kubernetes_sd_configs} with role {@code pod}, through fabric8 informers (list, then watch;
 * the informer re-lists and re-watches by itself after a dropped connection). One informer per
 * namespace listed (or one over all namespaces), each with the configured label and field
 * selectors — {@code field: spec.nodeName=$(NODE_NAME)} is how a DaemonSet watches only its node's
 * pods. Field selectors on {@code spec.nodeName}, {@code status.phase}, {@code metadata.name},
 * {@code metadata.namespace} and {@code status.podIP} are also checked here, so a server that ignores
 * them changes nothing.
 *
 * <p>Each pod is one group (source {@code pod/<namespace>/<name>}), labelled exactly as Prometheus
 * labels it ({@code discovery/kubernetes/pod.go}): the group has {@code __meta_kubernetes_namespace},
 * {@code __meta_kubernetes_pod_name}, {@code _ip}, {@code _ready} (the Ready condition in lower
 * case, {@code unknown} without one), {@code _phase}, {@code _node_name}, {@code _host_ip}, {@code
 * _uid}, {@code _label_<name>}/{@code _labelpresent_<name>} and {@code _annotation_<name>}/{@code
 * _annotationpresent_<name>} (names sanitized to {@code [a-zA-Z0-9_]}), {@code _controller_kind} and
 * {@code _controller_name}; one target per container port ({@code __address__} = podIP:port,
 * {@code _container_name}, {@code _container_id}, {@code _container_image}, {@code
 * _container_port_name}, {@code _container_port_number}, {@code _container_port_protocol}, {@code
 * _container_init}), or one per container without ports ({@code __address__} = the pod IP). A pod
 * without an IP yet has no targets.
 *
 * <p>Informer callbacks run on the client's task executor (threads from the service's factory);
 * updates are handed on one at a time.
 */
public final class KubernetesDiscoverer implements Discoverer {
  private static final Logger LOG = Logger.getLogger(KubernetesDiscoverer.class.getName());
  private static final String PREFIX = "__meta_kubernetes_";
  private static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

  /** Builds the Kubernetes client of a discovery config (pluggable for tests). */
  @FunctionalInterface
  public interface ClientFactory {
    KubernetesClient create(ScrapeReceiverConfig.KubernetesSd sd, Executor tasks) throws IOException;
  }

  private final ScrapeReceiverConfig.KubernetesSd sd;
  private final ClientFactory factory;
  private final Executor tasks;
  private final Runnable onError;
  private final Map<String, String> fieldEquals = new LinkedHashMap<>();
  private final Map<String, String> fieldNotEquals = new LinkedHashMap<>();
  private final String labelSelector;
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private KubernetesClient client;
  private Consumer<List<TargetGroup>> updates;
  private volatile boolean closed;
  private volatile String lastProblem = "";

  public KubernetesDiscoverer(ScrapeReceiverConfig.KubernetesSd sd, ClientFactory factory, Executor tasks,
      Runnable onError) {
    this.sd = Objects.requireNonNull(sd, "sd");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.onError = Objects.requireNonNull(onError, "onError");
    String labels = "";
    for (ScrapeReceiverConfig.Selector s : sd.selectors()) {
      if (s.role() == ScrapeReceiverConfig.Role.POD) {
        labels = s.label();
        parseFieldSelector(s.field(), fieldEquals, fieldNotEquals);
      }
    }
    this.labelSelector = labels;
  }

  /** {@code a=b,c!=d} (also {@code a==b}) into equality and inequality requirements. */
  static void parseFieldSelector(String selector, Map<String, String> eq, Map<String, String> ne) {
    if (selector.isBlank()) {
      return;
    }
    for (String part : selector.split(",")) {
      String p = part.trim();
      int bang = p.indexOf("!=");
      if (bang > 0) {
        ne.put(p.substring(0, bang).trim(), p.substring(bang + 2).trim());
        continue;
      }
      int dbl = p.indexOf("==");
      int eqAt = dbl > 0 ? dbl : p.indexOf('=');
      if (eqAt <= 0) {
        throw new IllegalArgumentException("invalid field selector requirement \"" + p + "\"");
      }
      eq.put(p.substring(0, eqAt).trim(), p.substring(eqAt + (dbl > 0 ? 2 : 1)).trim());
    }
  }

  /** The default client: kubeconfig_file, api_server, or in-cluster (service account) config. */
  public static ClientFactory defaultFactory() {
    return (sd, tasks) -> {
      Config config;
      if (sd.kubeconfigFile().isPresent()) {
        config = Config.fromKubeconfig(Files.readString(sd.kubeconfigFile().get(), StandardCharsets.UTF_8));
      } else if (sd.apiServer().isPresent()) {
        ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(sd.apiServer().get());
        ScrapeReceiverConfig.HttpClient http = sd.http();
        if (http.authorization().isPresent()) {
          ScrapeReceiverConfig.Authorization a = http.authorization().get();
          b.withOauthToken(a.credentialsFile().isPresent()
              ? Files.readString(a.credentialsFile().get(), StandardCharsets.UTF_8).strip() : a.credentials());
        }
        if (http.basicAuth().isPresent()) {
          ScrapeReceiverConfig.BasicAuth ba = http.basicAuth().get();
          b.withUsername(ba.usernameFile().isPresent()
              ? Files.readString(ba.usernameFile().get(), StandardCharsets.UTF_8).strip() : ba.username());
          b.withPassword(ba.passwordFile().isPresent()
              ? Files.readString(ba.passwordFile().get(), StandardCharsets.UTF_8).strip() : ba.password());
        }
        if (http.tls().isPresent()) {
          ScrapeReceiverConfig.Tls t = http.tls().get();
          t.caFile().ifPresent(p -> b.withCaCertFile(p.toString()));
          t.certFile().ifPresent(p -> b.withClientCertFile(p.toString()));
          t.keyFile().ifPresent(p -> b.withClientKeyFile(p.toString()));
          b.withTrustCerts(t.insecureSkipVerify());
          b.withDisableHostnameVerification(t.insecureSkipVerify());
        }
        config = b.build();
      } else {
        config = Config.autoConfigure(null);
      }
      return new KubernetesClientBuilder().withConfig(config).withTaskExecutor(tasks).build();
    };
  }

  @Override
  public void start(Consumer<List<TargetGroup>> updates) {
    this.updates = Objects.requireNonNull(updates, "updates");
    try {
      client = factory.create(sd, tasks);
    } catch (IOException | RuntimeException e) {
      problem("cannot set up the Kubernetes client: " + e.getMessage());
      return;
    }
    List<String> namespaces = new ArrayList<>(sd.namespaces());
    if (sd.ownNamespace()) {
      String own = client.getConfiguration().getNamespace();
      if (own == null || own.isEmpty()) {
        try {
          own = Files.readString(java.nio.file.Path.of(SERVICE_ACCOUNT_NAMESPACE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          problem("namespaces.own_namespace: cannot read the pod's namespace: " + e.getMessage());
          return;
        }
      }
      namespaces.add(own);
    }
    if (namespaces.isEmpty()) {
      inform(null);
    } else {
      for (String ns : namespaces.stream().distinct().toList()) {
        inform(ns);
      }
    }
    LOG.info("Kubernetes discovery of pods in " + (namespaces.isEmpty() ? "all namespaces" : namespaces)
        + (labelSelector.isEmpty() ? "" : ", labels " + labelSelector)
        + (fieldEquals.isEmpty() && fieldNotEquals.isEmpty() ? "" : ", fields " + fieldEquals + " " + fieldNotEquals));
  }

  private void inform(String namespace) {
    FilterWatchListDeletable<Pod, PodList, PodResource> op = namespace == null
        ? client.pods().inAnyNamespace() : client.pods().inNamespace(namespace);
    if (!labelSelector.isEmpty()) {
      op = op.withLabelSelector(labelSelector);
    }
    if (!fieldEquals.isEmpty()) {
      op = op.withFields(fieldEquals);
    }
    for (Map.Entry<String, String> e : fieldNotEquals.entrySet()) {
      op = op.withoutField(e.getKey(), e.getValue());
    }
    SharedIndexInformer<Pod> informer = op.runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        emit(pod, false);
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        emit(newPod, false);
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        emit(pod, true);
      }
    });
    informer.exceptionHandler((started, t) -> {
      if (!closed) {
        problem("Kubernetes API: " + t.getMessage() + " (the informer retries)");
      }
      return true; // keep retrying
    });
    informers.add(informer);
    informer.start().whenComplete((v, e) -> {
      if (e != null && !closed) {
        problem("the pod informer could not start: " + e.getMessage());
      }
    });
  }

  private synchronized void emit(Pod pod, boolean deleted) {
    if (closed || pod.getMetadata() == null) {
      return;
    }
    lastProblem = "";
    String source = "pod/" + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    TargetGroup g = deleted || !matchesFields(pod) ? TargetGroup.empty(source) : podGroup(pod);
    updates.accept(List.of(g));
  }

  private void problem(String message) {
    if (!message.equals(lastProblem)) {
      lastProblem = message;
      LOG.warning("kubernetes_sd (" + sd.role().word + "): " + message + " (logged once)");
      onError.run();
    }
  }

  /** The field selectors this side can check, as the API server would. */
  boolean matchesFields(Pod pod) {
    for (Map.Entry<String, String> e : fieldEquals.entrySet()) {
      String v = field(pod, e.getKey());
      if (v != null && !v.equals(e.getValue())) {
        return false;
      }
    }
    for (Map.Entry<String, String> e : fieldNotEquals.entrySet()) {
      String v = field(pod, e.getKey());
      if (v != null && v.equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** A pod field by selector name; null for a field this side does not know. */
  private static String field(Pod pod, String name) {
    return switch (name) {
      case "spec.nodeName" -> pod.getSpec() == null ? "" : nz(pod.getSpec().getNodeName());
      case "status.phase" -> pod.getStatus() == null ? "" : nz(pod.getStatus().getPhase());
      case "status.podIP" -> pod.getStatus() == null ? "" : nz(pod.getStatus().getPodIP());
      case "metadata.name" -> nz(pod.getMetadata().getName());
      case "metadata.namespace" -> nz(pod.getMetadata().getNamespace());
      default -> null;
    };
  }

  /** The target group of one pod, labelled as Prometheus labels it. */
  public static TargetGroup podGroup(Pod pod) {
    String ns = nz(pod.getMetadata().getNamespace());
    String source = "pod/" + ns + "/" + nz(pod.getMetadata().getName());
    String ip = pod.getStatus() == null ? "" : nz(pod.getStatus().getPodIP());
    if (ip.isEmpty()) {
      return TargetGroup.empty(source);
    }
    Map<String, String> g = new HashMap<>();
    g.put(PREFIX + "pod_ip", ip);
    g.put(PREFIX + "pod_ready", ready(pod));
    g.put(PREFIX + "pod_phase", nz(pod.getStatus().getPhase()));
    g.put(PREFIX + "pod_node_name", pod.getSpec() == null ? "" : nz(pod.getSpec().getNodeName()));
    g.put(PREFIX + "pod_host_ip", nz(pod.getStatus().getHostIP()));
    g.put(PREFIX + "pod_uid", nz(pod.getMetadata().getUid()));
    g.put(PREFIX + "pod_name", nz(pod.getMetadata().getName()));
    metaLabels(g, "pod", pod.getMetadata().getLabels(), pod.getMetadata().getAnnotations());
    OwnerReference controller = null;
    if (pod.getMetadata().getOwnerReferences() != null) {
      for (OwnerReference o : pod.getMetadata().getOwnerReferences()) {
        if (Boolean.TRUE.equals(o.getController())) {
          controller = o;
          break;
        }
      }
    }
    if (controller != null) {
      if (!nz(controller.getKind()).isEmpty()) {
        g.put(PREFIX + "pod_controller_kind", controller.getKind());
      }
      if (!nz(controller.getName()).isEmpty()) {
        g.put(PREFIX + "pod_controller_name", controller.getName());
      }
    }
    g.put(PREFIX + "namespace", ns);
    List<Labels> targets = new ArrayList<>();
    List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null
        ? List.of() : pod.getSpec().getContainers();
    List<Container> inits = pod.getSpec() == null || pod.getSpec().getInitContainers() == null
        ? List.of() : pod.getSpec().getInitContainers();
    List<Container> all = new ArrayList<>(containers);
    all.addAll(inits);
    for (int i = 0; i < all.size(); i++) {
      Container c = all.get(i);
      boolean init = i >= containers.size();
      List<ContainerStatus> statuses = init ? pod.getStatus().getInitContainerStatuses()
          : pod.getStatus().getContainerStatuses();
      String id = "";
      if (statuses != null) {
        for (ContainerStatus s : statuses) {
          if (nz(s.getName()).equals(c.getName())) {
            id = nz(s.getContainerID());
            break;
          }
        }
      }
      if (c.getPorts() == null || c.getPorts().isEmpty()) {
        targets.add(Labels.of("__address__", ip, PREFIX + "pod_container_name", nz(c.getName()),
            PREFIX + "pod_container_id", id, PREFIX + "pod_container_image", nz(c.getImage()),
            PREFIX + "pod_container_init", Boolean.toString(init)));
        continue;
      }
      for (ContainerPort port : c.getPorts()) {
        String number = port.getContainerPort() == null ? "0" : Integer.toUnsignedString(port.getContainerPort());
        targets.add(Labels.of("__address__", joinHostPort(ip, number), PREFIX + "pod_container_name", nz(c.getName()),
            PREFIX + "pod_container_id", id, PREFIX + "pod_container_image", nz(c.getImage()),
            PREFIX + "pod_container_port_number", number, PREFIX + "pod_container_port_name", nz(port.getName()),
            PREFIX + "pod_container_port_protocol", nz(port.getProtocol()),
            PREFIX + "pod_container_init", Boolean.toString(init)));
      }
    }
    return new TargetGroup(source, targets, Labels.of(g));
  }

  private static void metaLabels(Map<String, String> g, String role, Map<String, String> labels,
      Map<String, String> annotations) {
    if (labels != null) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        String n = sanitize(e.getKey());
        g.put(PREFIX + role + "_label_" + n, nz(e.getValue()));
        g.put(PREFIX + role + "_labelpresent_" + n, "true");
      }
    }
    if (annotations != null) {
      for (Map.Entry<String, String> e : annotations.entrySet()) {
        String n = sanitize(e.getKey());
        g.put(PREFIX + role + "_annotation_" + n, nz(e.getValue()));
        g.put(PREFIX + role + "_annotationpresent_" + n, "true");
      }
    }
  }

  /** Every character outside [a-zA-Z0-9_] becomes '_', as Prometheus's SanitizeLabelName does. */
  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  private static String ready(Pod pod) {
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("Ready".equals(c.getType())) {
          return nz(c.getStatus()).toLowerCase(Locale.ROOT);
        }
      }
    }
    return "unknown";
  }

  private static String joinHostPort(String host, String port) {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void close() {
    closed = true;
    for (SharedIndexInformer<Pod> i : informers) {
      try {
        i.close();
      } catch (RuntimeException e) {
        LOG.fine("closing an informer: " + e);
      }
    }
    if (client != null) {
      client.close();
    }
  }

  @Override
  public String describe() {
    return "kubernetes_sd_configs (role " + sd.role().word + ")";
  }
}
