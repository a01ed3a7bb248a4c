package dev.rosetta.receiver.discovery;

import dev.rosetta.model.Labels;
import dev.rosetta.model.io.TextFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code file_sd_configs}: target groups from JSON or YAML files, as Prometheus reads them — a list
 * of {@code {targets: [host:port, ...], labels: {name: value}}}, each group labelled
 * {@code __meta_filepath} with its file. A {@code *} pattern in the last path element matches files
 * as they come and go.
 *
 * <p>The files are looked at every {@code pollInterval} (modification time and size; a ConfigMap
 * update, which swaps a symlink, counts) and read again in full every {@code refreshInterval}. A
 * changed file replaces its groups; a file that went away removes them; a file that cannot be read
 * or parsed keeps its previous groups, and the problem is logged once per content. Runs on the
 * given scheduler; {@code updates} is called there.
 */
public final class FileDiscoverer implements Discoverer {
  private static final Logger LOG = Logger.getLogger(FileDiscoverer.class.getName());
  private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private final List<Path> patterns;
  private final Duration refreshInterval;
  private final Duration pollInterval;
  private final ScheduledExecutorService scheduler;
  private final Runnable onError;
  /** Per file: its signature and how many groups it gave. Touched only on the scheduler thread. */
  private final Map<Path, FileState> files = new HashMap<>();
  private final Map<Path, String> loggedProblem = new HashMap<>();
  private Consumer<List<TargetGroup>> updates;
  private ScheduledFuture<?> task;
  private long lastFullRead;

  private record FileState(String signature, int groups) {}

  /**
   * @param onError called once per file problem (for a counter)
   */
  public FileDiscoverer(List<Path> patterns, Duration refreshInterval, Duration pollInterval,
      ScheduledExecutorService scheduler, Runnable onError) {
    this.patterns = List.copyOf(patterns);
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.onError = Objects.requireNonNull(onError, "onError");
  }

  @Override
  public synchronized void start(Consumer<List<TargetGroup>> updates) {
    this.updates = Objects.requireNonNull(updates, "updates");
    task = scheduler.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }

  @Override
  public String describe() {
    return "file_sd_configs " + patterns;
  }

  /** One look at the files; public for tests that drive it by hand. */
  void poll() {
    boolean full = System.nanoTime() - lastFullRead >= refreshInterval.toNanos() || lastFullRead == 0;
    if (full) {
      lastFullRead = System.nanoTime();
    }
    Set<Path> present = new TreeSet<>();
    for (Path pattern : patterns) {
      present.addAll(expand(pattern));
    }
    List<TargetGroup> changes = new ArrayList<>();
    for (Path file : present) {
      String sig = signature(file);
      FileState old = files.get(file);
      if (old != null && old.signature().equals(sig) && !full) {
        continue;
      }
      List<TargetGroup> groups;
      try {
        groups = read(file);
      } catch (IOException | IllegalArgumentException e) {
        String problem = e.getMessage();
        if (!problem.equals(loggedProblem.get(file))) {
          loggedProblem.put(file, problem);
          LOG.warning("file_sd: " + file + ": " + problem + "; its previous targets stay (logged once)");
          onError.run();
        }
        if (old == null) {
          files.put(file, new FileState(sig, 0));
        } else {
          files.put(file, new FileState(sig, old.groups()));
        }
        continue;
      }
      loggedProblem.remove(file);
      changes.addAll(groups);
      int before = old == null ? 0 : old.groups();
      for (int i = groups.size(); i < before; i++) {
        changes.add(TargetGroup.empty(source(file, i)));
      }
      files.put(file, new FileState(sig, groups.size()));
    }
    for (Path gone : new ArrayList<>(files.keySet())) {
      if (!present.contains(gone)) {
        FileState old = files.remove(gone);
        loggedProblem.remove(gone);
        for (int i = 0; i < old.groups(); i++) {
          changes.add(TargetGroup.empty(source(gone, i)));
        }
      }
    }
    if (!changes.isEmpty() || full) {
      updates.accept(changes);
    }
  }

