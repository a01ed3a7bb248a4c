package dev.rosetta.receiver.status;

import java.util.List;
import java.util.Objects;

/**
 * What the status page shows, as plain text in sections of facts and tables; {@link StatusHtml}
 * renders it. Every list is bounded by whoever builds it; a table says how many rows it left out.
 * Immutable.
 */
public record StatusPage(String title, String generatedAt, List<Section> sections) {
  public StatusPage {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(generatedAt, "generatedAt");
    sections = List.copyOf(sections);
  }

  /** A section: a heading, facts (name: value) and tables. {@code id} is its HTML id. */
  public record Section(String id, String heading, List<Fact> facts, List<Table> tables) {
    public Section {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(heading, "heading");
      facts = List.copyOf(facts);
      tables = List.copyOf(tables);
    }
  }

  /** One named value. */
  public record Fact(String name, String value) {
    public Fact {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A table: {@code id} is its HTML id; {@code omitted} the rows left out beyond the top N shown;
   * {@code empty} what it says when it has no row.
   */
  public record Table(String id, String caption, List<String> columns, List<List<String>> rows, long omitted,
      String empty) {
    public Table {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(caption, "caption");
      Objects.requireNonNull(empty, "empty");
      columns = List.copyOf(columns);
      List<List<String>> copied = new java.util.ArrayList<>(rows.size());
      for (List<String> r : rows) {
        if (r.size() != columns.size()) {
          throw new IllegalArgumentException("table " + id + ": a row of " + r.size() + " cells under "
              + columns.size() + " columns");
        }
        copied.add(List.copyOf(r));
      }
      rows = List.copyOf(copied);
    }
  }
}
