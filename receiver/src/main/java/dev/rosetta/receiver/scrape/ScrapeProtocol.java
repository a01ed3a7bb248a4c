package dev.rosetta.receiver.scrape;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The exposition formats a scrape can ask for, under the names of Prometheus's
 * {@code scrape_protocols}, with the media type each is asked for by, and the content negotiation
 * around them.
 */
public enum ScrapeProtocol {
  PROMETHEUS_PROTO("PrometheusProto",
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"),
  OPENMETRICS_TEXT_1_0_0("OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0"),
  OPENMETRICS_TEXT_0_0_1("OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1"),
  PROMETHEUS_TEXT_1_0_0("PrometheusText1.0.0", "text/plain;version=1.0.0"),
  PROMETHEUS_TEXT_0_0_4("PrometheusText0.0.4", "text/plain;version=0.0.4");

  /**
   * Rosetta's default: the protobuf format first (where a target offers it, it is the cheapest and
   * exact to read), then OpenMetrics, then the text format — Prometheus's own order when it
   * prefers protobuf.
   */
  public static final List<ScrapeProtocol> DEFAULTS = List.of(PROMETHEUS_PROTO, OPENMETRICS_TEXT_1_0_0,
      OPENMETRICS_TEXT_0_0_1, PROMETHEUS_TEXT_1_0_0, PROMETHEUS_TEXT_0_0_4);

  /** How a body is parsed. */
  public enum Parser { PROTOBUF, OPENMETRICS, TEXT }

  public final String configName;
  final String mediaType;

  ScrapeProtocol(String configName, String mediaType) {
    this.configName = configName;
    this.mediaType = mediaType;
  }

  /** The protocol of a {@code scrape_protocols} entry, as Prometheus spells it. */
  public static Optional<ScrapeProtocol> fromConfigName(String name) {
    for (ScrapeProtocol p : values()) {
      if (p.configName.equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  Parser parser() {
    return switch (this) {
      case PROMETHEUS_PROTO -> Parser.PROTOBUF;
      case OPENMETRICS_TEXT_0_0_1, OPENMETRICS_TEXT_1_0_0 -> Parser.OPENMETRICS;
      case PROMETHEUS_TEXT_0_0_4, PROMETHEUS_TEXT_1_0_0 -> Parser.TEXT;
    };
  }

  /**
   * The Accept header for protocols in order of preference, as Prometheus writes it: each media
   * type with a falling weight ({@code q=0.6}, {@code q=0.5}, ...; the 1.0.0 text formats with
   * {@code escaping=allow-utf-8}), then {@code *}{@code /*} last.
   */
  public static String acceptHeader(List<ScrapeProtocol> protocols) {
    StringBuilder b = new StringBuilder();
    int weight = values().length + 1;
    for (ScrapeProtocol p : protocols) {
      b.append(p.mediaType);
      if (p == PROMETHEUS_TEXT_1_0_0 || p == OPENMETRICS_TEXT_1_0_0) {
        b.append(";escaping=allow-utf-8");
      }
      b.append(";q=0.").append(weight).append(',');
      weight--;
    }
    return b.append("*/*;q=0.").append(weight).toString();
  }

  /**
   * The parser for a response's Content-Type, as Prometheus chooses it: OpenMetrics for {@code
   * application/openmetrics-text}, protobuf for {@code application/vnd.google.protobuf} of
   * {@code io.prometheus.client.MetricFamily}, the text format for {@code text/plain}. Anything else
   * (or no Content-Type) has no parser unless a fallback is configured.
   */
  static Optional<Parser> forContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String[] parts = contentType.split(";");
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    switch (media) {
      case "application/openmetrics-text":
        return Optional.of(Parser.OPENMETRICS);
      case "text/plain":
        return Optional.of(Parser.TEXT);
      case "application/vnd.google.protobuf":
        for (int i = 1; i < parts.length; i++) {
          String[] kv = parts[i].trim().split("=", 2);
          if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("proto")
              && !kv[1].trim().equals("io.prometheus.client.MetricFamily")) {
            return Optional.empty();
          }
          if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("encoding")
              && !kv[1].trim().equalsIgnoreCase("delimited")) {
            return Optional.empty();
          }
        }
        return Optional.of(Parser.PROTOBUF);
      default:
        return Optional.empty();
    }
  }
}