  private static String source(Path file, int index) {
    return file + ":" + index;
  }

  /** The files a pattern names now; a pattern may hold * and ? in its last element. */
  static List<Path> expand(Path pattern) {
    Path name = pattern.getFileName();
    if (name == null) {
      return List.of();
    }
    String glob = name.toString();
    if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0 && glob.indexOf('[') < 0) {
      return Files.exists(pattern) ? List.of(pattern) : List.of();
    }
    Path dir = pattern.getParent() == null ? Path.of("") : pattern.getParent();
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.toString().isEmpty() ? Path.of(".") : dir)) {
      for (Path p : ds) {
        Path fn = p.getFileName();
        if (fn != null && m.matches(fn) && !fn.toString().startsWith("..") && Files.isRegularFile(p)) {
          out.add(dir.toString().isEmpty() ? fn : dir.resolve(fn));
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  private static String signature(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + file.toRealPath();
    } catch (IOException e) {
      return "unreadable";
    }
  }

  /**
   * The groups of one file.
   *
   * @throws IllegalArgumentException naming what is wrong with the content
   */
  static List<TargetGroup> read(Path file) throws IOException {
    String text;
    try {
      text = TextFiles.readUtf8(file, "file_sd file", MAX_FILE_BYTES);
    } catch (TextFiles.UnreadableException e) {
      throw new IOException(e.getMessage(), e);
    }
    return parse(text, file);
  }

  /** Parses the content of a file_sd file (JSON or YAML). */
  static List<TargetGroup> parse(String text, Path file) {
    Object tree;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(50);
      options.setAllowDuplicateKeys(false);
      tree = new Yaml(new SafeConstructor(options)).load(text);
    } catch (RuntimeException e) {
      // YAMLException, and the plain runtime exceptions SnakeYAML lets through for some malformed
      // input (a tag such as "!-%a")
      throw new IllegalArgumentException("not valid " + (file.toString().endsWith(".json") ? "JSON" : "YAML") + ": "
          + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
    if (tree == null) {
      return List.of();
    }
    if (!(tree instanceof List<?> list)) {
      throw new IllegalArgumentException("expected a list of target groups ({targets: [...], labels: {...}})");
    }
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> g)) {
        throw new IllegalArgumentException("[" + i + "]: expected a map with targets and labels");
      }
      for (Object k : g.keySet()) {
        if (!"targets".equals(k) && !"labels".equals(k)) {
          throw new IllegalArgumentException("[" + i + "]: unknown key \"" + k + "\"; valid keys: targets, labels");
        }
      }
      List<Labels> targets = new ArrayList<>();
      Object t = g.get("targets");
      if (t != null) {
        if (!(t instanceof List<?> tl)) {
          throw new IllegalArgumentException("[" + i + "].targets: expected a list of host:port");
        }
        for (int j = 0; j < tl.size(); j++) {
          Object v = tl.get(j);
          if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("[" + i + "].targets[" + j + "]: expected host:port");
          }
          if (s.contains("/")) {
            throw new IllegalArgumentException("[" + i + "].targets[" + j + "]: \"" + s + "\" is not a valid host:port");
          }
          targets.add(Labels.of("__address__", s));
        }
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Object l = g.get("labels");
      if (l != null) {
        if (!(l instanceof Map<?, ?> lm)) {
          throw new IllegalArgumentException("[" + i + "].labels: expected a map of label names to values");
        }
        for (Map.Entry<?, ?> e : lm.entrySet()) {
          if (!(e.getKey() instanceof String name) || name.isEmpty()) {
            throw new IllegalArgumentException("[" + i + "].labels: label names are non-empty strings");
          }
          Object v = e.getValue();
          if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException("[" + i + "].labels." + name + ": expected a string");
          }
          labels.put(name, String.valueOf(v));
        }
      }
      labels.put("__meta_filepath", file.toString());
      groups.add(new TargetGroup(source(file, i), targets, Labels.of(labels)));
    }
    return groups;
  }

  /** For tests: whether a file is known. */
  boolean knows(Path file) {
    return files.containsKey(file);
  }
}
