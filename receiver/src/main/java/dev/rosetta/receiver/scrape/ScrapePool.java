package dev.rosetta.receiver.scrape;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.discovery.Discoverer;
import dev.rosetta.receiver.discovery.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The targets of one job: the groups its discoverers give, turned into targets by the job's
 * {@code relabel_configs}, each scraped by a {@link ScrapeLoop}. A change of groups is applied
 * shortly after it arrives (changes that come together are applied once): new targets start, targets
 * no longer discovered stop and their series leave the store, unchanged targets go on undisturbed.
 *
 * <p>Thread-safe: discoverers call {@link #update} from their threads; the sync runs on the scrape
 * scheduler; state is guarded by {@code this}.
 */
final class ScrapePool {
  private static final Logger LOG = Logger.getLogger(ScrapePool.class.getName());
  private static final long SYNC_DELAY_MILLIS = 50;

  private final ScrapeJob job;
  private final List<Discoverer> discoverers;
  private final ScrapeManager.Runtime rt;
  private final Map<String, TargetGroup> groups = new LinkedHashMap<>();
  private final Map<Labels, ScrapeLoop> loops = new HashMap<>();
  private final Set<String> loggedInvalid = new HashSet<>();
  private boolean syncPending;
  private boolean stopped;

  ScrapePool(ScrapeJob job, List<Discoverer> discoverers, ScrapeManager.Runtime rt) {
    this.job = job;
    this.discoverers = List.copyOf(discoverers);
    this.rt = rt;
  }

  String jobName() {
    return job.config.jobName();
  }

  void start() {
    for (int i = 0; i < discoverers.size(); i++) {
      int index = i;
      Discoverer d = discoverers.get(i);
      try {
        d.start(g -> update(index, g));
      } catch (RuntimeException e) {
        LOG.warning("job " + jobName() + ": " + d.describe() + " cannot start: " + e.getMessage());
        rt.metrics().discoveryErrors.labels(job.receiver, "start").inc();
      }
    }
  }

  /** New or changed groups from discoverer {@code index}; an empty group removes its source. */
  synchronized void update(int index, List<TargetGroup> changed) {
    if (stopped || changed.isEmpty()) {
      return;
    }
    for (TargetGroup g : changed) {
      String key = index + "\u0000" + g.source();
      if (g.targets().isEmpty()) {
        groups.remove(key);
      } else {
        groups.put(key, g);
      }
    }
    if (!syncPending) {
      syncPending = true;
      rt.scheduler().schedule(rt.health().guard("scrape target sync", this::sync), SYNC_DELAY_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Applies the current groups: starts new targets, stops vanished ones. */
  void sync() {
    List<ScrapeLoop> toStop = new ArrayList<>();
    synchronized (this) {
      syncPending = false;
      if (stopped) {
        return;
      }
      Map<Labels, ScrapeTarget> wanted = new LinkedHashMap<>();
      int dropped = 0;
      int invalid = 0;
      for (TargetGroup g : groups.values()) {
        for (Labels t : g.targets()) {
          Labels.Builder b = g.labels().toBuilder();
          t.forEach(b::put);
          try {
            Optional<ScrapeTarget> st = ScrapeTarget.build(b.build(), job.config, job.targetRelabel);
            if (st.isEmpty()) {
              dropped++;
            } else {
              wanted.putIfAbsent(st.get().labels(), st.get());
            }
          } catch (ScrapeTarget.InvalidTarget e) {
            invalid++;
            if (loggedInvalid.size() < 100 && loggedInvalid.add(e.getMessage())) {
              LOG.warning("job " + jobName() + ": a discovered target cannot be scraped: " + e.getMessage()
                  + " (labels " + t + "; logged once)");
            }
          }
        }
      }
      for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!wanted.containsKey(e.getKey())) {
          toStop.add(e.getValue());
          it.remove();
        }
      }
      for (ScrapeTarget t : wanted.values()) {
        if (!loops.containsKey(t.labels())) {
          ScrapeLoop loop = new ScrapeLoop(job, t, rt.client(), rt.workers(), rt.ingest(), rt.metrics());
          loops.put(t.labels(), loop);
          loop.start(rt.scheduler(), rt.seed());
        }
      }
      rt.metrics().targets.labels(job.receiver, jobName(), "active").set(loops.size());
      rt.metrics().targets.labels(job.receiver, jobName(), "dropped").set(dropped);
      rt.metrics().targets.labels(job.receiver, jobName(), "invalid").set(invalid);
    }
    for (ScrapeLoop l : toStop) {
      l.stop();
    }
  }

  /** Stops the discoverers and every target (their series leave the store). */
  void stop() {
    List<ScrapeLoop> all;
    synchronized (this) {
      stopped = true;
      all = new ArrayList<>(loops.values());
      loops.clear();
    }
    for (Discoverer d : discoverers) {
      try {
        d.close();
      } catch (RuntimeException e) {
        LOG.fine("closing " + d.describe() + ": " + e);
      }
    }
    for (ScrapeLoop l : all) {
      l.stop();
    }
  }

  /** The active targets' loops, for the status page. */
  synchronized List<ScrapeLoop> loops() {
    return new ArrayList<>(loops.values());
  }

  /** The active targets, for tests and status. */
  synchronized List<ScrapeTarget> targets() {
    List<ScrapeTarget> out = new ArrayList<>();
    for (ScrapeLoop l : loops.values()) {
      out.add(l.target());
    }
    return out;
  }

  /** Scrapes every target now (tests, benchmark warm-up). */
  synchronized void scrapeAllNow() {
    for (ScrapeLoop l : loops.values()) {
      rt.workers().execute(l::scrapeNow);
    }
  }
}
