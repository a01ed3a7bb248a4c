package dev.rosetta.receiver.config;

import dev.rosetta.receiver.scrape.ScrapeProtocol;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelConfigs;
import dev.rosetta.relabel.RelabelError;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the pull receivers under {@code receivers}: {@code prometheus} and {@code jolokia} (and
 * {@code type/name} variants), each with Prometheus {@code scrape_configs} under {@code config}.
 * Keys follow Prometheus's configuration file; keys Prometheus has and Rosetta does not read are
 * refused with the reason rather than ignored. Relative paths (file_sd files, credential and TLS
 * files) are resolved against the configuration file's directory, as Prometheus resolves them.
 */
final class ScrapeConfigBinder {
  static final List<String> TYPES = List.of("prometheus", "jolokia");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([KMGTPE]i?B|B)?", Pattern.CASE_INSENSITIVE);

  private final FileCheck fileCheck;
  private final Path base;
  private final String source;

  ScrapeConfigBinder(FileCheck fileCheck, Path base, String source) {
    this.fileCheck = fileCheck;
    this.base = base;
    this.source = source;
  }

  /** Whether a {@code receivers} key names a pull receiver. */
  static boolean isScrapeReceiver(String key) {
    String type = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
    return TYPES.contains(type);
  }

  /** Every pull receiver of the {@code receivers} node, in file order. */
  List<ScrapeReceiverConfig> receivers(ConfigNode receivers) {
    List<ScrapeReceiverConfig> out = new ArrayList<>();
    for (String key : receivers.keys()) {
      if (!isScrapeReceiver(key)) {
        continue;
      }
      ComponentId id;
      try {
        id = ComponentId.parse(key);
      } catch (IllegalArgumentException e) {
        receivers.error(key, e.getMessage());
        receivers.optional(key, raw -> raw);
        continue;
      }
      ScrapeReceiverConfig.Kind kind = id.type().equals("jolokia")
          ? ScrapeReceiverConfig.Kind.JOLOKIA : ScrapeReceiverConfig.Kind.PROMETHEUS;
      out.add(receivers.section(key, n -> receiver(id, kind, n)));
    }
    return out;
  }

  private ScrapeReceiverConfig receiver(ComponentId id, ScrapeReceiverConfig.Kind kind, ConfigNode n) {
    List<ScrapeReceiverConfig.JolokiaRead> mbeans = List.of();
    if (kind == ScrapeReceiverConfig.Kind.JOLOKIA) {
      mbeans = n.hasValue("mbeans")
          ? n.list("mbeans", this::jolokiaRead)
          : ScrapeReceiverConfig.DEFAULT_MBEANS;
      n.optional("mbeans", raw -> raw); // known even when empty
    }
    if (!n.hasValue("config")) {
      n.error("config", "a " + kind.type + " receiver needs its Prometheus configuration under \"config\","
          + " e.g. config: {scrape_configs: [{job_name: app, static_configs: [{targets: [\"host:port\"]}]}]}");
    }
    List<ScrapeReceiverConfig.Job> jobs = n.section("config", c -> config(c, kind));
    return new ScrapeReceiverConfig(id, kind, jobs, mbeans);
  }

  /** What global settings a job inherits. */
  private record Global(Duration interval, Duration timeout, List<ScrapeProtocol> protocols, long bodySizeLimit,
      int sampleLimit, int labelLimit, int labelNameLengthLimit, int labelValueLengthLimit) {}

