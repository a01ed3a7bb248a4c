package dev.rosetta.receiver.scrape;

/**
 * Why a scrape failed; the {@code reason} label of {@code rosetta_scrape_failures_total}. A failed
 * scrape sets {@code up} to 0 and makes the target's other series stale, as in Prometheus.
 */
public enum ScrapeFailure {
  /** The target could not be connected to (refused, unreachable, DNS, TLS handshake). */
  CONNECTION("connection"),
  /** No complete answer within {@code scrape_timeout}. */
  TIMEOUT("timeout"),
  /** An HTTP status other than 200. */
  HTTP_STATUS("http_status"),
  /** The (decompressed) body reached {@code body_size_limit}. */
  BODY_SIZE_LIMIT("body_size_limit"),
  /** A Content-Type no parser reads, and no {@code scrape_fallback_protocol}. */
  CONTENT_TYPE("content_type"),
  /** The body is not valid in its format. */
  PARSE("parse"),
  /** More samples than {@code sample_limit} after metric relabeling. */
  SAMPLE_LIMIT("sample_limit"),
  /** A sample past {@code label_limit}, {@code label_name_length_limit} or {@code label_value_length_limit}. */
  LABEL_LIMIT("label_limit"),
  /** The pipeline refused the scrape (the forward queue is full, or the service is stopping). */
  OVERLOADED("overloaded");

  /** The label value. */
  public final String label;

  ScrapeFailure(String label) {
    this.label = label;
  }
}
