package dev.rosetta.receiver.telemetry;

import io.prometheus.client.CollectorRegistry;

/**
 * Rosetta's own metrics ({@code rosetta_receiver_*}) for the receivers, registered on the registry
 * that {@code /metrics} exposes. Other components (store, forwarder) register theirs on the same
 * registry. Thread-safe.
 */
public final class SelfMetrics {
  private final CollectorRegistry registry;
  private final LabelledCounter requests = new LabelledCounter("rosetta_receiver_requests",
      "Export requests received, by transport and outcome.", "transport", "outcome");
  private final LabelledCounter accepted = new LabelledCounter("rosetta_receiver_accepted_points",
      "Data points accepted, by transport.", "transport");
  private final LabelledCounter refused = new LabelledCounter("rosetta_receiver_refused_points",
      "Data points refused, by transport and reason.", "transport", "reason");

  private final LabelledCounter pipelineDropped = new LabelledCounter("rosetta_pipeline_dropped_points",
      "Points dropped inside the pipeline, by stage (relabel_input, views, relabel_output).", "stage");

  private final LabelledCounter views = new LabelledCounter("rosetta_views_points",
      "Points through the semantic views, by outcome (mapped, dropped by a drop view, invalid, "
          + "unmatched_passthrough, unmatched_dropped, duplicate: a series another name of the batch gave, "
          + "omitted as undefined values, overlay: made in addition by an overlay set).", "outcome");

  private final ViewStatistics viewStatistics = new ViewStatistics();

  public SelfMetrics(CollectorRegistry registry) {
    this.registry = registry;
    registry.register(BuildInfo.current());
    registry.register(views);
    registry.register(pipelineDropped);
    registry.register(requests);
    registry.register(accepted);
    registry.register(refused);
  }

  /** Points per view and the most frequent unmatched names (the status page shows them). */
  public ViewStatistics viewStatistics() {
    return viewStatistics;
  }

  /** Requests by (transport, outcome), for the status page. */
  public java.util.Map<java.util.List<String>, Double> requestCounts() {
    return requests.values();
  }

  /** Accepted points by transport, for the status page. */
  public java.util.Map<java.util.List<String>, Double> acceptedCounts() {
    return accepted.values();
  }

  /** Refused points by (transport, reason), for the status page. */
  public java.util.Map<java.util.List<String>, Double> refusedCounts() {
    return refused.values();
  }

  public CollectorRegistry registry() {
    return registry;
  }

  public void request(String transport, String outcome) {
    requests.inc(1, transport, outcome);
  }

  public void accepted(String transport, long points) {
    if (points > 0) {
      accepted.inc(points, transport);
    }
  }

  public void refused(String transport, String reason, long points) {
    if (points > 0) {
      refused.inc(points, transport, reason);
    }
  }

  public void views(String outcome, long points) {
    if (points > 0) {
      views.inc(points, outcome);
    }
  }

  public double viewsPoints(String outcome) {
    return views.get(outcome);
  }

  public void pipelineDropped(String stage, long points) {
    if (points > 0) {
      pipelineDropped.inc(points, stage);
    }
  }

  public double pipelineDroppedPoints(String stage) {
    return pipelineDropped.get(stage);
  }

  /** Current value of a refused counter, for tests and the load harness. */
  public double refusedPoints(String transport, String reason) {
    return refused.get(transport, reason);
  }

  public double acceptedPoints(String transport) {
    return accepted.get(transport);
  }

  public double requests(String transport, String outcome) {
    return requests.get(transport, outcome);
  }
}
