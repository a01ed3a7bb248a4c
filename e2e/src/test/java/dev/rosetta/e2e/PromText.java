package dev.rosetta.e2e;

import dev.rosetta.model.Labels;
import dev.rosetta.model.prom.PromFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The families of a Prometheus text exposition (format 0.0.4), as a scrape hands them over: each
 * {@code # TYPE} line opens a family, its {@code # HELP} gives the help, and the sample lines that
 * follow and start with the family name are its samples ({@code _bucket}, {@code _sum}, {@code
 * _count} included); a sample without a family is an untyped family of its own. Enough for the
 * expositions of client_golang the tests read; not a general parser.
 */
final class PromText {
  private PromText() {}

  static List<PromFamily> parse(String text) {
    List<PromFamily> out = new ArrayList<>();
    Map<String, String> help = new HashMap<>();
    String name = null;
    PromFamily.Type type = null;
    List<PromFamily.Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] f = line.split(" ", 4);
        help.put(f[2], f.length > 3 ? f[3] : "");
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        if (name != null) {
          out.add(new PromFamily(name, type, help.getOrDefault(name, ""), "", samples));
        }
        String[] f = line.split(" ");
        name = f[2];
        type = PromFamily.Type.valueOf(f[3].toUpperCase(Locale.ROOT));
        samples = new ArrayList<>();
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Exposition.Sample s = Exposition.sample(line);
      PromFamily.Sample sample = new PromFamily.Sample(s.name(), Labels.of(s.labels()), s.value(), Long.MIN_VALUE);
      if (name != null && s.name().startsWith(name)) {
        samples.add(sample);
      } else {
        if (name != null) {
          out.add(new PromFamily(name, type, help.getOrDefault(name, ""), "", samples));
        }
        name = null;
        out.add(new PromFamily(s.name(), PromFamily.Type.UNTYPED, "", "", List.of(sample)));
      }
    }
    if (name != null) {
      out.add(new PromFamily(name, type, help.getOrDefault(name, ""), "", samples));
    }
    return out;
  }
}
