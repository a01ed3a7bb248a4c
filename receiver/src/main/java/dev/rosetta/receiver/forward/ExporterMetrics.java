package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.grpc.Status;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The exporters' self-metrics, registered on a {@link CollectorRegistry} once per service; every
 * series carries the exporter's id ({@code exporter="otlp/b"}).
 *
 * <p>Thread-safe. Successive exporters of one id (a restart of the forwarding within one process)
 * may share an instance: counters keep counting and the queue gauges are maintained by increments,
 * so they add up across live instances. Registering a second instance on the same registry fails,
 * as simpleclient rejects duplicate names.
 *
 * <table>
 *   <caption>Metrics (all labelled {@code exporter})</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code rosetta_exporter_enqueued_points_total}</td><td>counter</td>
 *       <td>points accepted into the sending queue</td></tr>
 *   <tr><td>{@code rosetta_exporter_recovered_points_total}</td><td>counter</td>
 *       <td>points found in the file queue at start (accepted by an earlier run)</td></tr>
 *   <tr><td>{@code rosetta_exporter_sent_points_total}</td><td>counter</td>
 *       <td>points the downstream acknowledged (delivered)</td></tr>
 *   <tr><td>{@code rosetta_exporter_sent_requests_total}</td><td>counter</td>
 *       <td>acknowledged export calls (after batching)</td></tr>
 *   <tr><td>{@code rosetta_exporter_dropped_points_total{reason}}</td><td>counter</td>
 *       <td>accepted points not delivered, by {@link DropReason}</td></tr>
 *   <tr><td>{@code rosetta_exporter_refused_points_total{reason}}</td><td>counter</td>
 *       <td>points not accepted, by {@link RefusalReason}</td></tr>
 *   <tr><td>{@code rosetta_exporter_send_failed_requests_total{code}}</td><td>counter</td>
 *       <td>failed export attempts, by gRPC status code</td></tr>
 *   <tr><td>{@code rosetta_exporter_retries_total}</td><td>counter</td>
 *       <td>retries after a retryable failure</td></tr>
 *   <tr><td>{@code rosetta_exporter_resent_points_total}</td><td>counter</td>
 *       <td>points sent again after an attempt whose outcome was unknown</td></tr>
 *   <tr><td>{@code rosetta_exporter_queue_corrupted_records_total},
 *       {@code ..._corrupted_bytes_total}</td><td>counter</td>
 *       <td>records of the file queue found unreadable at start, and their bytes</td></tr>
 *   <tr><td>{@code rosetta_exporter_storage_syncs_total}, {@code ..._sync_seconds_total}</td>
 *       <td>counter</td><td>group commits ({@code fsync: true}) and the time they took</td></tr>
 *   <tr><td>{@code rosetta_exporter_queue_requests}, {@code rosetta_exporter_queue_points}</td>
 *       <td>gauge</td><td>requests and points waiting in the queue</td></tr>
 *   <tr><td>{@code rosetta_exporter_in_flight_points}</td><td>gauge</td>
 *       <td>points taken from the queue, not yet sent or dropped</td></tr>
 *   <tr><td>{@code rosetta_exporter_queue_size}, {@code rosetta_exporter_queue_capacity}</td>
 *       <td>gauge</td><td>the queue's use and capacity, in the unit of {@code sizer}</td></tr>
 *   <tr><td>{@code rosetta_exporter_storage_bytes}</td><td>gauge</td>
 *       <td>bytes the file queue occupies on disk</td></tr>
 * </table>
 *
 * <p>At any quiet moment, per exporter: {@code recovered + enqueued = sent + dropped + queue_points
 * + in_flight_points}.
 */
public final class ExporterMetrics {
  final LabelledCounter enqueuedPoints;
  final LabelledCounter recoveredPoints;
  final LabelledCounter sentPoints;
  final LabelledCounter sentRequests;
  final LabelledCounter failedRequests;
  final LabelledCounter retries;
  final LabelledCounter resentPoints;
  final LabelledCounter droppedPoints;
  final LabelledCounter refusedPoints;
  final LabelledCounter corruptedRecords;
  final LabelledCounter corruptedBytes;
  final LabelledCounter syncs;
  final LabelledCounter syncSeconds;
  final Gauge queueRequests;
  final Gauge queuePoints;
  final Gauge inFlightPoints;
  private final Map<String, QueueGauges> queues = new ConcurrentHashMap<>();

  /** What the queue of one exporter reports when scraped. */
  record QueueGauges(LongSupplier size, long capacity, LongSupplier storageBytes) {}

