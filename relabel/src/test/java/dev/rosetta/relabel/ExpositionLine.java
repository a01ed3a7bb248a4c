package dev.rosetta.relabel;

import dev.rosetta.model.Labels;

/** Reads the series part of a Prometheus text exposition line: {@code name{a="1",b="x\"y"}}. */
final class ExpositionLine {
  private ExpositionLine() {}

  static Labels parse(String series) {
    Labels.Builder b = Labels.builder();
    int brace = series.indexOf('{');
    if (brace < 0) {
      return b.add("__name__", series).build();
    }
    b.add("__name__", series.substring(0, brace));
    int i = brace + 1;
    while (series.charAt(i) != '}') {
      int eq = series.indexOf('=', i);
      String name = series.substring(i, eq);
      i = eq + 2; // skip ="
      StringBuilder value = new StringBuilder();
      while (series.charAt(i) != '"') {
        char c = series.charAt(i++);
        if (c == '\\') {
          char e = series.charAt(i++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      i++; // closing quote
      if (series.charAt(i) == ',') {
        i++;
      }
      b.add(name, value.toString());
    }
    return b.build();
  }
}
