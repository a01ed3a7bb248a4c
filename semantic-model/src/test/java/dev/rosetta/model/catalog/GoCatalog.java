package dev.rosetta.model.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Go runtime/metrics catalog (every metric of Go 1.16 to 1.26): a copy of
 * {@code shared/catalog/go-runtime-metrics.tsv} kept as test data in {@code catalog/}.
 */
final class GoCatalog {
  static final String RESOURCE = "/catalog/go-runtime-metrics.tsv";

  /** One metric: its path with unit, Go value kind, whether cumulative, and the release that added it. */
  record Row(String name, String kind, boolean cumulative, String addedIn) {
    Row {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(addedIn, "addedIn");
    }

    boolean histogram() {
      return kind.equals("KindFloat64Histogram");
    }

    boolean floating() {
      return kind.equals("KindFloat64");
    }
  }

  private GoCatalog() {}

  static List<Row> rows() {
    try (InputStream in = GoCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Row> parse(String tsv) {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new java.io.StringReader(tsv))) {
      String header = r.readLine();
      if (header == null || !header.startsWith("name\tkind\tcumulative\tadded_in")) {
        throw new IllegalStateException("unexpected catalog header: " + header);
      }
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new IllegalStateException("catalog line without 4 columns: " + line);
        }
        rows.add(new Row(f[0], f[1], Boolean.parseBoolean(f[2]), f[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(rows);
  }
}
