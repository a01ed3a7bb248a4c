package dev.rosetta.receiver;

import dev.rosetta.receiver.config.ConfigLoader;
import dev.rosetta.receiver.config.RosettaConfig;
import dev.rosetta.receiver.lifecycle.ServiceHealth;
import dev.rosetta.receiver.pipeline.MetricStage;
import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reloads the configuration without a restart: when the configuration file or a file it names (view
 * files) changes — checked by content every {@code interval}, which also catches Kubernetes
 * ConfigMap updates through symlink swaps — and on {@link #reload()} (SIGHUP).
 *
 * <p>The new configuration is loaded and validated whole, and everything it needs (view sets,
 * relabel rules, the pipeline) is built before anything is swapped; then the pipeline, the series
 * limits and the log level change at once. An invalid configuration is rejected with its errors in
 * the log and {@code rosetta_config_reloads_total{result="failure"}}; the running one stays.
 * Listener addresses, TLS and the forwarder's settings are read at start only: a change to them is
 * logged as needing a restart.
 */
public final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConfigReloader.class.getName());

  /** Builds the pipeline for a configuration; may fail (e.g. a view file that does not load). */
  @FunctionalInterface
  public interface PipelineBuilder {
    MetricStage build(RosettaConfig config) throws Exception;
  }

  /** Swaps a prepared configuration in. */
  @FunctionalInterface
  public interface Applier {
    void apply(RosettaConfig config, MetricStage pipeline);
  }

  private final Path file;
  private final Map<String, String> env;
  private final PipelineBuilder builder;
  private final Applier applier;
  private final Function<RosettaConfig, List<Path>> watchedFiles;
  private final LabelledCounter reloads = new LabelledCounter("rosetta_config_reloads",
      "Configuration reloads, by result (success, failure).", "result");
  private volatile RosettaConfig current;
  private volatile byte[] fingerprint;
  private volatile boolean lastOk = true;
  private volatile long lastSuccessMillis;
  private final ServiceHealth health;
  private ScheduledExecutorService poller;

  /**
   * @param health the service's health: the reload thread comes from it, and a reload that dies of
   *     an {@link Error} or an unexpected exception while applying makes the service unhealthy
   */
  public ConfigReloader(Path file, Map<String, String> env, RosettaConfig initial, PipelineBuilder builder,
      Applier applier, Function<RosettaConfig, List<Path>> watchedFiles, CollectorRegistry registry,
      ServiceHealth health) {
    this.health = Objects.requireNonNull(health, "health");
    this.file = Objects.requireNonNull(file, "file");
    this.env = Map.copyOf(env);
    this.current = Objects.requireNonNull(initial, "initial");
    this.builder = Objects.requireNonNull(builder, "builder");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.watchedFiles = Objects.requireNonNull(watchedFiles, "watchedFiles");
    this.fingerprint = fingerprint(initial);
    this.lastSuccessMillis = System.currentTimeMillis();
    registry.register(reloads);
    registry.register(new Collector() {
      @Override
      public List<MetricFamilySamples> collect() {
        return List.of(
            new GaugeMetricFamily("rosetta_config_last_reload_successful",
                "1 when the last reload attempt succeeded (or none failed since start), else 0.", lastOk ? 1 : 0),
            new GaugeMetricFamily("rosetta_config_last_reload_success_timestamp_seconds",
                "When the configuration in force was loaded.", lastSuccessMillis / 1000.0));
      }
    });
  }

  /** The configuration in force. */
  public RosettaConfig current() {
    return current;
  }

  /** Starts checking the files for changes every {@code interval}. */
  public synchronized void start(Duration interval) {
    if (poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(health.threadFactory("rosetta-config-reload"));
    long ms = interval.toMillis();
    poller.scheduleWithFixedDelay(health.guard("configuration file check", this::checkForChange), ms, ms,
        TimeUnit.MILLISECONDS);
  }

  /** Reloads in the background (for a signal handler). */
  public void reloadAsync() {
    ScheduledExecutorService p = poller;
    if (p != null) {
      p.execute(health.guard("configuration reload", this::reload));
    } else {
      reload();
    }
  }

  private void checkForChange() {
    try {
      byte[] now = fingerprint(current);
      if (!Arrays.equals(now, fingerprint)) {
        LOG.info("configuration files changed: reloading " + file);
        reload();
      }
    } catch (RuntimeException e) {
      // a bad moment reading the files; an Error goes on to the guard and is fatal
      LOG.log(Level.WARNING, "checking " + file + " for changes failed", e);
    }
  }

  /**
   * Loads, validates and applies the configuration file now.
   *
   * @return true when the new configuration is in force
   */
  public synchronized boolean reload() {
    // the file and its view files together: every problem of every file in one report
    dev.rosetta.receiver.views.ConfigCheck.Result checked =
        dev.rosetta.receiver.views.ConfigCheck.run(file, env, dev.rosetta.receiver.config.FileCheck.readable());
    if (!checked.ok()) {
      return failed(checked.errors());
    }
    RosettaConfig next = checked.config().orElseThrow();
    MetricStage pipeline;
    try {
      pipeline = builder.build(next);
    } catch (Exception e) {
      return failed(List.of(file + ": " + e.getMessage()));
    }
    warnAboutRestartOnlyChanges(current, next);
    applier.apply(next, pipeline);
    current = next;
    fingerprint = fingerprint(next);
    lastOk = true;
    lastSuccessMillis = System.currentTimeMillis();
    reloads.inc(1, "success");
    LOG.info("configuration reloaded from " + file);
    return true;
  }

  private boolean failed(List<String> errors) {
    // Remember the failed content so the same broken file is not retried every interval.
    fingerprint = fingerprint(current);
    lastOk = false;
    reloads.inc(1, "failure");
    // one line, whatever the number of errors: the errors are a field (a list in JSON, errors="a; b"
    // on the console), so a log pipeline keeps them with the message
    dev.rosetta.receiver.telemetry.LogFields.of("file", file.toString(), "errors", errors).log(LOG, Level.WARNING,
        "configuration reload rejected; the running configuration stays (" + errors.size()
            + (errors.size() == 1 ? " error)" : " errors)"));
    return false;
  }

  private static void warnAboutRestartOnlyChanges(RosettaConfig old, RosettaConfig next) {
    if (!old.receivers().equals(next.receivers()) || !old.exporters().equals(next.exporters())
        || !old.extensions().equals(next.extensions())
        || !old.service().shutdownTimeout().equals(next.service().shutdownTimeout())) {
      LOG.warning("receivers, exporters, extensions or service.shutdown_timeout changed: these apply after a"
          + " restart; views, relabel rules, limits and the log level apply now");
    }
  }

  private byte[] fingerprint(RosettaConfig config) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      digest(md, file);
      for (Path p : watchedFiles.apply(config)) {
        md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest(md, p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  private static void digest(MessageDigest md, Path p) {
    try {
      md.update(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      md.update((byte) 0);
    } catch (IOException e) {
      md.update((byte) 1);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }
}
