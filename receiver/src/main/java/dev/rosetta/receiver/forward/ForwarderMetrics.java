package dev.rosetta.receiver.forward;

import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.prometheus.client.Gauge;
import java.util.Objects;

/**
 * The forwarder's self-metrics, registered on a {@link CollectorRegistry} once.
 *
 * <p>Thread-safe. Several forwarders may share one instance one after the other (a configuration
 * reload replacing the forwarder): counters keep counting and the queue gauges are maintained by
 * increments, so they add up across live instances. Registering a second instance on the same
 * registry fails, as simpleclient rejects duplicate names.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code rosetta_exporter_enqueued_points_total}</td><td>counter</td>
 *       <td>points accepted by {@code offer}</td></tr>
 *   <tr><td>{@code rosetta_exporter_sent_points_total}</td><td>counter</td>
 *       <td>points the downstream accepted</td></tr>
 *   <tr><td>{@code rosetta_exporter_sent_requests_total}</td><td>counter</td>
 *       <td>successful export calls (after batching)</td></tr>
 *   <tr><td>{@code rosetta_exporter_send_failed_requests_total{code}}</td><td>counter</td>
 *       <td>export attempts that failed, by gRPC status code</td></tr>
 *   <tr><td>{@code rosetta_exporter_retries_total}</td><td>counter</td>
 *       <td>retries scheduled after a retryable failure</td></tr>
 *   <tr><td>{@code rosetta_exporter_dropped_points_total{reason}}</td><td>counter</td>
 *       <td>accepted points not delivered, by {@link DropReason}</td></tr>
 *   <tr><td>{@code rosetta_exporter_refused_points_total{reason}}</td><td>counter</td>
 *       <td>points refused by {@code offer}, by {@link RefusalReason}; not part of enqueued</td></tr>
 *   <tr><td>{@code rosetta_exporter_queue_requests}</td><td>gauge</td>
 *       <td>requests waiting in the sending queue</td></tr>
 *   <tr><td>{@code rosetta_exporter_queue_points}</td><td>gauge</td>
 *       <td>points waiting in the sending queue</td></tr>
 *   <tr><td>{@code rosetta_exporter_in_flight_points}</td><td>gauge</td>
 *       <td>points taken from the queue and not yet sent or dropped (batching, sending,
 *       waiting to retry)</td></tr>
 * </table>
 *
 * <p>At any time {@code enqueued = sent + dropped + queue_points + in_flight_points}, up to updates
 * in progress.
 */
public final class ForwarderMetrics {
  private final LabelledCounter enqueuedPoints;
  private final LabelledCounter sentPoints;
  private final LabelledCounter sentRequests;
  private final LabelledCounter failedRequests;
  private final LabelledCounter retries;
  private final LabelledCounter droppedPoints;
  private final LabelledCounter refusedPoints;
  private final Gauge queueRequests;
  private final Gauge queuePoints;
  private final Gauge inFlightPoints;

  /** Registers the metrics on {@code registry}. */
  public ForwarderMetrics(CollectorRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    enqueuedPoints = new LabelledCounter("rosetta_exporter_enqueued_points",
            "Data points accepted into the OTLP forwarder's sending queue.");
    registry.register(enqueuedPoints);
    sentPoints = new LabelledCounter("rosetta_exporter_sent_points",
            "Data points the downstream OTLP receiver accepted.");
    registry.register(sentPoints);
    sentRequests = new LabelledCounter("rosetta_exporter_sent_requests",
            "Export calls the downstream OTLP receiver accepted.");
    registry.register(sentRequests);
    failedRequests = new LabelledCounter("rosetta_exporter_send_failed_requests",
            "Export attempts that failed, by gRPC status code.", "code");
    registry.register(failedRequests);
    retries = new LabelledCounter("rosetta_exporter_retries",
            "Export retries scheduled after a retryable failure.");
    registry.register(retries);
    droppedPoints = new LabelledCounter("rosetta_exporter_dropped_points",
            "Accepted data points that were not delivered, by reason.", "reason");
    registry.register(droppedPoints);
    refusedPoints = new LabelledCounter("rosetta_exporter_refused_points",
            "Data points refused by the forwarder (not accepted), by reason.", "reason");
    registry.register(refusedPoints);
    queueRequests =
        Gauge.build()
            .name("rosetta_exporter_queue_requests")
            .help("Requests waiting in the OTLP forwarder's sending queue.")
            .register(registry);
    queuePoints =
        Gauge.build()
            .name("rosetta_exporter_queue_points")
            .help("Data points waiting in the OTLP forwarder's sending queue.")
            .register(registry);
    inFlightPoints =
        Gauge.build()
            .name("rosetta_exporter_in_flight_points")
            .help("Data points taken from the queue and not yet sent or dropped.")
            .register(registry);
    // export every reason from the start, so rate() and alerts see a zero, not an absent series
    for (DropReason reason : DropReason.values()) {
      droppedPoints.inc(0, reason.label());
    }
    for (RefusalReason reason : RefusalReason.values()) {
      refusedPoints.inc(0, reason.label());
    }
  }

  void enqueued(int points) {
    enqueuedPoints.inc(points);
    queueRequests.inc();
    queuePoints.inc(points);
  }

  void dequeued(int points) {
    inFlightPoints.inc(points);
    queueRequests.dec();
    queuePoints.dec(points);
  }

  void sent(int points) {
    sentPoints.inc(points);
    sentRequests.inc(1);
    inFlightPoints.dec(points);
  }

  void dropped(DropReason reason, int points) {
    droppedPoints.inc(points, reason.label());
    inFlightPoints.dec(points);
  }

  void refused(RefusalReason reason, int points) {
    refusedPoints.inc(points, reason.label());
  }

  void failed(Status.Code code) {
    failedRequests.inc(1, code.name());
  }

  void retried() {
    retries.inc(1);
  }
}
