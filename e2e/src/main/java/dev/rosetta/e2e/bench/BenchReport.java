package dev.rosetta.e2e.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the benchmark's tables from the records {@link OtlpLoadClient} appended to a results file:
 * full-load throughput per receiver and round with ratios against Rosetta in the same round, the
 * 10,000 points/s case, the {@code /metrics} timings and the memory against the durable queue.
 */
public final class BenchReport {
  private BenchReport() {}

  /** One tab-separated record. */
  private record Row(String[] f) {
    String kind() {
      return f[0];
    }

    String round() {
      return f[1];
    }

    String name() {
      return f[2];
    }

    double num(int i) {
      return Double.parseDouble(f[i]);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BenchReport RESULTS_FILE");
      System.exit(2);
    }
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        rows.add(new Row(line.split("\t")));
      }
    }
    throughput(rows);
    rate(rows);
    scrape(rows);
    queue(rows);
  }

  private static void throughput(List<Row> rows) {
    List<Row> t = rows.stream().filter(r -> r.kind().equals("throughput")).toList();
    if (t.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Full load: OTLP/HTTP protobuf, Go runtime paths, 1,060 points per request, 100 distinct"
        + " requests (106,000 series), 4 connections");
    System.out.println();
    System.out.println("| receiver | round | points/s | points per receiver CPU-second | peak RSS"
        + " | points/s vs Rosetta | per CPU-second vs Rosetta | peak RSS vs Rosetta |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Row r : t) {
      Row base = t.stream().filter(b -> b.round().equals(r.round()) && b.name().equals("rosetta"))
          .findFirst().orElse(null);
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %,d MiB | %s | %s | %s |%n",
          r.name(), r.round(), r.num(3), r.num(4), (long) r.num(6) >> 10,
          ratio(r.num(3), base == null ? 0 : base.num(3)),
          ratio(r.num(4), base == null ? 0 : base.num(4)),
          ratio(r.num(6), base == null ? 0 : base.num(6)));
    }
    System.out.println();
    System.out.println("| receiver | points/s | points per receiver CPU-second | peak RSS |");
    System.out.println("|---|---|---|---|");
    Map<String, List<Row>> byName = new LinkedHashMap<>();
    t.forEach(r -> byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r));
    byName.forEach((name, rs) -> System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", name,
        range(rs, 3, 1), range(rs, 4, 1), range(rs, 6, 1024) + " MiB"));
  }

  private static void rate(List<Row> rows) {
    List<Row> t = rows.stream().filter(r -> r.kind().equals("rate")).toList();
    if (t.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Steady 10,000 points/s (requests of 106 points), after the warm-up");
    System.out.println();
    System.out.println("| receiver | points/s | % of a core | RSS at the end | peak RSS |");
    System.out.println("|---|---|---|---|---|");
    for (Row r : t) {
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %.1f%% | %,d MiB | %,d MiB |%n", r.name(), r.num(3),
          100 * r.num(5), (long) r.num(7) >> 10, (long) r.num(6) >> 10);
    }
  }

  private static void scrape(List<Row> rows) {
    List<Row> t = rows.stream().filter(r -> r.kind().startsWith("scrape")).toList();
    if (t.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("/metrics with 106,000 Go series loaded (histograms included)");
    System.out.println();
    System.out.println("| receiver | while | median | p99 | scrapes | body / ingest meanwhile | peak RSS |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Row r : t) {
      boolean loaded = r.kind().equals("scrape-loaded");
      String when = switch (r.kind()) {
        case "scrape-loaded" -> "full ingest";
        case "scrape-cold" -> "idle, first scrapes";
        case "scrape-gzip" -> "idle, gzip (as Prometheus asks)";
        default -> "idle, warmed up";
      };
      System.out.printf(Locale.ROOT, "| %s | %s | %.1f ms | %.1f ms | %s | %s | %,d MiB |%n", r.name(),
          when, r.num(3), r.num(4), r.f[6],
          loaded ? String.format(Locale.ROOT, "%,.0f points/s", r.num(5))
              : String.format(Locale.ROOT, "%,d bytes", (long) r.num(5)),
          (long) r.num(7) >> 10);
    }
  }

  private static void queue(List<Row> rows) {
    List<Row> t = rows.stream().filter(r -> r.kind().equals("queue")).toList();
    if (t.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Forwarding over OTLP/gRPC to a sink that acknowledges at once, at full load");
    System.out.println();
    System.out.println("| sending queue | points/s | points per receiver CPU-second | peak RSS | points/s vs memory |");
    System.out.println("|---|---|---|---|---|");
    Row base = t.stream().filter(r -> r.name().contains("memory")).findFirst().orElse(null);
    for (Row r : t) {
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,d MiB | %s |%n", r.name(), r.num(3), r.num(4),
          (long) r.num(6) >> 10, ratio(r.num(3), base == null ? 0 : base.num(3)));
    }
  }

  private static String ratio(double v, double base) {
    return base <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v / base);
  }

  private static String range(List<Row> rs, int col, double div) {
    double min = rs.stream().mapToDouble(r -> r.num(col) / div).min().orElse(0);
    double max = rs.stream().mapToDouble(r -> r.num(col) / div).max().orElse(0);
    if (div > 1) {
      min = Math.floor(min);
      max = Math.floor(max);
    }
    return String.format(Locale.ROOT, Math.round(min) == Math.round(max) ? "%,.0f" : "%,.0f–%,.0f", min, max);
  }
}
