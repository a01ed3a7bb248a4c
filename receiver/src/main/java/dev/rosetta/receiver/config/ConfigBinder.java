package dev.rosetta.receiver.config;

import dev.rosetta.model.view.BuiltinViews;
import dev.rosetta.receiver.aggregate.AggregateOp;
import dev.rosetta.receiver.aggregate.AggregateRule;
import dev.rosetta.receiver.auth.Htpasswd;
import java.net.URI;
import java.nio.file.InvalidPathException;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelConfigs;
import dev.rosetta.relabel.RelabelError;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds the sections of a Rosetta configuration to records, one small method per section. To add a
 * section, write a method {@code Foo foo(ConfigNode n)} that reads each key once and call it from
 * its parent with {@link ConfigNode#section}, {@link ConfigNode#optionalSection} or {@link
 * ConfigNode#sectionList}; unknown keys, wrong types and bad values are reported by the node.
 *
 * <p>When a value is bad the node reports it and hands back the default, so a binder always builds
 * a record and binding goes on to find the next problem; the loader discards the result when any
 * problem was reported. Cross-field checks use {@link ConfigNode#error(String, String)} and then
 * fall back to a value the record accepts.
 */
final class ConfigBinder {
  private static final Path NO_FILE = Path.of("");
  /** An HTTP header name as authenticators and headers settings accept it. */
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private final FileCheck fileCheck;

  ConfigBinder(FileCheck fileCheck) {
    this.fileCheck = Objects.requireNonNull(fileCheck, "fileCheck");
  }

  /** The whole document; finishes {@code root}. */
  RosettaConfig bind(ConfigNode root, String source) {
    base = baseDirectory(source);
    this.source = source;
    // Extensions first: components refer to them by id (auth, storage).
    Map<ComponentId, ExtensionConfig> declared = extensionsSection(root);
    ServiceConfig service = root.section("service", n -> service(n, declared));
    Path base = baseDirectory(source);
    ReceiversConfig receivers = root.section("receivers", n -> receivers(n, base, source));
    // The top-level stage sections before the processors: they give the stage processors' defaults.
    relabelSettings = root.section("relabel", n -> relabel(n, source));
    LimitsConfig limits = root.section("limits", this::limits);
    topViews = root.section("views", n -> views(n, base, ViewsConfig.defaults()));
    List<AggregateRule> aggregate = aggregate(root);
    Map<ComponentId, ProcessorConfig> processors = processorsSection(root);
    ExportersConfig exporters = root.section("exporters", this::exporters);
    if (root.has("connectors")) {
      root.optional("connectors", raw -> raw); // known, so not also reported as unknown
      root.error("connectors", "Rosetta has no connectors: it runs one metrics pipeline; remove \"connectors\"");
    }
    Pipelines p = new Pipelines(root, receivers, processors, exporters, aggregate);
    RosettaConfig config = pipelinesNode.isPresent()
        ? p.bind(pipelinesNode.get(), service, limits)
        : p.withoutPipelines(service, limits);
    root.finish();
    return config;
  }

  /** The document's name, for relabel rule errors. */
  private String source = "";
  /** The top-level sections the stage processors default to. */
  private RelabelSettings relabelSettings = RelabelSettings.none();
  private ViewsConfig topViews = ViewsConfig.defaults();
  /** {@code service.pipelines}, bound once every component is known. */
  private Optional<ConfigNode> pipelinesNode = Optional.empty();
  /** OTLP exporters whose own {@code batch:} key is set. */
  private final Set<ComponentId> exporterBatchGiven = new HashSet<>();

  // ---- extensions and processors -----------------------------------------------------------

  /** Where relative paths of this document resolve: the configuration file's directory. */
  private Path base = Path.of("");

  /** The extensions in force once {@code service} is bound; references are checked against it. */
  private ExtensionsConfig extensions = ExtensionsConfig.none();

  /** The extension types Rosetta knows, for the "unknown type" message. */
  static final List<String> EXTENSION_TYPES =
      List.of("basicauth", "bearertokenauth", FileStorageConfig.TYPE, HealthCheckConfig.TYPE);

  /**
   * Extensions that are declared but whose settings were reported as wrong: references to them
   * are not reported again as references to an undeclared extension.
   */
  private final Set<ComponentId> broken = new HashSet<>();

  private Map<ComponentId, ExtensionConfig> extensionsSection(ConfigNode root) {
    Map<ComponentId, ExtensionConfig> declared = new java.util.LinkedHashMap<>();
    root.section("extensions", n -> n.eachSection((key, node) -> {
      ComponentId id = componentId(n, key);
      if (id == null) {
        return null;
      }
      ExtensionConfig c = extension(id, node);
      if (c != null) {
        declared.put(id, c);
      } else {
        broken.add(id);
      }
      return c;
    }));
    return declared;
  }

  /** One extension by its type; null (after reporting) for an unknown type. */
  private ExtensionConfig extension(ComponentId id, ConfigNode n) {
    switch (id.type()) {
      case FileStorageConfig.TYPE -> {
        return fileStorage(id, n);
      }
      case "bearertokenauth" -> {
        return bearerTokenAuth(id, n);
      }
      case "basicauth" -> {
        return basicAuth(id, n);
      }
      case HealthCheckConfig.TYPE -> {
        return healthCheck(id, n);
      }
      default -> {
        n.error(unknownType("extension", id, EXTENSION_TYPES));
        return null;
      }
    }
  }

  // ---- authenticators ----------------------------------------------------------------------

  /** {@code bearertokenauth}: token, tokens or filename; scheme; header. Null after reporting. */
  private BearerTokenAuthConfig bearerTokenAuth(ComponentId id, ConfigNode n) {
    String header = n.get("header", BearerTokenAuthConfig.DEFAULT_HEADER, AUTH_HEADER);
    String scheme = n.get("scheme", BearerTokenAuthConfig.DEFAULT_SCHEME, AUTH_SCHEME);
    Optional<Secret> token = n.optional("token", TOKEN);
    List<Secret> tokens = n.list("tokens", TOKEN);
    boolean fileGiven = n.hasValue("filename");
    Optional<Path> file = n.optional("filename", ValueParsers.file(fileCheck));
    boolean tokenGiven = n.hasValue("token");
    boolean tokensGiven = n.hasValue("tokens");
    if (tokenGiven && tokensGiven) {
      n.error("tokens", "", "", "token and tokens are both set: give one of them");
      return null;
    }
    if (fileGiven && (tokenGiven || tokensGiven)) {
      n.error("filename", "", "", "filename and " + (tokenGiven ? "token" : "tokens") + " are both set: give one of"
          + " them (the Collector would ignore " + (tokenGiven ? "token" : "tokens") + ")");
      return null;
    }
    if (!fileGiven && !tokenGiven && !tokensGiven) {
      n.error("token", "", "", "no bearer token: set token, tokens or filename");
      return null;
    }
    List<Secret> all = token.map(List::of).orElse(tokens);
    if (all.isEmpty() && file.isEmpty()) {
      return null; // the bad values were reported
    }
    return new BearerTokenAuthConfig(id, header, scheme, all, file);
  }

  /** {@code basicauth}: {@code htpasswd: {file, inline}}. Null after reporting. */
  private BasicAuthConfig basicAuth(ComponentId id, ConfigNode n) {
    if (n.has("client_auth")) {
      n.optional("client_auth", raw -> raw); // known, so not also reported as unknown
      n.error("client_auth", "", "", "client_auth (credentials to send) is not supported: Rosetta authenticates"
          + " the requests it receives with htpasswd; its OTLP exporter sends credentials with exporters.otlp.headers");
    }
    if (!n.has("htpasswd")) {
      n.error("htpasswd", "", "", "required key \"htpasswd\" is missing: give htpasswd: {file: ...} and/or"
          + " htpasswd: {inline: ...}");
      return null;
    }
    HtpasswdSources sources = n.section("htpasswd", this::htpasswd);
    if (sources.file().isEmpty() && sources.inline().isEmpty()) {
      return null; // reported
    }
    return new BasicAuthConfig(id, sources.file(), sources.inline());
  }

  private record HtpasswdSources(Optional<Path> file, Optional<Secret> inline) {}

  private HtpasswdSources htpasswd(ConfigNode h) {
    Optional<Path> file = h.optional("file", ValueParsers.file(fileCheck));
    Optional<Secret> inline = h.optional("inline", HTPASSWD_TEXT);
    if (!h.hasValue("file") && !h.hasValue("inline")) {
      h.error("file", "", "", "htpasswd needs file (an htpasswd file) and/or inline (htpasswd lines)");
      return new HtpasswdSources(Optional.empty(), Optional.empty());
    }
    if (inline.isPresent()) {
      try {
        Htpasswd.parse(inline.get().reveal(), h.hasValue("file"));
      } catch (Htpasswd.InvalidException e) {
        for (String problem : e.problems()) {
          h.error("inline", "", "", "htpasswd content: " + problem);
        }
        return new HtpasswdSources(Optional.empty(), Optional.empty());
      }
    }
    return new HtpasswdSources(file, inline);
  }

  /**
   * {@code auth: {authenticator: <id>}} under a server ({@code receivers.otlp.protocols.grpc},
   * {@code .http}, {@code exporters.prometheus}), as the Collector writes it.
   */
  private Optional<AuthenticatorConfig> auth(ConfigNode n) {
    return n.optionalSection("auth", a -> {
      if (!a.hasValue("authenticator")) {
        a.error("authenticator", "", "", "required key \"authenticator\" is missing: the id of a bearertokenauth or"
            + " basicauth extension, e.g. authenticator: bearertokenauth");
        a.optional("authenticator", raw -> raw);
        return Optional.<AuthenticatorConfig>empty();
      }
      return extensionRef(a, "authenticator", AuthenticatorConfig.class,
          "an authenticator (bearertokenauth or basicauth)");
    }).flatMap(x -> x);
  }

  /** The header carrying a token: an HTTP token, not a binary gRPC key ({@code -bin}). */
  private static final ValueParser<String> AUTH_HEADER = raw -> {
    String name = ValueParsers.nonEmptyString().parse(raw);
    if (!HEADER_NAME.matcher(name).matches()) {
      throw InvalidValueException.of("invalid header name " + Values.quote(name)
          + ": expected letters, digits, '-', '_' or '.'");
    }
    if (name.toLowerCase(Locale.ROOT).endsWith("-bin")) {
      throw InvalidValueException.of("invalid header name " + Values.quote(name)
          + ": names ending in -bin carry binary gRPC metadata, not a token");
    }
    return name;
  };

  /** An authentication scheme ({@code Bearer}), or empty. */
  private static final ValueParser<String> AUTH_SCHEME = raw -> {
    if (!(raw instanceof String s)) {
      throw Values.wrongType("a string (an authentication scheme such as Bearer, or \"\")", raw);
    }
    if (!s.isEmpty() && !HEADER_NAME.matcher(s).matches()) {
      throw InvalidValueException.of("invalid scheme " + Values.quote(s)
          + ": expected one word of letters, digits, '-', '_' or '.' (such as Bearer), or \"\" for none");
    }
    return s;
  };

  /** A bearer token: a non-empty string of printable characters. Never shown in a message. */
  private static final ValueParser<Secret> TOKEN = raw -> {
    if (!(raw instanceof String s)) {
      throw InvalidValueException.secret("expected a string, found " + Values.kind(raw)
          + " (quote the token; the value is not shown)");
    }
    if (s.isEmpty()) {
      throw InvalidValueException.secret("the token is empty (is the environment variable it comes from set?)");
    }
    if (!s.equals(s.strip())) {
      throw InvalidValueException.secret("the token starts or ends with blanks (the value is not shown)");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw InvalidValueException.secret("the token holds a control character (the value is not shown)");
      }
    }
    return Secret.of(s);
  };

  /** Inline htpasswd lines. Never shown in a message. */
  private static final ValueParser<Secret> HTPASSWD_TEXT = raw -> {
    if (!(raw instanceof String s)) {
      throw InvalidValueException.secret("expected htpasswd lines as a string, found " + Values.kind(raw)
          + " (the value is not shown)");
    }
    return Secret.of(s);
  };

  /** The processor types Rosetta knows, for the "unknown type" message. */
  static final List<String> PROCESSOR_TYPES = List.of(MemoryLimiterConfig.TYPE, BatchProcessorConfig.TYPE,
      RelabelProcessorConfig.TYPE, SemanticViewsProcessorConfig.TYPE, AggregateProcessorConfig.TYPE);

  private Map<ComponentId, ProcessorConfig> processorsSection(ConfigNode root) {
    Map<ComponentId, ProcessorConfig> declared = new java.util.LinkedHashMap<>();
    root.section("processors", n -> n.eachSection((key, node) -> {
      ComponentId id = componentId(n, key);
      if (id == null) {
        return null;
      }
      ProcessorConfig c = processor(id, node);
      if (c != null) {
        declared.put(id, c);
      }
      return c;
    }));
    return declared;
  }

  /** One processor by its type; null (after reporting) for an unknown type. */
  private ProcessorConfig processor(ComponentId id, ConfigNode n) {
    switch (id.type()) {
      case MemoryLimiterConfig.TYPE -> {
        return memoryLimiter(id, n);
      }
      case BatchProcessorConfig.TYPE -> {
        return batchProcessor(id, n);
      }
      case RelabelProcessorConfig.TYPE -> {
        if (!n.hasValue("metric_relabel_configs")) {
          n.error("metric_relabel_configs", "", "", "required key \"metric_relabel_configs\" is missing: the"
              + " Prometheus relabel rules this processor runs, e.g. metric_relabel_configs: [{action: labeldrop,"
              + " regex: tmp_.*}]");
        }
        return new RelabelProcessorConfig(id,
            rules(n, "metric_relabel_configs", source, relabelSettings.nameValidation()));
      }
      case SemanticViewsProcessorConfig.TYPE -> {
        return new SemanticViewsProcessorConfig(id, views(n, base, topViews));
      }
      case AggregateProcessorConfig.TYPE -> {
        int[] index = {0};
        return new AggregateProcessorConfig(id, n.sectionList("rules", r -> aggregateRule(r, index[0]++)).stream()
            .flatMap(Optional::stream).toList());
      }
      default -> {
        n.error(unknownType("processor", id, PROCESSOR_TYPES));
        return null;
      }
    }
  }

  private FileStorageConfig fileStorage(ComponentId id, ConfigNode n) {
    Optional<Path> dir = n.required("directory", DIRECTORY,
        "the directory where exporters keep their queues, e.g. /var/lib/rosetta");
    boolean fsync = n.bool("fsync", false);
    Duration timeout = n.positiveDuration("timeout", FileStorageConfig.DEFAULT_TIMEOUT);
    boolean create = n.bool("create_directory", false);
    int mode = n.get("directory_permissions", FileStorageConfig.DEFAULT_DIRECTORY_PERMISSIONS, FILE_MODE);
    for (String key : List.of("compaction", "recreate")) {
      if (n.has(key)) {
        n.optional(key, raw -> raw); // known, so not also reported as unknown
        n.error(key, "not used by Rosetta: its file queue is a segmented log that frees whole segments"
            + " as they are delivered and never needs compacting or recreating; remove \"" + key + "\"");
      }
    }
    Path directory = dir.map(base::resolve).orElse(Path.of("."));
    return new FileStorageConfig(id, directory, fsync, timeout, create, mode);
  }

  private static final ValueParser<Path> DIRECTORY = raw -> {
    String name = ValueParsers.nonEmptyString().parse(raw);
    try {
      return Path.of(name);
    } catch (InvalidPathException e) {
      throw InvalidValueException.of("invalid directory name " + Values.quote(raw) + ": " + e.getReason());
    }
  };

  /** A Unix mode written in octal, as the Collector does: "0750". */
  private static final ValueParser<Integer> FILE_MODE = raw -> {
    String text = raw instanceof Number num ? num.toString() : ValueParsers.nonEmptyString().parse(raw);
    if (!text.matches("0?[0-7]{3}")) {
      throw InvalidValueException.of("invalid permissions " + Values.quote(raw)
          + ": expected an octal mode such as \"0750\" (quote it, or YAML may read it as a number)");
    }
    return Integer.parseInt(text, 8);
  };

  /**
   * {@code memory_limiter}: the Collector's keys and checks (one of {@code limit_mib} / {@code
   * limit_percentage}; spike below limit; percentages up to 100); {@code check_interval} defaults to
   * 1 s.
   */
  private MemoryLimiterConfig memoryLimiter(ComponentId id, ConfigNode n) {
    Duration interval = n.positiveDuration("check_interval", MemoryLimiterConfig.DEFAULT_CHECK_INTERVAL);
    Optional<Long> limitMibValue = n.optional("limit_mib", ValueParsers.longInteger(0, Long.MAX_VALUE / (1024 * 1024)));
    Optional<Integer> limitPctValue = n.optional("limit_percentage", ValueParsers.integer(0, 100));
    long limitMib = limitMibValue.orElse(0L);
    int limitPct = limitPctValue.orElse(0);
    long spikeMib = n.longInteger("spike_limit_mib", 0, 0, Long.MAX_VALUE / (1024 * 1024));
    int spikePct = n.integer("spike_limit_percentage", 0, 0, 100);
    // a limit given but invalid was reported already
    boolean limitInvalid = (n.hasValue("limit_mib") && limitMibValue.isEmpty())
        || (n.hasValue("limit_percentage") && limitPctValue.isEmpty());
    boolean ok = !limitInvalid;
    if (!limitInvalid && limitMib == 0 && limitPct == 0) {
      n.error("limit_mib or limit_percentage must be greater than zero (e.g. limit_percentage: 80)");
      ok = false;
    }
    if (limitMib > 0 && spikeMib >= limitMib) {
      n.error("spike_limit_mib", "must be smaller than limit_mib (" + limitMib + ")");
      ok = false;
    }
    if (limitPct > 0 && spikePct >= limitPct) {
      n.error("spike_limit_percentage", "must be smaller than limit_percentage (" + limitPct + ")");
      ok = false;
    }
    if (!ok) {
      MemoryLimiterConfig d = MemoryLimiterConfig.defaults();
      return new MemoryLimiterConfig(id, interval, 0, d.limitPercentage(), 0, d.spikeLimitPercentage());
    }
    return new MemoryLimiterConfig(id, interval, limitMib, limitPct, spikeMib, spikePct);
  }

  private static String unknownType(String kind, ComponentId id, List<String> known) {
    return "unknown " + kind + " type \"" + id.type() + "\"" + (known.isEmpty()
        ? "; Rosetta has no " + kind + "s of its own here"
        : "; supported: " + String.join(", ", known));
  }

  private static ComponentId componentId(ConfigNode parent, String key) {
    try {
      return ComponentId.parse(key);
    } catch (IllegalArgumentException e) {
      parent.error(key, e.getMessage());
      return null;
    }
  }

  /**
   * Reads a reference to an extension ({@code authenticator: bearertokenauth}) under {@code key}:
   * it must be declared under {@code extensions}, listed in {@code service.extensions} and of type
   * {@code kind} ({@code what} names the kind in messages: "an authenticator").
   */
  <T extends ExtensionConfig> Optional<T> extensionRef(ConfigNode n, String key, Class<T> kind, String what) {
    Optional<ComponentId> ref = n.optional(key, ComponentId.parser());
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    ComponentId id = ref.get();
    if (broken.contains(id)) {
      return Optional.empty(); // its own errors were reported
    }
    if (!extensions.declared().containsKey(id)) {
      n.error(key, "extension \"" + id + "\" is not declared under \"extensions\"");
      return Optional.empty();
    }
    if (!extensions.enabled().contains(id)) {
      n.error(key, "extension \"" + id + "\" is declared but not enabled: add it to service.extensions");
      return Optional.empty();
    }
    Optional<T> c = extensions.enabled(id, kind);
    if (c.isEmpty()) {
      n.error(key, "extension \"" + id + "\" is not " + what);
    }
    return c;
  }

  // ---- relabel and limits ------------------------------------------------------------------

  private RelabelSettings relabel(ConfigNode n, String source) {
    NameValidation validation = n.get("name_validation", NameValidation.UTF8, raw -> {
      String v = raw instanceof String str ? str.toLowerCase(Locale.ROOT) : "";
      return switch (v) {
        case "utf8", "utf-8" -> NameValidation.UTF8;
        case "legacy" -> NameValidation.LEGACY;
        default -> throw InvalidValueException.of("invalid value " + Values.render(raw) + ": expected utf8 or legacy");
      };
    });
    RelabelRules input = rules(n, "input", source, validation);
    RelabelRules output = rules(n, "output", source, validation);
    return new RelabelSettings(input, output, validation);
  }

  private static RelabelRules rules(ConfigNode n, String key, String source, NameValidation validation) {
    Optional<Object> tree = n.optional(key, raw -> raw);
    if (tree.isEmpty()) {
      return RelabelSettings.empty();
    }
    try {
      return RelabelRules.compile(RelabelConfigs.fromYamlTree(tree.get(), source), validation);
    } catch (RelabelException e) {
      for (RelabelError er : e.errors()) {
        String sub = er.ruleIndex() < 0 ? "" : "[" + er.ruleIndex() + "]" + (er.field().isEmpty() ? "" : "." + er.field());
        n.error(key, sub, er.value(), er.message());
      }
      return RelabelSettings.empty();
    }
  }

  // ---- aggregate ---------------------------------------------------------------------------

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** The top-level {@code aggregate:} list; rules are numbered in file order. */
  private List<AggregateRule> aggregate(ConfigNode root) {
    int[] index = {0};
    return root.sectionList("aggregate", n -> aggregateRule(n, index[0]++)).stream()
        .flatMap(Optional::stream)
        .toList();
  }

  /** One rule; empty (after reporting) when it is incomplete. */
  private static Optional<AggregateRule> aggregateRule(ConfigNode n, int index) {
    Optional<String> family = n.optional("family", ValueParsers.nonEmptyString().require(
        s -> METRIC_NAME.matcher(s).matches(),
        "not a Prometheus metric family name; give the name as /metrics shows it (counters with _total),"
            + " or use family_regex"));
    Optional<String> regex = n.optional("family_regex", raw -> {
      String text = ValueParsers.nonEmptyString().parse(raw);
      try {
        com.google.re2j.Pattern.compile(text);
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw InvalidValueException.of("invalid RE2 regular expression " + Values.quote(raw) + ": "
            + e.getDescription());
      }
      return text;
    });
    boolean familyGiven = n.hasValue("family");
    boolean regexGiven = n.hasValue("family_regex");
    if (familyGiven && regexGiven) {
      n.error("family_regex", "give family or family_regex, not both");
    } else if (!familyGiven && !regexGiven) {
      n.error("an aggregate rule needs the family it applies to: family (the exact name) or family_regex");
    }
    ValueParser<String> label = ValueParsers.nonEmptyString()
        .require(s -> LABEL_NAME.matcher(s).matches(), "not a Prometheus label name")
        .require(s -> !AggregateRule.TARGET_LABELS.contains(s),
            "comes from the resource or the scope and always stays: aggregation happens within a target"
                + " (aggregate across targets in PromQL)");
    boolean withoutGiven = n.has("without");
    boolean byGiven = n.has("by");
    List<String> without = n.list("without", label);
    List<String> by = n.list("by", label);
    if (withoutGiven && byGiven) {
      n.error("by", "give without or by, not both");
    } else if (!withoutGiven && !byGiven) {
      n.error("an aggregate rule needs without: [labels that go] or by: [labels that stay] (either may be [])");
    }
    List<String> labels = byGiven && !withoutGiven ? by : without;
    if (new HashSet<>(labels).size() != labels.size()) {
      n.error(byGiven && !withoutGiven ? "by" : "without", "a label is listed twice");
    }
    Optional<AggregateOp> op = n.required("op", ValueParsers.enumOf(AggregateOp.class),
        "how the contributors combine: sum, min, max or avg");
    if (familyGiven == regexGiven || withoutGiven == byGiven || op.isEmpty() || (familyGiven && family.isEmpty())
        || (regexGiven && regex.isEmpty())) {
      return Optional.empty(); // reported above
    }
    return Optional.of(new AggregateRule(index, family, regex, !byGiven, labels, op.get()));
  }

  private LimitsConfig limits(ConfigNode n) {
    return new LimitsConfig(
        n.integer("max_series", LimitsConfig.DEFAULT_MAX_SERIES, 1, Integer.MAX_VALUE),
        n.integer("max_series_per_family", LimitsConfig.DEFAULT_MAX_SERIES_PER_FAMILY, 1, Integer.MAX_VALUE),
        n.integer("label_limit", LimitsConfig.DEFAULT_LABEL_LIMIT, 0, Integer.MAX_VALUE),
        n.integer("label_name_length_limit", LimitsConfig.DEFAULT_LABEL_NAME_LENGTH_LIMIT, 0, Integer.MAX_VALUE),
        n.integer("label_value_length_limit", LimitsConfig.DEFAULT_LABEL_VALUE_LENGTH_LIMIT, 0, Integer.MAX_VALUE));
  }

  // ---- receivers ---------------------------------------------------------------------------

  /** The receiver types Rosetta knows, for the "unknown type" message. */
  static final List<String> RECEIVER_TYPES = List.of("otlp", "prometheus", "jolokia");

  private ReceiversConfig receivers(ConfigNode n, Path base, String source) {
    if (n.isEmpty()) {
      declaredReceivers.add(ComponentId.of("otlp")); // what runs without a receivers section
      return ReceiversConfig.defaults();
    }
    for (String key : n.keys()) {
      ComponentId id;
      try {
        id = ComponentId.parse(key);
      } catch (IllegalArgumentException e) {
        continue; // reported where the key is bound
      }
      if (!RECEIVER_TYPES.contains(id.type())) {
        n.optional(key, raw -> raw); // known, so not also reported as unknown
        n.error(key, unknownType("receiver", id, RECEIVER_TYPES));
      } else if (id.type().equals("otlp") && !id.name().isEmpty()) {
        n.optional(key, raw -> raw);
        n.error(key, "Rosetta runs one OTLP receiver (gRPC and HTTP under its protocols): name it \"otlp\"");
      } else {
        declaredReceivers.add(id);
      }
    }
    // The pull receivers (prometheus, jolokia) bind in their own class; listed alone, OTLP is off.
    List<ScrapeReceiverConfig> scrape = new ScrapeConfigBinder(fileCheck, base, source).receivers(n);
    OtlpReceiverConfig otlp = !n.has("otlp") && !scrape.isEmpty()
        ? OtlpReceiverConfig.none()
        : n.section("otlp", o -> o.section("protocols", this::otlpProtocols));
    return new ReceiversConfig(otlp, scrape);
  }

  private OtlpReceiverConfig otlpProtocols(ConfigNode n) {
    Optional<GrpcReceiverConfig> grpc = n.optionalSection("grpc", this::grpc);
    Optional<HttpReceiverConfig> http = n.optionalSection("http", this::http);
    if (grpc.isEmpty() && http.isEmpty()) {
      n.error(
          "no OTLP protocol is enabled: add \"grpc: {}\" and/or \"http: {}\" under " + n.path());
      return OtlpReceiverConfig.defaults();
    }
    return new OtlpReceiverConfig(grpc, http);
  }

  private GrpcReceiverConfig grpc(ConfigNode n) {
    return new GrpcReceiverConfig(
        n.endpoint("endpoint", GrpcReceiverConfig.DEFAULT_ENDPOINT),
        n.integer(
            "max_recv_msg_size_mib",
            GrpcReceiverConfig.DEFAULT_MAX_RECV_MSG_SIZE_MIB,
            1,
            GrpcReceiverConfig.MAX_RECV_MSG_SIZE_MIB_LIMIT),
        n.optionalSection("tls", this::tlsServer),
        auth(n),
        n.integer("max_concurrent_streams", GrpcReceiverConfig.DEFAULT_MAX_CONCURRENT_STREAMS, 1,
            Integer.MAX_VALUE),
        n.integer("max_connections", GrpcReceiverConfig.DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE),
        n.section("keepalive", this::grpcKeepalive));
  }

  private GrpcKeepaliveConfig grpcKeepalive(ConfigNode n) {
    GrpcKeepaliveConfig d = GrpcKeepaliveConfig.defaults();
    record Server(Duration idle, Duration age, Duration grace, Duration time, Duration timeout) {}
    record Policy(Duration minTime, boolean permit) {}
    Server s = n.section("server_parameters", p -> new Server(
        p.duration("max_connection_idle", d.maxConnectionIdle()),
        p.duration("max_connection_age", d.maxConnectionAge()),
        p.duration("max_connection_age_grace", d.maxConnectionAgeGrace()),
        p.positiveDuration("time", d.time()),
        p.positiveDuration("timeout", d.timeout())));
    Policy e = n.section("enforcement_policy", p -> new Policy(
        p.duration("min_time", d.minTime()),
        p.bool("permit_without_stream", d.permitWithoutStream())));
    return new GrpcKeepaliveConfig(s.idle(), s.age(), s.grace(), s.time(), s.timeout(), e.minTime(), e.permit());
  }

  /** The connection settings of an HTTP listener, read from the listener's own node. */
  private HttpServerSettings httpServer(ConfigNode n) {
    return new HttpServerSettings(
        n.integer("max_connections", HttpServerSettings.DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE),
        n.positiveDuration("read_header_timeout", HttpServerSettings.DEFAULT_READ_HEADER_TIMEOUT),
        n.positiveDuration("read_timeout", HttpServerSettings.DEFAULT_READ_TIMEOUT),
        n.positiveDuration("write_timeout", HttpServerSettings.DEFAULT_WRITE_TIMEOUT),
        n.positiveDuration("idle_timeout", HttpServerSettings.DEFAULT_IDLE_TIMEOUT));
  }

  private HttpReceiverConfig http(ConfigNode n) {
    return new HttpReceiverConfig(
        n.endpoint("endpoint", HttpReceiverConfig.DEFAULT_ENDPOINT),
        n.longInteger(
            "max_request_body_size",
            HttpReceiverConfig.DEFAULT_MAX_REQUEST_BODY_SIZE,
            1,
            HttpReceiverConfig.MAX_REQUEST_BODY_SIZE_LIMIT),
        n.optionalSection("tls", this::tlsServer),
        auth(n),
        httpServer(n));
  }

  private TlsServerConfig tlsServer(ConfigNode n) {
    ValueParser<Path> file = ValueParsers.file(fileCheck);
    Optional<Path> cert =
        n.required("cert_file", file, "a TLS server needs a certificate chain (PEM file)");
    Optional<Path> key =
        n.required("key_file", file, "a TLS server needs the private key of cert_file (PEM file)");
    Optional<Path> clientCa = n.optional("client_ca_file", file);
    // the Collector's server TLS also takes ca_file: on a server it verifies client certificates
    Optional<Path> ca = n.optional("ca_file", file);
    if (n.hasValue("ca_file") && n.hasValue("client_ca_file")) {
      n.error("ca_file", "ca_file and client_ca_file both name the CA that client certificates are verified"
          + " against: give one of them");
    }
    return new TlsServerConfig(cert.orElse(NO_FILE), key.orElse(NO_FILE), clientCa.or(() -> ca));
  }

  // ---- exporters ---------------------------------------------------------------------------

  /** The exporter types Rosetta knows, for the "unknown type" message. */
  static final List<String> EXPORTER_TYPES = List.of("prometheus", OtlpExporterConfig.TYPE,
      OtlpExporterConfig.HTTP_TYPE, DebugExporterConfig.TYPE);

  private ExportersConfig exporters(ConfigNode n) {
    PrometheusExporterConfig[] prometheus = {null};
    List<OtlpExporterConfig> otlp = new java.util.ArrayList<>();
    List<DebugExporterConfig> debug = new java.util.ArrayList<>();
    n.eachSection((key, node) -> {
      ComponentId id = componentId(n, key);
      if (id == null) {
        return null;
      }
      switch (id.type()) {
        case "prometheus" -> {
          if (!id.name().isEmpty()) {
            n.error(key, "Rosetta serves one Prometheus endpoint: name it \"prometheus\"");
          } else {
            prometheus[0] = prometheus(node);
          }
        }
        case OtlpExporterConfig.TYPE -> otlp.add(otlpExporter(id, node));
        case OtlpExporterConfig.HTTP_TYPE -> otlp.add(otlpHttpExporter(id, node));
        case DebugExporterConfig.TYPE -> debug.add(debugExporter(id, node));
        default -> n.error(key, unknownType("exporter", id, EXPORTER_TYPES));
      }
      return null;
    });
    declaredExporters.add(ComponentId.of("prometheus")); // its endpoint always runs
    otlp.forEach(o -> declaredExporters.add(o.id()));
    debug.forEach(d -> declaredExporters.add(d.id()));
    return new ExportersConfig(
        prometheus[0] == null ? PrometheusExporterConfig.defaults() : prometheus[0], otlp, debug);
  }

  /** Every exporter id declared (and {@code prometheus}), in file order. */
  private final Set<ComponentId> declaredExporters = new java.util.LinkedHashSet<>();

  /**
   * {@code otlphttp}: the keys of {@code otlp} with {@code endpoint} a base URL ({@code /v1/metrics}
   * is appended) or {@code metrics_endpoint} the full URL, as the Collector's OTLP/HTTP exporter.
   */
  private OtlpExporterConfig otlpHttpExporter(ComponentId id, ConfigNode n) {
    boolean endpointGiven = n.hasValue("endpoint");
    boolean metricsGiven = n.hasValue("metrics_endpoint");
    Optional<URI> base = n.optional("endpoint", HTTP_URL);
    Optional<URI> metrics = n.optional("metrics_endpoint", HTTP_URL);
    if (!endpointGiven && !metricsGiven) {
      n.error("endpoint", "", "", "required key \"endpoint\" is missing: the downstream's OTLP/HTTP base URL, e.g."
          + " http://collector:4318 (Rosetta sends to <endpoint>/v1/metrics), or metrics_endpoint with the full URL");
    }
    Optional<URI> url = metrics.or(() -> base.map(b -> URI.create(
        b.toString().replaceAll("/+$", "") + "/v1/metrics")));
    n.optional("encoding", raw -> {
      if (!"proto".equals(raw)) {
        throw InvalidValueException.of("invalid value " + Values.render(raw)
            + ": Rosetta sends OTLP/HTTP as protobuf (encoding: proto)");
      }
      return raw;
    });
    Optional<TlsClientConfig> tls = n.optionalSection("tls", this::tlsClient);
    tls.ifPresent(t -> {
      if (t.insecureSkipVerify() || t.serverNameOverride().isPresent()) {
        n.error("tls", "otlphttp verifies the server's certificate and name: insecure_skip_verify and"
            + " server_name_override are only for otlp (gRPC); give ca_file for a private CA");
      }
    });
    URI target = url.orElse(URI.create("http://localhost:4318/v1/metrics"));
    boolean https = "https".equals(target.getScheme());
    TlsClientConfig effectiveTls = https ? tls.orElse(TlsClientConfig.secure()) : TlsClientConfig.plaintext();
    if (!https && tls.isPresent() && !tls.get().insecure()) {
      n.error("tls", "the endpoint is http:// (plaintext), so tls has no effect: use an https:// endpoint");
    }
    for (String key : List.of("traces_endpoint", "logs_endpoint", "profiles_endpoint")) {
      if (n.has(key)) {
        n.optional(key, raw -> raw); // known, so not also reported as unknown
        n.error(key, "Rosetta handles metrics only: remove \"" + key + "\" (metrics_endpoint is the one it uses)");
      }
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>(
        n.map("headers", HEADER_NAME_PARSER, HEADER_VALUE_PARSER));
    for (String name : List.copyOf(headers.keySet())) {
      if (HTTP_MANAGED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        n.error("headers", "." + name, "", "header \"" + name + "\" is set by the HTTP transport");
        headers.remove(name);
      }
    }
    int port = target.getPort() > 0 ? target.getPort() : https ? 443 : 80;
    return new OtlpExporterConfig(
        id,
        new Endpoint(target.getHost() == null ? "localhost" : target.getHost(), port),
        effectiveTls,
        headers,
        n.enumValue("compression", OtlpExporterConfig.DEFAULT_COMPRESSION),
        n.positiveDuration("timeout", OtlpExporterConfig.DEFAULT_HTTP_TIMEOUT),
        n.section("sending_queue", this::sendingQueue),
        n.section("retry_on_failure", this::retryOnFailure),
        batchOf(id, n),
        Optional.of(target));
  }

  /** Headers the OTLP/HTTP transport writes itself (or the JDK client does not allow). */
  private static final Set<String> HTTP_MANAGED_HEADERS = Set.of("host", "connection", "content-length", "expect",
      "upgrade", "content-encoding", "transfer-encoding");

  /** An absolute http:// or https:// URL with a host. */
  private static final ValueParser<URI> HTTP_URL = raw -> {
    String text = ValueParsers.nonEmptyString().parse(raw);
    URI uri;
    try {
      uri = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw InvalidValueException.of("invalid URL " + Values.quote(raw) + ": " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw InvalidValueException.of("invalid URL " + Values.quote(raw)
          + ": expected http://host:port or https://host:port (with an optional path)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw InvalidValueException.of("invalid URL " + Values.quote(raw) + ": no host");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw InvalidValueException.of("invalid URL " + Values.quote(raw) + ": a query or fragment is not allowed");
    }
    return uri;
  };

  /** {@code debug}: {@code verbosity}, {@code sampling_initial}, {@code sampling_thereafter}. */
  private DebugExporterConfig debugExporter(ComponentId id, ConfigNode n) {
    n.bool("use_internal_logger", true); // Rosetta always writes to its own log
    return new DebugExporterConfig(id,
        n.enumValue("verbosity", DebugExporterConfig.Verbosity.BASIC),
        n.integer("sampling_initial", DebugExporterConfig.DEFAULT_SAMPLING_INITIAL, 0, Integer.MAX_VALUE),
        n.integer("sampling_thereafter", DebugExporterConfig.DEFAULT_SAMPLING_THEREAFTER, 1, Integer.MAX_VALUE));
  }

  /** {@code batch} processor: the Collector's keys; the per-client keys are refused with the reason. */
  private BatchProcessorConfig batchProcessor(ComponentId id, ConfigNode n) {
    for (String key : List.of("metadata_keys", "metadata_cardinality_limit")) {
      if (n.has(key)) {
        n.optional(key, raw -> raw); // known, so not also reported as unknown
        n.error(key, "not supported: Rosetta batches per exporter, after its queue, not per client metadata;"
            + " remove \"" + key + "\"");
      }
    }
    return new BatchProcessorConfig(id, batch(n));
  }

  /** {@code health_check}: {@code endpoint} (default 127.0.0.1:13133) and {@code path} (default /). */
  private HealthCheckConfig healthCheck(ComponentId id, ConfigNode n) {
    String path = n.get("path", HealthCheckConfig.DEFAULT_PATH, ValueParsers.nonEmptyString().require(
        s -> s.startsWith("/") && s.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#'),
        "a path starts with / and holds no blanks, '?' or '#'"));
    return new HealthCheckConfig(id, n.endpoint("endpoint", HealthCheckConfig.DEFAULT_ENDPOINT), path);
  }

  private PrometheusExporterConfig prometheus(ConfigNode n) {
    return new PrometheusExporterConfig(
        n.endpoint("endpoint", PrometheusExporterConfig.DEFAULT_ENDPOINT),
        n.positiveDuration("metric_expiration", PrometheusExporterConfig.DEFAULT_METRIC_EXPIRATION),
        n.bool("add_metric_suffixes", true),
        n.section("resource_to_telemetry_conversion", r -> r.bool("enabled", false)),
        n.optionalSection("tls", this::tlsServer),
        auth(n),
        httpServer(n),
        PrometheusExposition.bind(n),
        n.section("status_page", st -> st.bool("enabled", true)));
  }

  private OtlpExporterConfig otlpExporter(ComponentId id, ConfigNode n) {
    Optional<Target> target =
        n.required("endpoint", TARGET, "the downstream OTLP/gRPC address, e.g. collector:4317");
    Optional<TlsClientConfig> tls = n.optionalSection("tls", this::tlsClient);
    Scheme scheme = target.map(Target::scheme).orElse(Scheme.NONE);
    if (scheme == Scheme.HTTPS && tls.isPresent() && tls.get().insecure()) {
      n.error(
          "endpoint",
          "an https:// endpoint needs TLS but tls.insecure is true: remove \"insecure: true\" or"
              + " use http://");
    }
    TlsClientConfig effectiveTls =
        tls.orElse(scheme == Scheme.HTTP ? TlsClientConfig.plaintext() : TlsClientConfig.secure());
    Map<String, String> headers = n.map("headers", HEADER_NAME_PARSER, HEADER_VALUE_PARSER);
    Set<String> lower = new HashSet<>();
    for (String name : List.copyOf(headers.keySet())) {
      if (!lower.add(name.toLowerCase(Locale.ROOT))) {
        n.error("headers", "." + name, "", "header \"" + name
            + "\" is given twice: header names ignore case");
        headers = new java.util.LinkedHashMap<>(headers);
        headers.remove(name);
      }
    }
    return new OtlpExporterConfig(
        id,
        target.map(Target::endpoint).orElse(new Endpoint("localhost", 4317)),
        effectiveTls,
        headers,
        n.enumValue("compression", OtlpExporterConfig.DEFAULT_COMPRESSION),
        n.positiveDuration("timeout", OtlpExporterConfig.DEFAULT_TIMEOUT),
        n.section("sending_queue", this::sendingQueue),
        n.section("retry_on_failure", this::retryOnFailure),
        batchOf(id, n));
  }

  /** An exporter's own {@code batch:}, remembered as given so that a batch processor can be checked against it. */
  private BatchConfig batchOf(ComponentId id, ConfigNode n) {
    if (n.has("batch")) {
      exporterBatchGiven.add(id);
    }
    return n.section("batch", this::batch);
  }

  private TlsClientConfig tlsClient(ConfigNode n) {
    ValueParser<Path> file = ValueParsers.file(fileCheck);
    boolean insecure = n.bool("insecure", false);
    Optional<Path> ca = n.optional("ca_file", file);
    Optional<Path> cert = n.optional("cert_file", file);
    Optional<Path> key = n.optional("key_file", file);
    boolean skipVerify = n.bool("insecure_skip_verify", false);
    Optional<String> serverName = n.optional("server_name_override", ValueParsers.nonEmptyString());
    boolean certGiven = n.hasValue("cert_file");
    boolean keyGiven = n.hasValue("key_file");
    if (certGiven && !keyGiven) {
      n.error(
          "key_file",
          "key_file is missing: cert_file is set, and a client certificate needs its private key");
    } else if (keyGiven && !certGiven) {
      n.error(
          "cert_file",
          "cert_file is missing: key_file is set, and a private key needs its client certificate");
    }
    if (cert.isPresent() != key.isPresent()) {
      cert = Optional.empty(); // reported above (or the other file was bad); keep the record valid
      key = Optional.empty();
    }
    if (skipVerify && n.hasValue("ca_file")) {
      n.error("insecure_skip_verify", "insecure_skip_verify and ca_file exclude each other: skipping the"
          + " verification ignores the CA; remove one");
      skipVerify = false;
    }
    if (insecure) {
      for (String k : List.of("ca_file", "cert_file", "key_file", "insecure_skip_verify", "server_name_override")) {
        if (n.hasValue(k)) {
          n.error(k, "insecure: true sends plaintext, so \"" + k + "\" has no effect; remove one or the other");
        }
      }
      return TlsClientConfig.plaintext();
    }
    return new TlsClientConfig(insecure, ca, cert, key, skipVerify, serverName);
  }

  private QueueConfig sendingQueue(ConfigNode n) {
    boolean enabled = n.bool("enabled", true);
    int consumers = n.integer(
        "num_consumers", QueueConfig.DEFAULT_NUM_CONSUMERS, 1, QueueConfig.MAX_NUM_CONSUMERS);
    QueueConfig.Sizer sizer = n.enumValue("sizer", QueueConfig.Sizer.REQUESTS);
    long size = n.longInteger("queue_size", sizer.defaultQueueSize(), 1, Long.MAX_VALUE);
    Optional<FileStorageConfig> storage =
        extensionRef(n, "storage", FileStorageConfig.class, "a storage extension (file_storage)");
    if (!enabled && storage.isPresent()) {
      n.error("storage", "a storage keeps the sending queue, which is disabled (enabled: false)");
      storage = Optional.empty();
    }
    return new QueueConfig(enabled, consumers, size, sizer, storage);
  }

  private RetryConfig retryOnFailure(ConfigNode n) {
    boolean enabled = n.bool("enabled", true);
    Duration initial = n.positiveDuration("initial_interval", RetryConfig.DEFAULT_INITIAL_INTERVAL);
    double randomization =
        n.decimal("randomization_factor", RetryConfig.DEFAULT_RANDOMIZATION_FACTOR, 0, 1);
    double multiplier =
        n.decimal("multiplier", RetryConfig.DEFAULT_MULTIPLIER, 1, Double.POSITIVE_INFINITY);
    Duration max = n.positiveDuration("max_interval", RetryConfig.DEFAULT_MAX_INTERVAL);
    Duration maxElapsed = n.duration("max_elapsed_time", RetryConfig.DEFAULT_MAX_ELAPSED_TIME);
    if (max.compareTo(initial) < 0) {
      n.error(
          n.hasValue("max_interval") ? "max_interval" : "initial_interval",
          "max_interval ("
              + ValueParsers.formatDuration(max)
              + ") must not be shorter than initial_interval ("
              + ValueParsers.formatDuration(initial)
              + ")");
      max = initial;
    }
    return new RetryConfig(enabled, initial, randomization, multiplier, max, maxElapsed);
  }

  private BatchConfig batch(ConfigNode n) {
    int size =
        n.integer("send_batch_size", BatchConfig.DEFAULT_SEND_BATCH_SIZE, 1, Integer.MAX_VALUE);
    int maxSize = n.integer("send_batch_max_size", 0, 0, Integer.MAX_VALUE);
    Duration timeout = n.duration("timeout", BatchConfig.DEFAULT_TIMEOUT);
    if (maxSize != 0 && maxSize < size) {
      n.error(
          "send_batch_max_size",
          "invalid value "
              + maxSize
              + ": must be 0 (no cap) or at least send_batch_size ("
              + size
              + ")");
      maxSize = 0;
    }
    return new BatchConfig(size, maxSize, timeout);
  }

  // ---- service -----------------------------------------------------------------------------

  private ServiceConfig service(ConfigNode n, Map<ComponentId, ExtensionConfig> declared) {
    List<ComponentId> enabled = n.list("extensions", ComponentId.parser());
    List<ComponentId> inForce = new java.util.ArrayList<>();
    for (int i = 0; i < enabled.size(); i++) {
      ComponentId id = enabled.get(i);
      if (broken.contains(id)) {
        continue; // its own errors were reported
      } else if (!declared.containsKey(id)) {
        n.error("extensions", "[" + i + "]", id.toString(),
            "extension \"" + id + "\" is not declared under \"extensions\"");
      } else if (inForce.contains(id)) {
        n.error("extensions", "[" + i + "]", id.toString(), "extension \"" + id + "\" is listed twice");
      } else {
        inForce.add(id);
      }
    }
    extensions = new ExtensionsConfig(declared, inForce);
    pipelinesNode = n.deferredSection("pipelines");
    TelemetryBinder.Telemetry telemetry = n.section("telemetry", TelemetryBinder::telemetry);
    return new ServiceConfig(telemetry.logs(),
        n.positiveDuration("shutdown_timeout", ServiceConfig.DEFAULT_SHUTDOWN_TIMEOUT), telemetry.ownJvm());
  }

  // ---- views --------------------------------------------------------------------------------

  /** The views keys; a key left out takes its value from {@code defaults}. */
  private ViewsConfig views(ConfigNode n, Path base, ViewsConfig defaults) {
    boolean filesGiven = n.has("files");
    List<String> files = n.list("files", ValueParsers.nonEmptyString());
    if (!filesGiven) {
      files = defaults.files();
    }
    boolean builtinGiven = n.hasValue("builtin"); // "builtin:" alone means the default, [] means none
    List<String> listed = n.list("builtin", BUILTIN_SET);
    List<String> builtin = builtinGiven ? listed : defaults.builtin();
    Set<String> seen = new HashSet<>();
    for (String set : builtin) {
      if (!seen.add(set)) {
        n.error("builtin", "built-in view set \"" + set + "\" is listed twice");
        builtin = List.copyOf(seen);
        break;
      }
    }
    return new ViewsConfig(files, builtin, n.enumValue("unmatched", defaults.unmatched()), base);
  }

  /** Where relative view file globs resolve: the configuration file's directory. */
  private static Path baseDirectory(String source) {
    if (source.equals(ConfigLoader.EMBEDDED_SOURCE)) {
      return Path.of("");
    }
    try {
      Path parent = Path.of(source).getParent();
      return parent == null ? Path.of("") : parent;
    } catch (InvalidPathException e) {
      return Path.of("");
    }
  }

  private static final ValueParser<String> BUILTIN_SET =
      raw -> {
        String set = ValueParsers.nonEmptyString().parse(raw);
        if (!BuiltinViews.isKnown(set)) {
          throw InvalidValueException.of(
              "unknown built-in view set "
                  + Values.quote(raw)
                  + "; expected one of "
                  + String.join(", ", BuiltinViews.NAMES));
        }
        return set;
      };

  // ---- OTLP exporter endpoint --------------------------------------------------------------

  private enum Scheme {
    NONE,
    HTTP,
    HTTPS
  }

  private record Target(Endpoint endpoint, Scheme scheme) {}

  /**
   * {@code host:port}, {@code http://host:port} or {@code https://host:port}; a trailing / is
   * allowed.
   */
  private static final ValueParser<Target> TARGET =
      raw -> {
        if (!(raw instanceof String text)) {
          return new Target(ValueParsers.endpoint().parse(raw), Scheme.NONE); // reports the type
        }
        String hostPort = text;
        Scheme scheme = Scheme.NONE;
        int separator = text.indexOf("://");
        if (separator >= 0) {
          String name = text.substring(0, separator).toLowerCase(Locale.ROOT);
          if (name.equals("http")) {
            scheme = Scheme.HTTP;
          } else if (name.equals("https")) {
            scheme = Scheme.HTTPS;
          } else {
            throw InvalidValueException.of(
                "invalid endpoint "
                    + Values.quote(raw)
                    + ": unsupported scheme \""
                    + name
                    + "\"; expected host:port, http://host:port or https://host:port");
          }
          hostPort = text.substring(separator + 3);
          if (hostPort.endsWith("/")) {
            hostPort = hostPort.substring(0, hostPort.length() - 1);
          }
          if (hostPort.indexOf('/') >= 0) {
            throw InvalidValueException.of(
                "invalid endpoint "
                    + Values.quote(raw)
                    + ": a path is not allowed; expected "
                    + name
                    + "://host:port");
          }
        }
        Endpoint endpoint;
        try {
          endpoint = Endpoint.parse(hostPort);
        } catch (IllegalArgumentException e) {
          throw InvalidValueException.of(
              "invalid endpoint " + Values.quote(raw) + ": " + e.getMessage());
        }
        if (endpoint.port() == 0) {
          throw InvalidValueException.of(
              "invalid endpoint "
                  + Values.quote(raw)
                  + ": port 0 cannot be connected to; give the port of the receiver");
        }
        return new Target(endpoint, scheme);
      };

  private static final ValueParser<String> HEADER_NAME_PARSER =
      raw -> {
        String name = String.valueOf(raw);
        Optional<String> problem = OtlpExporterConfig.headerNameProblem(name);
        if (problem.isPresent()) {
          throw InvalidValueException.of("invalid header name " + Values.quote(name) + ": " + problem.get());
        }
        return name;
      };

  /** gRPC sends ASCII metadata; the value may be a credential, so errors never show it. */
  private static final ValueParser<String> HEADER_VALUE_PARSER =
      raw -> {
        if (!(raw instanceof String || raw instanceof Number || raw instanceof Boolean)) {
          throw InvalidValueException.secret(
              "invalid header value: expected a string, found "
                  + Values.kind(raw)
                  + " (the value is not shown)");
        }
        String value = raw.toString();
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c < 0x20 || c > 0x7e) {
            throw InvalidValueException.secret(
                "invalid header value: only printable ASCII characters are allowed (the value is"
                    + " not shown)");
          }
        }
        return value;
      };

  // ---- service.pipelines -------------------------------------------------------------------

  /** Every receiver id declared, in file order. */
  private final Set<ComponentId> declaredReceivers = new java.util.LinkedHashSet<>();

  /** Rosetta's own stages as processor types. */
  private static final Set<String> STAGE_TYPES = Set.of(RelabelProcessorConfig.TYPE,
      SemanticViewsProcessorConfig.TYPE, AggregateProcessorConfig.TYPE);

  /**
   * Binds {@code service.pipelines} against the declared components and builds the configuration of
   * the one pipeline the service runs: its receivers, processors and exporters, and Rosetta's stages
   * in its order. Declared components the pipeline does not list are left out (not started) and
   * named in {@link PipelineConfig#unused()}.
   */
  private final class Pipelines {
    private final ConfigNode root;
    private final ReceiversConfig receivers;
    private final Map<ComponentId, ProcessorConfig> processors;
    private final ExportersConfig exporters;
    private final List<AggregateRule> aggregate;

    Pipelines(ConfigNode root, ReceiversConfig receivers, Map<ComponentId, ProcessorConfig> processors,
        ExportersConfig exporters, List<AggregateRule> aggregate) {
      this.root = root;
      this.receivers = receivers;
      this.processors = processors;
      this.exporters = exporters;
      this.aggregate = aggregate;
    }

    /** No {@code service.pipelines}: everything declared runs, the stages in their default order. */
    RosettaConfig withoutPipelines(ServiceConfig service, LimitsConfig limits) {
      for (ProcessorConfig c : processors.values()) {
        if (STAGE_TYPES.contains(c.id().type())) {
          root.error("processors", "." + c.id(), "", "processor \"" + c.id() + "\" is one of Rosetta's stages and"
              + " runs where a pipeline places it: list it in service.pipelines.metrics.processors (or use the"
              + " top-level relabel:, views: or aggregate: sections without pipelines)");
        }
      }
      List<BatchProcessorConfig> batches = processors.values().stream()
          .filter(BatchProcessorConfig.class::isInstance).map(BatchProcessorConfig.class::cast).toList();
      limitOne(batches.stream().map(BatchProcessorConfig::id).toList(), BatchProcessorConfig.TYPE,
          "it sets the batching of every exporter", root, "processors");
      limitOne(processors.values().stream().filter(MemoryLimiterConfig.class::isInstance)
          .map(ProcessorConfig::id).toList(), MemoryLimiterConfig.TYPE, "it guards the one heap of the service",
          root, "processors");
      ExportersConfig ex = applyBatch(exporters, batches.isEmpty() ? Optional.empty() : Optional.of(batches.get(0)));
      PipelineConfig pipeline = PipelineConfig.defaults(relabelSettings, !aggregate.isEmpty());
      return new RosettaConfig(source, receivers, ex, service, relabelSettings, limits, topViews, extensions,
          new ProcessorsConfig(processors), aggregate, pipeline);
    }

    RosettaConfig bind(ConfigNode node, ServiceConfig service, LimitsConfig limits) {
      List<String> metricsIds = new java.util.ArrayList<>();
      Map<String, PipelineLists> lists = new java.util.LinkedHashMap<>();
      for (String key : node.keys()) {
        String type = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
        switch (type) {
          case "metrics" -> {
            if (key.contains("/") && key.endsWith("/")) {
              node.optional(key, raw -> raw);
              node.error(key, "invalid pipeline id \"" + key + "\": the name after '/' is empty");
            } else {
              metricsIds.add(key);
              lists.put(key, node.section(key, this::lists));
            }
          }
          case "traces", "logs" -> {
            node.optional(key, raw -> raw);
            node.error(key, "Rosetta handles metrics only: remove the " + type + " pipeline \"" + key
                + "\" (a Collector in front can take " + type + ")");
          }
          default -> {
            node.optional(key, raw -> raw);
            node.error(key, "unknown pipeline type \"" + type + "\": Rosetta runs a metrics pipeline"
                + " (metrics or metrics/<name>)");
          }
        }
      }
      node.finish();
      if (node.isEmpty()) {
        node.error("service.pipelines declares no pipeline: add metrics: {receivers: [...], processors: [...],"
            + " exporters: [...]}, or remove \"pipelines\" to run every declared component");
      }
      if (metricsIds.size() > 1) {
        node.error(metricsIds.get(1), "Rosetta runs one metrics pipeline, not " + metricsIds.size() + " ("
            + String.join(", ", metricsIds) + "): its receivers feed one store, which /metrics and every"
            + " exporter read; merge them into one pipeline");
      }
      if (metricsIds.isEmpty()) {
        return withoutPipelinesQuietly(service, limits);
      }
      String id = metricsIds.get(0);
      PipelineLists l = lists.get(id);
      ConfigNode at = node; // errors of the lists are reported under service.pipelines.<id>
      String prefix = "." + id;
      List<ComponentId> rs = references(at, prefix, "receivers", l.receivers(), declaredReceivers, "receiver");
      List<ComponentId> ps = references(at, prefix, "processors", l.processors(), processors.keySet(),
          "processor");
      List<ComponentId> es = references(at, prefix, "exporters", l.exporters(), declaredExporters, "exporter");
      if (l.receivers().isEmpty()) {
        at.error(id, "", "", "pipeline \"" + id + "\" has no receivers: list at least one, e.g. receivers: [otlp]");
      }
      if (l.exporters().isEmpty()) {
        at.error(id, "", "", "pipeline \"" + id + "\" has no exporters: list at least one, e.g. exporters:"
            + " [prometheus]");
      }

      // the stages in the pipeline's order
      List<PipelineConfig.Stage> stages = new java.util.ArrayList<>();
      List<ProcessorConfig> listed = ps.stream().map(processors::get).toList();
      boolean stagesListed = listed.stream().anyMatch(c -> STAGE_TYPES.contains(c.id().type()));
      ViewsConfig views = topViews;
      List<AggregateRule> rules = aggregate;
      if (!stagesListed) {
        stages.addAll(PipelineConfig.defaults(relabelSettings, !aggregate.isEmpty()).stages());
      } else {
        boolean viewsSeen = false;
        ComponentId aggregateAt = null;
        for (ProcessorConfig c : listed) {
          if (aggregateAt != null && STAGE_TYPES.contains(c.id().type())) {
            at.error(id, ".processors", c.id().toString(), "\"" + c.id() + "\" comes after \"" + aggregateAt
                + "\": aggregation happens in the store, where the series of every source meet, so it is the"
                + " last of Rosetta's stages; move \"" + aggregateAt + "\" after it");
            continue;
          }
          if (c instanceof RelabelProcessorConfig r) {
            stages.add(new PipelineConfig.Relabel(r.id().toString(), r.rules(), !viewsSeen));
          } else if (c instanceof SemanticViewsProcessorConfig v) {
            if (viewsSeen) {
              at.error(id, ".processors", c.id().toString(), "a pipeline maps names with semantic views once;"
                  + " list one semantic_views processor (put several view files in its files)");
              continue;
            }
            viewsSeen = true;
            views = v.views();
            stages.add(new PipelineConfig.Views(v.id().toString()));
          } else if (c instanceof AggregateProcessorConfig a) {
            aggregateAt = a.id();
            rules = a.rules();
            stages.add(new PipelineConfig.Aggregate(a.id().toString()));
          }
        }
        if (!viewsSeen) {
          at.error(id, ".processors", "", "pipeline \"" + id + "\" lists Rosetta's stages but not"
              + " semantic_views: add it where the names are to be mapped (declare processors: {semantic_views: {}}"
              + " for the top-level views: section)");
          // a placeholder, before aggregation, so that the (discarded) result stays well formed
          int slot = aggregateAt == null ? stages.size() : stages.size() - 1;
          stages.add(slot, new PipelineConfig.Views("views"));
        }
        if (relabelSettings.input().size() > 0 || relabelSettings.output().size() > 0) {
          root.error("relabel", "the pipeline \"" + id + "\" lists Rosetta's stages, so the top-level relabel"
              + " rules would not run: move them into relabel processors (relabel/input before semantic_views,"
              + " relabel/output after it, each with metric_relabel_configs)");
        }
        if (!aggregate.isEmpty() && aggregateAt == null) {
          root.error("aggregate", "the pipeline \"" + id + "\" lists Rosetta's stages, so the top-level aggregate"
              + " rules would not run: declare an aggregate processor (rules: [...]) and list it last");
        } else if (!aggregate.isEmpty()) {
          root.error("aggregate", "give the aggregation rules once: in the aggregate processor the pipeline lists,"
              + " not also at the top level");
        }
      }

      // processors in force: those the pipeline lists
      Map<ComponentId, ProcessorConfig> inForce = new java.util.LinkedHashMap<>();
      ps.forEach(p -> inForce.put(p, processors.get(p)));
      List<BatchProcessorConfig> batches = inForce.values().stream()
          .filter(BatchProcessorConfig.class::isInstance).map(BatchProcessorConfig.class::cast).toList();
      limitOne(batches.stream().map(BatchProcessorConfig::id).toList(), BatchProcessorConfig.TYPE,
          "it sets the batching of every exporter of the pipeline", at, id);
      limitOne(inForce.values().stream().filter(MemoryLimiterConfig.class::isInstance).map(ProcessorConfig::id)
          .toList(), MemoryLimiterConfig.TYPE, "it guards the one heap of the service", at, id);

      // components the pipeline leaves out are not started
      List<String> unused = new java.util.ArrayList<>();
      declaredReceivers.stream().filter(r -> !rs.contains(r)).forEach(r -> unused.add("receivers." + r));
      processors.keySet().stream().filter(p -> !ps.contains(p)).forEach(p -> unused.add("processors." + p));
      declaredExporters.stream().filter(e -> !es.contains(e) && !e.equals(ComponentId.of("prometheus")))
          .forEach(e -> unused.add("exporters." + e));

      OtlpReceiverConfig otlp = rs.contains(ComponentId.of("otlp")) ? receivers.otlp() : OtlpReceiverConfig.none();
      ReceiversConfig rcv = new ReceiversConfig(otlp,
          receivers.scrape().stream().filter(r -> rs.contains(r.id())).toList());
      ExportersConfig ex = new ExportersConfig(exporters.prometheus(),
          exporters.otlpExporters().stream().filter(o -> es.contains(o.id())).toList(),
          exporters.debug().stream().filter(d -> es.contains(d.id())).toList());
      ex = applyBatch(ex, batches.isEmpty() ? Optional.empty() : Optional.of(batches.get(0)));
      PipelineConfig pipeline = new PipelineConfig(Optional.of(id), rs, ps, es, stages, unused);
      return new RosettaConfig(source, rcv, ex, service, relabelSettings, limits, views, extensions,
          new ProcessorsConfig(inForce), rules, pipeline);
    }

    /** After an error that leaves no pipeline: a configuration for the binder to hand back (discarded). */
    private RosettaConfig withoutPipelinesQuietly(ServiceConfig service, LimitsConfig limits) {
      return new RosettaConfig(source, receivers, exporters, service, relabelSettings, limits, topViews,
          extensions, ProcessorsConfig.none(), aggregate);
    }

    private PipelineLists lists(ConfigNode n) {
      return new PipelineLists(n.list("receivers", ComponentId.parser()), n.list("processors", ComponentId.parser()),
          n.list("exporters", ComponentId.parser()));
    }

    /** The ids of {@code listed} that are declared and listed once; the others are reported. */
    private List<ComponentId> references(ConfigNode at, String prefix, String key, List<ComponentId> listed,
        Set<ComponentId> declared, String kind) {
      List<ComponentId> out = new java.util.ArrayList<>();
      for (int i = 0; i < listed.size(); i++) {
        ComponentId c = listed.get(i);
        String sub = prefix + "." + key + "[" + i + "]";
        if (!declared.contains(c)) {
          at.error("", sub.substring(1), c.toString(), kind + " \"" + c + "\" is not declared under \"" + key
              + "\"; declared: " + (declared.isEmpty() ? "(none)"
                  : String.join(", ", declared.stream().map(ComponentId::toString).toList())));
        } else if (out.contains(c)) {
          at.error("", sub.substring(1), c.toString(), kind + " \"" + c + "\" is listed twice");
        } else {
          out.add(c);
        }
      }
      return out;
    }

    /**
     * The batch processor's settings become the batch of every OTLP exporter that sets none; an
     * exporter that sets a different one is an error.
     */
    private ExportersConfig applyBatch(ExportersConfig ex, Optional<BatchProcessorConfig> batch) {
      if (batch.isEmpty()) {
        return ex;
      }
      BatchConfig b = batch.get().batch();
      List<OtlpExporterConfig> out = new java.util.ArrayList<>();
      for (OtlpExporterConfig o : ex.otlpExporters()) {
        if (exporterBatchGiven.contains(o.id()) && !o.batch().equals(b)) {
          root.error("exporters", "." + o.id() + ".batch", "", "exporter \"" + o.id() + "\" sets its own batch,"
              + " which differs from processor \"" + batch.get().id() + "\" of the pipeline: set batching in one"
              + " place (the processor for every exporter, or batch: in each exporter)");
          out.add(o);
        } else {
          out.add(o.withBatch(b));
        }
      }
      return new ExportersConfig(ex.prometheus(), out, ex.debug());
    }
  }

  /** The three lists of a pipeline as written. */
  private record PipelineLists(List<ComponentId> receivers, List<ComponentId> processors,
      List<ComponentId> exporters) {}

  private static void limitOne(List<ComponentId> ids, String type, String why, ConfigNode at, String key) {
    if (ids.size() > 1) {
      at.error(key, "", "", "declare one " + type + ", not " + ids.size() + " (" + String.join(", ",
          ids.stream().map(ComponentId::toString).toList()) + "): " + why);
    }
  }
}
