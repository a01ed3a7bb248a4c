package dev.rosetta.receiver.scrape;

import dev.rosetta.model.Labels;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import dev.rosetta.receiver.config.ValueParsers;
import dev.rosetta.relabel.RelabelRules;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One target to scrape, built from discovered labels as Prometheus builds it ({@code
 * PopulateLabels}): the discovered labels (the target's own over its group's), the job's defaults
 * where absent ({@code job}, {@code __scrape_interval__}, {@code __scrape_timeout__}, {@code
 * __metrics_path__}, {@code __scheme__}, {@code __param_<name>} for the first value of each
 * {@code params} entry), then {@code relabel_configs}. A target is dropped when the rules drop it;
 * it is invalid when {@code __address__} is empty or holds a {@code /}, or when its interval or
 * timeout does not parse, is zero, or the timeout exceeds the interval. Then the {@code __meta_*}
 * labels go, {@code instance} defaults to {@code __address__}, and the URL is
 * {@code __scheme__://__address____metrics_path__?params} ({@code __param_*} labels override
 * {@code params}' first values).
 *
 * @param labels every label after relabeling, {@code __} labels included (identity)
 * @param publicLabels the labels the target's series carry: those not starting with {@code __}
 */
public record ScrapeTarget(Labels labels, Labels publicLabels, URI url, Duration interval, Duration timeout) {
  public ScrapeTarget {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(publicLabels, "publicLabels");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** A discovered target that cannot be scraped, with the reason. */
  static final class InvalidTarget extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTarget(String message) {
      super(message);
    }
  }

  /** {@code job}'s {@code instance} label, or "". */
  public String instance() {
    return publicLabels.getOrDefault("instance", "");
  }

  /**
   * Builds the target, or empty when the relabel rules drop it.
   *
   * @param discovered the target's labels over its group's
   * @throws InvalidTarget when the result cannot be scraped
   */
  static Optional<ScrapeTarget> build(Labels discovered, ScrapeReceiverConfig.Job job, RelabelRules rules)
      throws InvalidTarget {
    Labels.Builder b = discovered.toBuilder();
    defaultLabel(b, discovered, "job", job.jobName());
    defaultLabel(b, discovered, "__scrape_interval__", ValueParsers.formatDuration(job.scrapeInterval()));
    defaultLabel(b, discovered, "__scrape_timeout__", ValueParsers.formatDuration(job.scrapeTimeout()));
    defaultLabel(b, discovered, "__metrics_path__", job.metricsPath());
    defaultLabel(b, discovered, "__scheme__", job.scheme());
    for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
      if (!p.getValue().isEmpty()) {
        defaultLabel(b, discovered, "__param_" + p.getKey(), p.getValue().get(0));
      }
    }
    Labels withDefaults = b.build();
    Labels relabeled = rules.apply(withDefaults);
    if (relabeled == null) {
      return Optional.empty();
    }
    String address = relabeled.getOrDefault("__address__", "");
    if (address.isEmpty()) {
      throw new InvalidTarget("no address");
    }
    if (address.contains("/")) {
      throw new InvalidTarget("\"" + address + "\" is not a valid hostname");
    }
    Duration interval = duration(relabeled, "__scrape_interval__", "scrape interval");
    Duration timeout = duration(relabeled, "__scrape_timeout__", "scrape timeout");
    if (timeout.compareTo(interval) > 0) {
      throw new InvalidTarget("scrape timeout cannot be greater than scrape interval (\""
          + relabeled.get("__scrape_timeout__") + "\" > \"" + relabeled.get("__scrape_interval__") + "\")");
    }
    Labels.Builder kept = Labels.builder();
    Labels.Builder visible = Labels.builder();
    for (int i = 0; i < relabeled.size(); i++) {
      String n = relabeled.name(i);
      if (n.startsWith("__meta_")) {
        continue;
      }
      kept.add(n, relabeled.value(i));
      if (!n.startsWith("__")) {
        visible.add(n, relabeled.value(i));
      }
    }
    if (relabeled.getOrDefault("instance", "").isEmpty()) {
      kept.add("instance", address);
      visible.add("instance", address);
    }
    Labels all = kept.build();
    return Optional.of(new ScrapeTarget(all, visible.build(), url(all, job), interval, timeout));
  }

  private static void defaultLabel(Labels.Builder b, Labels discovered, String name, String value) {
    String v = discovered.get(name);
    if (v == null || v.isEmpty()) {
      b.put(name, value);
    }
  }

  private static Duration duration(Labels l, String name, String what) throws InvalidTarget {
    String v = l.getOrDefault(name, "");
    Duration d;
    try {
      d = parsePrometheusDuration(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidTarget("error parsing " + what + ": " + e.getMessage());
    }
    if (d.isZero()) {
      throw new InvalidTarget(what + " cannot be 0");
    }
    return d;
  }

  /** A Prometheus duration: units y, w, d, h, m, s, ms in that order, e.g. {@code 1h30m}, {@code 15s}. */
  static Duration parsePrometheusDuration(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    long[] millis = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};
    long total = 0;
    int i = 0;
    int lastUnit = -1;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isDigit(text.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 15) {
        throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
      }
      long n = Long.parseLong(text.substring(start, i));
      int u = -1;
      if (text.startsWith("ms", i)) {
        u = 6;
        i += 2;
      } else if (i < text.length()) {
        String c = String.valueOf(text.charAt(i));
        for (int k = 0; k < 6; k++) {
          if (units[k].equals(c)) {
            u = k;
          }
        }
        i++;
      }
      if (u < 0 || u <= lastUnit) {
        throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
      }
      lastUnit = u;
      total = Math.addExact(total, Math.multiplyExact(n, millis[u]));
    }
    return Duration.ofMillis(total);
  }

  /** {@code __scheme__://__address____metrics_path__?query}. */
  private static URI url(Labels l, ScrapeReceiverConfig.Job job) throws InvalidTarget {
    Map<String, List<String>> params = new TreeMap<>();
    job.params().forEach((k, v) -> params.put(k, new ArrayList<>(v)));
    for (int i = 0; i < l.size(); i++) {
      if (l.name(i).startsWith("__param_")) {
        String k = l.name(i).substring("__param_".length());
        List<String> vs = params.computeIfAbsent(k, x -> new ArrayList<>());
        if (vs.isEmpty()) {
          vs.add(l.value(i));
        } else {
          vs.set(0, l.value(i));
        }
      }
    }
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      for (String v : e.getValue()) {
        if (query.length() > 0) {
          query.append('&');
        }
        query.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    String scheme = l.getOrDefault("__scheme__", "http");
    String path = l.getOrDefault("__metrics_path__", "");
    if (!path.isEmpty() && !path.startsWith("/")) {
      path = "/" + path;
    }
    String text = scheme + "://" + l.get("__address__") + encodePath(path) + (query.length() > 0 ? "?" + query : "");
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null) {
        throw new InvalidTarget("\"" + l.get("__address__") + "\" is not a valid host:port");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new InvalidTarget("invalid URL " + text + ": " + e.getReason());
    }
  }

  private static String encodePath(String path) {
    StringBuilder b = new StringBuilder();
    for (byte c : path.getBytes(StandardCharsets.UTF_8)) {
      int ch = c & 0xff;
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || "/-._~!$&'()*+,;=:@%".indexOf(ch) >= 0) {
        b.append((char) ch);
      } else {
        b.append('%').append(String.format("%02X", ch));
      }
    }
    return b.toString();
  }

  /**
   * The scrape offset within the interval, as Prometheus spreads targets: a hash of the target
   * (labels and URL) modulo the interval, pinned to absolute time so a restart keeps the phase.
   *
   * @return the delay from {@code nowNanos} (epoch nanoseconds) to the first scrape
   */
  long offsetNanos(long nowEpochNanos, long seed) {
    long interval = this.interval.toNanos();
    long base = interval - Math.floorMod(nowEpochNanos, interval);
    long offset = Long.remainderUnsigned(hash() ^ seed, interval);
    long next = base + offset;
    if (next > interval) {
      next -= interval;
    }
    return next;
  }

  /** FNV-1a over the labels and the URL. */
  long hash() {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < labels.size(); i++) {
      h = fnv(fnv(h, labels.name(i)), labels.value(i));
    }
    return fnv(h, url.toString());
  }

  private static long fnv(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= 0xff;
    h *= 0x100000001b3L;
    return h;
  }
}
