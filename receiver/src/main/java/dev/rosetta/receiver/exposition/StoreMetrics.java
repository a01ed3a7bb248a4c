package dev.rosetta.receiver.exposition;

import dev.rosetta.receiver.store.SeriesStore;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;

/** The store's own metrics ({@code rosetta_store_*}), read from its counters at scrape time. */
public final class StoreMetrics extends Collector {
  private final SeriesStore store;

  public StoreMetrics(SeriesStore store) {
    this.store = store;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<MetricFamilySamples> out = new ArrayList<>();
    out.add(new GaugeMetricFamily("rosetta_store_series",
        "Series held: plain series, aggregate series and aggregation contributions (what limits.max_series counts).",
        store.seriesCount()));
    out.add(new GaugeMetricFamily("rosetta_store_series_limit",
        "The series budget in force (limits.max_series, or derived from the heap); 0 = unlimited.",
        store.maxSeries()));
    out.add(new GaugeMetricFamily("rosetta_store_families", "Metric families held for scraping.",
        store.familyCount()));
    out.add(new CounterMetricFamily("rosetta_store_expired_series", "Series removed after metric_expiration without updates.",
        store.expiredSeries()));
    out.add(new CounterMetricFamily("rosetta_store_out_of_order_points",
        "Cumulative points older than the stored one, ignored.", store.outOfOrderPoints()));
    out.add(new CounterMetricFamily("rosetta_store_source_handovers",
        "Series that passed from a source silent for twice its update interval to a new one.", store.handovers()));
    out.add(new CounterMetricFamily("rosetta_store_aggregated_points",
        "Points that went into aggregate series (aggregate: rules).", store.contributedPoints()));
    out.add(new CounterMetricFamily("rosetta_store_aggregate_points",
        "Aggregate points put in place of their contributions in what is forwarded.", store.aggregatePoints()));
    CounterMetricFamily refused = new CounterMetricFamily("rosetta_store_refused_points",
        "Points neither stored nor forwarded, by reason (collision, series limits, type conflict, reserved or"
            + " invalid name, family changed by a reload).", List.of("reason"));
    for (SeriesStore.Refusal r : SeriesStore.Refusal.values()) {
      refused.addMetric(List.of(r.label()), store.refused(r));
    }
    out.add(refused);
    return out;
  }
}
