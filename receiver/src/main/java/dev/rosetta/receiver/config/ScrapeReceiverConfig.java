package dev.rosetta.receiver.config;

import dev.rosetta.receiver.scrape.ScrapeProtocol;
import dev.rosetta.relabel.RelabelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pull receiver: {@code prometheus} (Prometheus and OpenMetrics endpoints) or {@code jolokia}
 * (Jolokia agents), with the Prometheus {@code scrape_configs} under {@code config}, as the
 * OpenTelemetry Collector's {@code prometheus} receiver takes them:
 *
 * <pre>
 * receivers:
 *   prometheus:
 *     config:
 *       global: {scrape_interval: 15s}
 *       scrape_configs:
 *         - job_name: go-apps
 *           static_configs: [{targets: ["10.0.0.7:8080"]}]
 * </pre>
 *
 * <p>Defaults are Prometheus's ({@code scrape_interval} 1m, {@code scrape_timeout} 10s, {@code
 * metrics_path} /metrics, {@code scheme} http, {@code honor_timestamps} true); a job inherits
 * {@code global}'s interval, timeout, protocols and limits. A {@code jolokia} receiver's jobs default
 * to {@code metrics_path: /jolokia/}, and {@code mbeans} lists what its bulk read asks for.
 *
 * @param id the component id ({@code prometheus}, {@code jolokia/jvms})
 * @param jobs the scrape configs, job names unique within the receiver
 * @param mbeans the Jolokia read (jolokia only; empty for prometheus)
 */
public record ScrapeReceiverConfig(ComponentId id, Kind kind, List<Job> jobs, List<JolokiaRead> mbeans) {
  /** Which kind of endpoint the receiver scrapes. */
  public enum Kind {
    PROMETHEUS("prometheus"),
    JOLOKIA("jolokia");

    public final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  public ScrapeReceiverConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    jobs = List.copyOf(jobs);
    mbeans = List.copyOf(mbeans);
  }

  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_METRICS_PATH = "/metrics";
  public static final String DEFAULT_JOLOKIA_PATH = "/jolokia/";
  public static final Duration DEFAULT_FILE_SD_REFRESH = Duration.ofMinutes(5);

  /**
   * The platform MBeans the built-in {@code jvm} views cover: the default Jolokia read. Wildcard
   * reads ({@code *}) answer every pool, collector and buffer pool by name.
   */
  public static final List<JolokiaRead> DEFAULT_MBEANS = List.of(
      JolokiaRead.of("java.lang:type=Memory"),
      JolokiaRead.of("java.lang:type=MemoryPool,*"),
      JolokiaRead.of("java.lang:type=Threading"),
      JolokiaRead.of("java.lang:type=ClassLoading"),
      JolokiaRead.of("java.lang:type=GarbageCollector,*"),
      JolokiaRead.of("java.nio:type=BufferPool,*"),
      JolokiaRead.of("java.lang:type=OperatingSystem"),
      JolokiaRead.of("java.lang:type=Runtime"),
      JolokiaRead.of("java.lang:type=Compilation"));

  /** One {@code scrape_configs} entry. Limits of 0 mean none. */
  public record Job(
      String jobName,
      Duration scrapeInterval,
      Duration scrapeTimeout,
      String metricsPath,
      String scheme,
      Map<String, List<String>> params,
      boolean honorLabels,
      boolean honorTimestamps,
      List<ScrapeProtocol> scrapeProtocols,
      Optional<ScrapeProtocol> fallbackProtocol,
      boolean enableCompression,
      int sampleLimit,
      long bodySizeLimit,
      int labelLimit,
      int labelNameLengthLimit,
      int labelValueLengthLimit,
      HttpClient http,
      List<StaticTargets> staticConfigs,
      List<FileSd> fileSdConfigs,
      List<KubernetesSd> kubernetesSdConfigs,
      List<RelabelConfig> relabelConfigs,
      List<RelabelConfig> metricRelabelConfigs) {
    public Job {
      Objects.requireNonNull(jobName, "jobName");
      Objects.requireNonNull(scrapeInterval, "scrapeInterval");
      Objects.requireNonNull(scrapeTimeout, "scrapeTimeout");
      Objects.requireNonNull(metricsPath, "metricsPath");
      Objects.requireNonNull(scheme, "scheme");
      params = Map.copyOf(params);
      scrapeProtocols = List.copyOf(scrapeProtocols);
      Objects.requireNonNull(fallbackProtocol, "fallbackProtocol");
      Objects.requireNonNull(http, "http");
      staticConfigs = List.copyOf(staticConfigs);
      fileSdConfigs = List.copyOf(fileSdConfigs);
      kubernetesSdConfigs = List.copyOf(kubernetesSdConfigs);
      relabelConfigs = List.copyOf(relabelConfigs);
      metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
    }
  }