  /** Registers the metrics on {@code registry}. */
  public ExporterMetrics(CollectorRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    enqueuedPoints = counter(registry, "rosetta_exporter_enqueued_points",
        "Data points accepted into the exporter's sending queue.");
    recoveredPoints = counter(registry, "rosetta_exporter_recovered_points",
        "Data points found in the file queue at start, accepted by an earlier run.");
    sentPoints = counter(registry, "rosetta_exporter_sent_points",
        "Data points the downstream OTLP receiver acknowledged.");
    sentRequests = counter(registry, "rosetta_exporter_sent_requests",
        "Export calls the downstream OTLP receiver acknowledged.");
    failedRequests = counter(registry, "rosetta_exporter_send_failed_requests",
        "Export attempts that failed, by gRPC status code.", "code");
    retries = counter(registry, "rosetta_exporter_retries",
        "Export retries after a retryable failure.");
    resentPoints = counter(registry, "rosetta_exporter_resent_points",
        "Data points sent again after an attempt whose outcome was unknown (the downstream may hold them twice).");
    droppedPoints = counter(registry, "rosetta_exporter_dropped_points",
        "Accepted data points that were not delivered, by reason.", "reason");
    refusedPoints = counter(registry, "rosetta_exporter_refused_points",
        "Data points the exporter did not accept, by reason.", "reason");
    corruptedRecords = counter(registry, "rosetta_exporter_queue_corrupted_records",
        "Records of the file queue found unreadable (checksum, torn write) at start.");
    corruptedBytes = counter(registry, "rosetta_exporter_queue_corrupted_bytes",
        "Bytes of the file queue found unreadable at start.");
    syncs = counter(registry, "rosetta_exporter_storage_syncs",
        "Group commits of the file queue (fsync: true).");
    syncSeconds = counter(registry, "rosetta_exporter_storage_sync_seconds",
        "Time spent forcing the file queue to the storage device.");
    queueRequests = Gauge.build().name("rosetta_exporter_queue_requests").labelNames("exporter")
        .help("Requests waiting in the exporter's sending queue.").register(registry);
    queuePoints = Gauge.build().name("rosetta_exporter_queue_points").labelNames("exporter")
        .help("Data points waiting in the exporter's sending queue.").register(registry);
    inFlightPoints = Gauge.build().name("rosetta_exporter_in_flight_points").labelNames("exporter")
        .help("Data points taken from the queue and not yet sent or dropped.").register(registry);
    registry.register(new QueueCollector());
  }

  private static LabelledCounter counter(CollectorRegistry registry, String name, String help, String... labels) {
    String[] all = new String[labels.length + 1];
    all[0] = "exporter";
    System.arraycopy(labels, 0, all, 1, labels.length);
    LabelledCounter c = new LabelledCounter(name, help, all);
    registry.register(c);
    return c;
  }

  /** Shows every series of {@code exporter} from the start, so that rate() and alerts see zeros. */
  void register(String exporter, QueueGauges gauges) {
    for (LabelledCounter c : List.of(enqueuedPoints, recoveredPoints, sentPoints, sentRequests, retries,
        resentPoints, corruptedRecords, corruptedBytes, syncs, syncSeconds)) {
      c.inc(0, exporter);
    }
    for (DropReason reason : DropReason.values()) {
      droppedPoints.inc(0, exporter, reason.label());
    }
    for (RefusalReason reason : RefusalReason.values()) {
      refusedPoints.inc(0, exporter, reason.label());
    }
    queueRequests.labels(exporter).inc(0);
    queuePoints.labels(exporter).inc(0);
    inFlightPoints.labels(exporter).inc(0);
    queues.put(exporter, gauges);
  }

  void failed(String exporter, Status.Code code) {
    failedRequests.inc(1, exporter, code.name());
  }

  /** The queue size, capacity and disk use of each exporter, read when scraped. */
  private final class QueueCollector extends Collector {
    @Override
    public List<MetricFamilySamples> collect() {
      List<String> label = List.of("exporter");
      GaugeMetricFamily size = new GaugeMetricFamily("rosetta_exporter_queue_size",
          "The sending queue's use, in the unit of sending_queue.sizer.", label);
      GaugeMetricFamily capacity = new GaugeMetricFamily("rosetta_exporter_queue_capacity",
          "The sending queue's capacity (queue_size), in the unit of sending_queue.sizer.", label);
      GaugeMetricFamily bytes = new GaugeMetricFamily("rosetta_exporter_storage_bytes",
          "Bytes the file queue occupies on disk (0 for a memory queue).", label);
      queues.forEach((exporter, g) -> {
        size.addMetric(List.of(exporter), g.size().getAsLong());
        capacity.addMetric(List.of(exporter), g.capacity());
        bytes.addMetric(List.of(exporter), g.storageBytes().getAsLong());
      });
      List<MetricFamilySamples> out = new ArrayList<>(3);
      out.add(size);
      out.add(capacity);
      out.add(bytes);
      return out;
    }
  }
}
