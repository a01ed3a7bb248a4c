package dev.rosetta.receiver.telemetry;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;

/**
 * Rosetta's own metrics ({@code rosetta_*}) for the receivers, registered on the registry that
 * {@code /metrics} exposes. Other components (store, forwarder) register theirs on the same
 * registry. Thread-safe.
 */
public final class SelfMetrics {
  private final CollectorRegistry registry;
  private final Counter requests;
  private final Counter accepted;
  private final Counter refused;

  public SelfMetrics(CollectorRegistry registry) {
    this.registry = registry;
    this.requests = Counter.build()
        .name("rosetta_receiver_requests_total")
        .help("Export requests received, by transport and outcome.")
        .labelNames("transport", "outcome")
        .register(registry);
    this.accepted = Counter.build()
        .name("rosetta_receiver_accepted_points_total")
        .help("Data points accepted, by transport.")
        .labelNames("transport")
        .register(registry);
    this.refused = Counter.build()
        .name("rosetta_receiver_refused_points_total")
        .help("Data points refused, by transport and reason.")
        .labelNames("transport", "reason")
        .register(registry);
  }

  public CollectorRegistry registry() {
    return registry;
  }

  public void request(String transport, String outcome) {
    requests.labels(transport, outcome).inc();
  }

  public void accepted(String transport, long points) {
    if (points > 0) {
      accepted.labels(transport).inc(points);
    }
  }

  public void refused(String transport, String reason, long points) {
    if (points > 0) {
      refused.labels(transport, reason).inc(points);
    }
  }

  /** Current value of a refused counter, for tests and the load harness. */
  public double refusedPoints(String transport, String reason) {
    return refused.labels(transport, reason).get();
  }

  public double acceptedPoints(String transport) {
    return accepted.labels(transport).get();
  }
}