  private List<ScrapeReceiverConfig.Job> config(ConfigNode n, ScrapeReceiverConfig.Kind kind) {
    for (String unsupported : List.of("rule_files", "alerting", "remote_write", "remote_read", "storage",
        "tracing", "scrape_config_files", "otlp", "runtime")) {
      if (n.has(unsupported)) {
        n.optional(unsupported, raw -> raw);
        n.error(unsupported, "\"" + unsupported + "\" is a Prometheus server setting a scrape receiver does not"
            + " read; only \"global\" and \"scrape_configs\" belong here");
      }
    }
    Global global = n.section("global", this::global);
    Set<String> names = new HashSet<>();
    List<ScrapeReceiverConfig.Job> jobs = n.sectionList("scrape_configs", j -> job(j, global, kind));
    List<ScrapeReceiverConfig.Job> unique = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      ScrapeReceiverConfig.Job job = jobs.get(i);
      if (!job.jobName().isEmpty() && !names.add(job.jobName())) {
        n.error("scrape_configs", "[" + i + "].job_name", job.jobName(),
            "job_name \"" + job.jobName() + "\" is used twice; job names must be unique");
      } else {
        unique.add(job);
      }
    }
    if (jobs.isEmpty() && !n.has("scrape_configs")) {
      n.error("scrape_configs", "no scrape_configs: list the jobs to scrape");
    }
    return unique;
  }

  private Global global(ConfigNode n) {
    Duration interval = n.positiveDuration("scrape_interval", ScrapeReceiverConfig.DEFAULT_SCRAPE_INTERVAL);
    Duration timeout;
    if (n.hasValue("scrape_timeout")) {
      timeout = n.positiveDuration("scrape_timeout", ScrapeReceiverConfig.DEFAULT_SCRAPE_TIMEOUT);
      if (timeout.compareTo(interval) > 0) {
        n.error("scrape_timeout", "the global scrape_timeout (" + ValueParsers.formatDuration(timeout)
            + ") is longer than scrape_interval (" + ValueParsers.formatDuration(interval) + ")");
        timeout = interval;
      }
    } else {
      n.optional("scrape_timeout", raw -> raw);
      timeout = ScrapeReceiverConfig.DEFAULT_SCRAPE_TIMEOUT.compareTo(interval) > 0
          ? interval : ScrapeReceiverConfig.DEFAULT_SCRAPE_TIMEOUT;
    }
    n.optional("evaluation_interval", ValueParsers.duration()); // rules are not evaluated here
    if (n.has("external_labels")) {
      n.optional("external_labels", raw -> raw);
      n.error("external_labels", "external_labels are not supported by a scrape receiver; add labels with"
          + " static_configs labels or relabel_configs");
    }
    return new Global(interval, timeout,
        protocols(n, "scrape_protocols", ScrapeProtocol.DEFAULTS),
        n.get("body_size_limit", 0L, SIZE_PARSER),
        n.integer("sample_limit", 0, 0, Integer.MAX_VALUE),
        n.integer("label_limit", 0, 0, Integer.MAX_VALUE),
        n.integer("label_name_length_limit", 0, 0, Integer.MAX_VALUE),
        n.integer("label_value_length_limit", 0, 0, Integer.MAX_VALUE));
  }

  private static List<ScrapeProtocol> protocols(ConfigNode n, String key, List<ScrapeProtocol> dflt) {
    if (!n.hasValue(key)) {
      n.optional(key, raw -> raw);
      return dflt;
    }
    List<ScrapeProtocol> list = n.list(key, PROTOCOL);
    if (list.isEmpty()) {
      n.error(key, "scrape_protocols cannot be empty");
      return dflt;
    }
    if (new HashSet<>(list).size() != list.size()) {
      n.error(key, "a protocol is listed twice");
      return dflt;
    }
    return list;
  }

  private static final ValueParser<ScrapeProtocol> PROTOCOL = raw -> {
    String name = ValueParsers.nonEmptyString().parse(raw);
    return ScrapeProtocol.fromConfigName(name).orElseThrow(() -> InvalidValueException.of(
        "unknown scrape protocol " + Values.quote(raw) + "; expected one of "
            + String.join(", ", java.util.Arrays.stream(ScrapeProtocol.values()).map(p -> p.configName).toList())));
  };

  private static final List<String> REFUSED_JOB_KEYS = List.of("bearer_token", "bearer_token_file", "oauth2",
      "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "http_headers",
      "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "scrape_classic_histograms",
      "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "track_timestamps_staleness",
      "target_limit", "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme");

  private ScrapeReceiverConfig.Job job(ConfigNode n, Global g, ScrapeReceiverConfig.Kind kind) {
    for (String key : n.keys()) {
      if (REFUSED_JOB_KEYS.contains(key)) {
        n.optional(key, raw -> raw);
        n.error(key, "\"" + key + "\" is not supported by Rosetta's scrape receivers"
            + (key.startsWith("bearer_token") ? "; use authorization: {credentials: ...} or credentials_file" : ""));
      } else if (key.endsWith("_sd_configs") && !key.equals("file_sd_configs") && !key.equals("kubernetes_sd_configs")) {
        n.optional(key, raw -> raw);
        n.error(key, "\"" + key + "\" is not supported: Rosetta discovers targets with static_configs,"
            + " file_sd_configs and kubernetes_sd_configs");
      }
    }
    String name = n.required("job_name", ValueParsers.nonEmptyString(), "every scrape config needs a job_name")
        .orElse("");
    Duration interval = n.positiveDuration("scrape_interval", g.interval());
    Duration timeout;
    if (n.hasValue("scrape_timeout")) {
      timeout = n.positiveDuration("scrape_timeout", g.timeout());
      if (timeout.compareTo(interval) > 0) {
        n.error("scrape_timeout", "scrape_timeout (" + ValueParsers.formatDuration(timeout)
            + ") is longer than scrape_interval (" + ValueParsers.formatDuration(interval) + ")");
        timeout = interval;
      }
    } else {
      n.optional("scrape_timeout", raw -> raw);
      timeout = g.timeout().compareTo(interval) > 0 ? interval : g.timeout();
    }
    String defaultPath = kind == ScrapeReceiverConfig.Kind.JOLOKIA
        ? ScrapeReceiverConfig.DEFAULT_JOLOKIA_PATH : ScrapeReceiverConfig.DEFAULT_METRICS_PATH;
    String path = n.get("metrics_path", defaultPath, ValueParsers.nonEmptyString());
    String scheme = n.get("scheme", "http", raw -> {
      String s = ValueParsers.nonEmptyString().parse(raw).toLowerCase(Locale.ROOT);
      if (!s.equals("http") && !s.equals("https")) {
        throw InvalidValueException.of("invalid scheme " + Values.quote(raw) + ": expected http or https");
      }
      return s;
    });
    Map<String, List<String>> params = n.map("params", raw -> {
      if (raw instanceof List<?> l) {
        List<String> values = new ArrayList<>();
        for (Object o : l) {
          values.add(ValueParsers.string().parse(o));
        }
        return List.copyOf(values);
      }
      throw Values.wrongType("a list of values, e.g. [\"json\"]", raw);
    });
    boolean honorLabels = n.bool("honor_labels", false);
    boolean honorTimestamps = n.bool("honor_timestamps", true);
    List<ScrapeProtocol> protocols = protocols(n, "scrape_protocols", g.protocols());
    Optional<ScrapeProtocol> fallback = n.optional("scrape_fallback_protocol", PROTOCOL);
    boolean compression = n.bool("enable_compression", true);
    int sampleLimit = n.integer("sample_limit", g.sampleLimit(), 0, Integer.MAX_VALUE);
    long bodySizeLimit = n.get("body_size_limit", g.bodySizeLimit(), SIZE_PARSER);
    int labelLimit = n.integer("label_limit", g.labelLimit(), 0, Integer.MAX_VALUE);
    int nameLimit = n.integer("label_name_length_limit", g.labelNameLengthLimit(), 0, Integer.MAX_VALUE);
    int valueLimit = n.integer("label_value_length_limit", g.labelValueLengthLimit(), 0, Integer.MAX_VALUE);
    ScrapeReceiverConfig.HttpClient http = httpClient(n);
    List<ScrapeReceiverConfig.StaticTargets> statics = n.sectionList("static_configs", this::staticTargets);
    List<ScrapeReceiverConfig.FileSd> files = n.sectionList("file_sd_configs", this::fileSd);
    List<ScrapeReceiverConfig.KubernetesSd> kube = n.sectionList("kubernetes_sd_configs", this::kubernetes);
    List<RelabelConfig> relabel = relabel(n, "relabel_configs");
    List<RelabelConfig> metricRelabel = relabel(n, "metric_relabel_configs");
    if (kind == ScrapeReceiverConfig.Kind.JOLOKIA && (n.hasValue("scrape_protocols") || fallback.isPresent())) {
      n.error(n.hasValue("scrape_protocols") ? "scrape_protocols" : "scrape_fallback_protocol",
          "a jolokia receiver reads Jolokia JSON; exposition protocols do not apply");
    }
    return new ScrapeReceiverConfig.Job(name, interval, timeout, path, scheme, params, honorLabels, honorTimestamps,
        protocols, fallback, compression, sampleLimit, bodySizeLimit, labelLimit, nameLimit, valueLimit, http,
        statics, files, kube, relabel, metricRelabel);
  }

  // ---- HTTP client settings ----------------------------------------------------------------

  private ScrapeReceiverConfig.HttpClient httpClient(ConfigNode n) {
    Optional<ScrapeReceiverConfig.BasicAuth> basic = n.optionalSection("basic_auth", this::basicAuth);
    Optional<ScrapeReceiverConfig.Authorization> authz = n.optionalSection("authorization", this::authorization);
    if (basic.isPresent() && authz.isPresent()) {
      n.error("authorization", "basic_auth and authorization are mutually exclusive");
    }
    Optional<ScrapeReceiverConfig.Tls> tls = n.optionalSection("tls_config", this::tls);
    boolean follow = n.bool("follow_redirects", true);
    n.bool("enable_http2", true); // targets are read over HTTP/1.1
    return new ScrapeReceiverConfig.HttpClient(basic, authz, tls, follow);
  }

  private ScrapeReceiverConfig.BasicAuth basicAuth(ConfigNode n) {
    String user = n.get("username", "", SECRET_TEXT);
    Optional<Path> userFile = n.optional("username_file", file());
    String password = n.get("password", "", SECRET_TEXT);
    Optional<Path> passwordFile = n.optional("password_file", file());
    if (!user.isEmpty() && userFile.isPresent()) {
      n.error("username_file", "at most one of username and username_file may be set");
    }
    if (!password.isEmpty() && passwordFile.isPresent()) {
      n.error("password_file", "at most one of password and password_file may be set");
    }
    if (user.isEmpty() && userFile.isEmpty()) {
      n.error("basic_auth needs a username (or username_file)");
    }
    return new ScrapeReceiverConfig.BasicAuth(user, userFile, password, passwordFile);
  }

  private ScrapeReceiverConfig.Authorization authorization(ConfigNode n) {
    String type = n.get("type", "Bearer", ValueParsers.nonEmptyString());
    if (type.equalsIgnoreCase("basic")) {
      n.error("type", "authorization type Basic is not allowed; use basic_auth");
    }
    String credentials = n.get("credentials", "", SECRET_TEXT);
    Optional<Path> file = n.optional("credentials_file", file());
    if (!credentials.isEmpty() && file.isPresent()) {
      n.error("credentials_file", "at most one of credentials and credentials_file may be set");
    }
    return new ScrapeReceiverConfig.Authorization(type, credentials, file);
  }

  private ScrapeReceiverConfig.Tls tls(ConfigNode n) {
    Optional<Path> ca = n.optional("ca_file", file());
    Optional<Path> cert = n.optional("cert_file", file());
    Optional<Path> key = n.optional("key_file", file());
    if (cert.isPresent() != key.isPresent()) {
      n.error(cert.isPresent() ? "key_file" : "cert_file",
          "cert_file and key_file go together: a client certificate needs its private key");
      cert = Optional.empty();
      key = Optional.empty();
    }
    Optional<String> serverName = n.optional("server_name", ValueParsers.nonEmptyString());
    boolean skip = n.bool("insecure_skip_verify", false);
    n.optional("min_version", ValueParsers.nonEmptyString()); // the JDK negotiates TLS 1.2 or newer
    return new ScrapeReceiverConfig.Tls(ca, cert, key, serverName, skip);
  }

  /** A file setting resolved against the configuration's directory, checked to be readable. */
  private ValueParser<Path> file() {
    return raw -> {
      String text = ValueParsers.nonEmptyString().parse(raw);
      Path p;
      try {
        p = base.resolve(text);
      } catch (InvalidPathException e) {
        throw InvalidValueException.of("invalid path " + Values.quote(raw) + ": " + e.getMessage());
      }
      Optional<String> problem = fileCheck.problem(p);
      if (problem.isPresent()) {
        throw InvalidValueException.of(p + ": " + problem.get());
      }
      return p;
    };
  }

  /** A credential: its value is never shown in errors. */
  private static final ValueParser<String> SECRET_TEXT = raw -> {
    if (!(raw instanceof String || raw instanceof Number)) {
      throw InvalidValueException.secret("expected a string, found " + Values.kind(raw) + " (the value is not shown)");
    }
    return raw.toString();
  };

  // ---- discovery ---------------------------------------------------------------------------

  private ScrapeReceiverConfig.StaticTargets staticTargets(ConfigNode n) {
    List<String> targets = n.list("targets", raw -> {
      String t = ValueParsers.nonEmptyString().parse(raw);
      if (t.contains("/")) {
        throw InvalidValueException.of("invalid target " + Values.quote(raw) + ": a target is host:port; the"
            + " scheme goes in \"scheme\" and the path in \"metrics_path\"");
      }
      return t;
    });
    Map<String, String> labels = n.map("labels", ValueParsers.string());
    return new ScrapeReceiverConfig.StaticTargets(targets, labels);
  }

  private ScrapeReceiverConfig.FileSd fileSd(ConfigNode n) {
    List<Path> files = n.list("files", raw -> {
      String text = ValueParsers.nonEmptyString().parse(raw);
      String last = text.substring(text.lastIndexOf('/') + 1);
      if (!(last.endsWith(".json") || last.endsWith(".yml") || last.endsWith(".yaml"))) {
        throw InvalidValueException.of("invalid file " + Values.quote(raw) + ": file_sd files end in .json, .yml or"
            + " .yaml (a * pattern is allowed in the last path element)");
      }
      if (text.substring(0, text.lastIndexOf('/') + 1).contains("*")) {
        throw InvalidValueException.of("invalid file " + Values.quote(raw) + ": a pattern is allowed only in the last"
            + " path element");
      }
      try {
        return base.resolve(text);
      } catch (InvalidPathException e) {
        throw InvalidValueException.of("invalid path " + Values.quote(raw) + ": " + e.getMessage());
      }
    });
    if (files.isEmpty()) {
      n.error("files", "file_sd_configs needs at least one file");
    }
    Duration refresh = n.positiveDuration("refresh_interval", ScrapeReceiverConfig.DEFAULT_FILE_SD_REFRESH);
    return new ScrapeReceiverConfig.FileSd(files, refresh);
  }

  private ScrapeReceiverConfig.KubernetesSd kubernetes(ConfigNode n) {
    ScrapeReceiverConfig.Role role = n.required("role", ROLE, "kubernetes_sd_configs needs a role: pod")
        .orElse(ScrapeReceiverConfig.Role.POD);
    Optional<String> apiServer = n.optional("api_server", raw -> {
      String url = ValueParsers.nonEmptyString().parse(raw);
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw InvalidValueException.of("invalid api_server " + Values.quote(raw) + ": expected an http(s):// URL");
      }
      return url;
    });
    Optional<Path> kubeconfig = n.optional("kubeconfig_file", file());
    boolean[] own = {false};
    List<String> names = n.section("namespaces", ns -> {
      own[0] = ns.bool("own_namespace", false);
      return ns.list("names", ValueParsers.nonEmptyString());
    });
    List<ScrapeReceiverConfig.Selector> selectors = n.sectionList("selectors", s -> selector(s, role));
    Set<ScrapeReceiverConfig.Role> seen = new HashSet<>();
    for (ScrapeReceiverConfig.Selector s : selectors) {
      if (!seen.add(s.role())) {
        n.error("selectors", "duplicated selector role: " + s.role().word);
      }
    }
    n.section("attach_metadata", a -> {
      if (a.bool("node", false)) {
        a.error("node", "attach_metadata.node is not supported");
      }
      if (a.bool("namespace", false)) {
        a.error("namespace", "attach_metadata.namespace is not supported");
      }
      return Boolean.TRUE;
    });
    ScrapeReceiverConfig.HttpClient http = httpClient(n);
    if (apiServer.isPresent() && kubeconfig.isPresent()) {
      n.error("kubeconfig_file", "cannot use kubeconfig_file and api_server together");
    }
    boolean customHttp = !http.equals(ScrapeReceiverConfig.HttpClient.defaults());
    if (customHttp && apiServer.isEmpty()) {
      n.error("api_server", "HTTP client settings (basic_auth, authorization, tls_config) need api_server");
    }
    if (own[0] && (apiServer.isPresent() || kubeconfig.isPresent())) {
      n.error("namespaces", "namespaces.own_namespace works only inside the cluster, not with api_server or"
          + " kubeconfig_file");
    }
    return new ScrapeReceiverConfig.KubernetesSd(role, apiServer, kubeconfig, own[0], names, selectors, http);
  }

  private ScrapeReceiverConfig.Selector selector(ConfigNode n, ScrapeReceiverConfig.Role sdRole) {
    ScrapeReceiverConfig.Role role = n.required("role", ROLE, "a selector needs the role it filters")
        .orElse(sdRole);
    String label = n.get("label", "", ValueParsers.string());
    String field = n.get("field", "", ValueParsers.string());
    return new ScrapeReceiverConfig.Selector(role, label, field);
  }

  private static final ValueParser<ScrapeReceiverConfig.Role> ROLE = raw -> {
    String r = ValueParsers.nonEmptyString().parse(raw);
    for (ScrapeReceiverConfig.Role role : ScrapeReceiverConfig.Role.values()) {
      if (role.word.equals(r)) {
        return role;
      }
    }
    throw InvalidValueException.of("unsupported Kubernetes SD role " + Values.quote(raw)
        + "; Rosetta discovers the role pod (one target per container port)");
  };

  // ---- relabel rules -----------------------------------------------------------------------

  private List<RelabelConfig> relabel(ConfigNode n, String key) {
    Optional<Object> tree = n.optional(key, raw -> raw);
    if (tree.isEmpty()) {
      return List.of();
    }
    try {
      List<RelabelConfig> configs = RelabelConfigs.fromYamlTree(tree.get(), source);
      RelabelRules.compile(configs, NameValidation.UTF8);
      return configs;
    } catch (RelabelException e) {
      for (RelabelError er : e.errors()) {
        String sub = er.ruleIndex() < 0 ? ""
            : "[" + er.ruleIndex() + "]" + (er.field().isEmpty() ? "" : "." + er.field());
        n.error(key, sub, er.value(), er.message());
      }
      return List.of();
    }
  }

  // ---- sizes -------------------------------------------------------------------------------

  /** Bytes as Prometheus writes them: 1024, 512KB, 10MB, 1GiB (all base 2); 0 = no limit. */
  static final ValueParser<Long> SIZE_PARSER = raw -> {
    if (raw instanceof Integer || raw instanceof Long) {
      long v = ((Number) raw).longValue();
      if (v < 0) {
        throw InvalidValueException.of("invalid size " + Values.quote(raw) + ": must not be negative");
      }
      return v;
    }
    if (!(raw instanceof String text)) {
      throw Values.wrongType("a size such as 10MB", raw);
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw InvalidValueException.of("invalid size " + Values.quote(raw) + ": expected a number of bytes with"
          + " an optional unit B, KB, MB, GB, TB (or KiB, MiB, ...)");
    }
    long value;
    try {
      value = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw InvalidValueException.of("invalid size " + Values.quote(raw) + ": too large");
    }
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT).replace("I", "");
    int shift = switch (unit) {
      case "KB" -> 10;
      case "MB" -> 20;
      case "GB" -> 30;
      case "TB" -> 40;
      case "PB" -> 50;
      case "EB" -> 60;
      default -> 0;
    };
    if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
      throw InvalidValueException.of("invalid size " + Values.quote(raw) + ": too large");
    }
    return value << shift;
  };

  private ScrapeReceiverConfig.JolokiaRead jolokiaRead(Object raw) {
    if (raw instanceof String s) {
      if (s.isBlank()) {
        throw InvalidValueException.of("an empty ObjectName");
      }
      return ScrapeReceiverConfig.JolokiaRead.of(s);
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw Values.wrongType("an ObjectName, or {mbean: ..., attribute: ..., path: ...}", raw);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    m.forEach((k, v) -> map.put(String.valueOf(k), v));
    for (String k : map.keySet()) {
      if (!List.of("mbean", "attribute", "path").contains(k)) {
        throw InvalidValueException.of("unknown key \"" + k + "\" in an MBean read; valid keys: mbean, attribute, path");
      }
    }
    Object mbean = map.get("mbean");
    if (!(mbean instanceof String mb) || mb.isBlank()) {
      throw InvalidValueException.of("an MBean read needs \"mbean\": an ObjectName");
    }
    List<String> attributes = new ArrayList<>();
    Object attr = map.get("attribute");
    if (attr instanceof String a) {
      attributes.add(a);
    } else if (attr instanceof List<?> l) {
      for (Object o : l) {
        attributes.add(ValueParsers.nonEmptyString().parse(o));
      }
    } else if (attr != null) {
      throw InvalidValueException.of("\"attribute\" is an attribute name or a list of them");
    }
    Object path = map.get("path");
    if (path != null && !(path instanceof String)) {
      throw InvalidValueException.of("\"path\" is a Jolokia path such as used");
    }
    return new ScrapeReceiverConfig.JolokiaRead(mb, attributes, Optional.ofNullable((String) path));
  }
}
