package dev.rosetta.receiver.server;

import dev.rosetta.receiver.telemetry.LabelledCounter;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listeners' own metrics, one instance per service shared by its listeners (label {@code
 * listener}: {@code otlp-grpc}, {@code otlp-http}, {@code exposition}). Thread-safe.
 */
public final class ServerMetrics {
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final LabelledCounter accepted = new LabelledCounter("rosetta_server_connections_accepted",
      "Connections accepted, by listener.", "listener");
  private final LabelledCounter limitReached = new LabelledCounter("rosetta_server_connection_limit_reached",
      "Times a listener reached max_connections and stopped accepting until a connection closed.", "listener");
  private final LabelledCounter timeouts = new LabelledCounter("rosetta_server_timeouts",
      "Connections cut off by a timeout, by listener and phase (header: read_header_timeout; body:"
          + " read_timeout; idle: idle_timeout; write: write_timeout).", "listener", "phase");

  public ServerMetrics(CollectorRegistry registry) {
    registry.register(accepted);
    registry.register(limitReached);
    registry.register(timeouts);
    registry.register(new Collector() {
      @Override
      public List<MetricFamilySamples> collect() {
        GaugeMetricFamily g = new GaugeMetricFamily("rosetta_server_connections",
            "Connections open now, by listener.", List.of("listener"));
        open.forEach((l, n) -> g.addMetric(List.of(l), n.get()));
        List<MetricFamilySamples> out = new ArrayList<>(1);
        out.add(g);
        return out;
      }
    });
  }

  /** Metrics that go nowhere, for servers built without a service (tests). */
  public static ServerMetrics unregistered() {
    return new ServerMetrics(new CollectorRegistry());
  }

  AtomicInteger openConnections(String listener) {
    return open.computeIfAbsent(listener, l -> new AtomicInteger());
  }

  void accepted(String listener) {
    accepted.inc(1, listener);
  }

  void limitReached(String listener) {
    limitReached.inc(1, listener);
  }

  void timeout(String listener, String phase) {
    timeouts.inc(1, listener, phase);
  }

  /** Open connections of {@code listener} now. */
  public int connections(String listener) {
    return openConnections(listener).get();
  }

  public double timeouts(String listener, String phase) {
    return timeouts.get(listener, phase);
  }
}
