package dev.rosetta.model.name;

import java.util.Objects;
import java.util.Optional;

/**
 * A raw name of another Go instrumentation recognised as the runtime/metrics path it measures
 * (see {@link GoNameRecognizer}). Immutable.
 *
 * @param input the name as it arrived
 * @param path the Go runtime path it measures
 * @param source whose name it is
 * @param form how the name was written: {@code "exposed"}, {@code "_total trimmed"}, {@code "unit
 *     trimmed"}, {@code "1.12.0 histogram _total"} (client_golang 1.12.0/1.12.1), {@code "listed"}
 *     (a name of the equivalence table)
 * @param minus when present, the value of the path is this name's value minus that name's value
 *     (the same batch, resource, scope and point labels): MemStats' composite quantities
 * @param boundsBelowEdges whether histogram bucket bounds are client_golang's (the runtime's edges
 *     moved to the next float64 below), to be moved back with {@link ClientGolangNames#runtimeEdge}
 */
public record Recognition(
    String input, GoPath path, Source source, String form, Optional<String> minus, boolean boundsBelowEdges) {

  /** Whose name a recognised name is, in the order in which duplicates give way. */
  public enum Source {
    /** client_golang's name for a runtime/metrics path, by its naming rule. */
    CLIENT_GOLANG_RULE("client_golang runtime/metrics name"),
    /** client_golang's MemStats-style and base collector names. */
    CLIENT_GOLANG("client_golang"),
    /** OpenTelemetry Go contrib's runtime instrumentation before the go.* conventions. */
    OTEL_GO_DEPRECATED("OpenTelemetry Go contrib (deprecated runtime metrics)");

    private final String description;

    Source(String description) {
      this.description = description;
    }

    /** Words for explain output. */
    public String description() {
      return description;
    }

    /** The word in the equivalence table: {@code client_golang}, {@code otel-go-deprecated}. */
    static Optional<Source> fromWord(String word) {
      return switch (word) {
        case "client_golang" -> Optional.of(CLIENT_GOLANG);
        case "otel-go-deprecated" -> Optional.of(OTEL_GO_DEPRECATED);
        default -> Optional.empty();
      };
    }

    /**
     * The rank of a metric of this source among metrics that land on the same series in one batch:
     * lower wins. The path itself ranks 0.
     */
    public int rank() {
      return ordinal() + 1;
    }
  }

  public Recognition {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(minus, "minus");
  }

  /** One line for explain: what the name was recognised as, and how its value is taken. */
  public String describe() {
    String s = path.text() + " (" + source.description() + ", " + form + ")";
    return minus.isPresent() ? s + "; value = " + input + " - " + minus.get() + " of the same batch" : s;
  }
}