  /** {@code static_configs}: addresses and the labels they all get. */
  public record StaticTargets(List<String> targets, Map<String, String> labels) {
    public StaticTargets {
      targets = List.copyOf(targets);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * {@code file_sd_configs}: files (globs in the last path element) holding target groups as JSON or
   * YAML, resolved against the configuration file's directory, re-read when they change and every
   * {@code refresh_interval}.
   */
  public record FileSd(List<Path> files, Duration refreshInterval) {
    public FileSd {
      files = List.copyOf(files);
      Objects.requireNonNull(refreshInterval, "refreshInterval");
    }
  }

  /** A Kubernetes discovery role Rosetta reads. */
  public enum Role {
    POD("pod");

    public final String word;

    Role(String word) {
      this.word = word;
    }
  }

  /** {@code kubernetes_sd_configs[].selectors[]}. */
  public record Selector(Role role, String label, String field) {
    public Selector {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(field, "field");
    }
  }

  /**
   * {@code kubernetes_sd_configs}: the API server is reached from inside the cluster (the pod's
   * service account) unless {@code api_server} or {@code kubeconfig_file} says otherwise.
   *
   * @param namespaces the namespaces to watch; empty means all ({@code own_namespace} resolved at
   *     start)
   */
  public record KubernetesSd(
      Role role,
      Optional<String> apiServer,
      Optional<Path> kubeconfigFile,
      boolean ownNamespace,
      List<String> namespaces,
      List<Selector> selectors,
      HttpClient http) {
    public KubernetesSd {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(apiServer, "apiServer");
      Objects.requireNonNull(kubeconfigFile, "kubeconfigFile");
      namespaces = List.copyOf(namespaces);
      selectors = List.copyOf(selectors);
      Objects.requireNonNull(http, "http");
    }
  }

  /**
   * How targets (or the Kubernetes API server) are reached: Prometheus's HTTP client settings. A
   * credential is given inline or as a file read at each request, never both.
   */
  public record HttpClient(
      Optional<BasicAuth> basicAuth,
      Optional<Authorization> authorization,
      Optional<Tls> tls,
      boolean followRedirects) {
    public HttpClient {
      Objects.requireNonNull(basicAuth, "basicAuth");
      Objects.requireNonNull(authorization, "authorization");
      Objects.requireNonNull(tls, "tls");
    }

    public static HttpClient defaults() {
      return new HttpClient(Optional.empty(), Optional.empty(), Optional.empty(), true);
    }
  }

  /** {@code basic_auth}. */
  public record BasicAuth(String username, Optional<Path> usernameFile, String password, Optional<Path> passwordFile) {
    public BasicAuth {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(usernameFile, "usernameFile");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(passwordFile, "passwordFile");
    }

    @Override
    public String toString() {
      return "BasicAuth[username=" + username + ", password=<hidden>]";
    }
  }

  /** {@code authorization}: {@code Authorization: <type> <credentials>}. */
  public record Authorization(String type, String credentials, Optional<Path> credentialsFile) {
    public Authorization {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(credentialsFile, "credentialsFile");
    }

    @Override
    public String toString() {
      return "Authorization[type=" + type + ", credentials=<hidden>]";
    }
  }

  /** {@code tls_config}. */
  public record Tls(
      Optional<Path> caFile,
      Optional<Path> certFile,
      Optional<Path> keyFile,
      Optional<String> serverName,
      boolean insecureSkipVerify) {
    public Tls {
      Objects.requireNonNull(caFile, "caFile");
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(serverName, "serverName");
    }
  }

  /**
   * One entry of a Jolokia bulk read: an ObjectName (a pattern with {@code *} reads every match),
   * optionally restricted to some attributes and a path inside them.
   */
  public record JolokiaRead(String mbean, List<String> attributes, Optional<String> path) {
    public JolokiaRead {
      Objects.requireNonNull(mbean, "mbean");
      attributes = List.copyOf(attributes);
      Objects.requireNonNull(path, "path");
    }

    public static JolokiaRead of(String mbean) {
      return new JolokiaRead(mbean, List.of(), Optional.empty());
    }
  }
}
