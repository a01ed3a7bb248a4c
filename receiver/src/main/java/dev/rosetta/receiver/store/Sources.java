package dev.rosetta.receiver.store;

import dev.rosetta.model.Labels;
import dev.rosetta.model.Origin;
import java.util.Objects;

/**
 * The identity of a point's source: its resource, the name its metric was received under and the
 * attributes it was received with — whatever views, relabel rules and naming made of them since.
 * Two points that land on one Prometheus series come from one source exactly when these agree.
 * Names declared to be one quantity (a Go runtime path and the names of other Go instrumentations
 * recognised as it, {@link dev.rosetta.model.Metric#sourceName()}) count as one name.
 *
 * <p>A resource with {@code service.instance.id} is identified by it (with {@code service.name}
 * and {@code service.namespace}), as the OpenTelemetry conventions define that attribute: the
 * same instance keeps its identity when other attributes change (a new process id after a
 * restart). Without it, every resource attribute counts. A batch of a {@link ReplacingSource} (a
 * scrape target) adds the target's identity to its resources': what two targets give never counts as
 * one source.
 *
 * <p>For the owner of a plain series a 64-bit hash is kept (a clash could only hide a collision,
 * never refuse a point); aggregation contributors are keyed exactly by {@link Key}. Hashes combine
 * the strings' cached hash codes: no pass over their characters, no allocation. Stateless.
 */
final class Sources {
  private Sources() {}

  /** The resource's part of source identities; computed once per resource of a request. */
  static long resource(Labels resource) {
    String id = resource.get("service.instance.id");
    long h = 0x51_7C_C1_B7_27_22_0A_95L;
    if (id != null && !id.isEmpty()) {
      h = step(h, id.hashCode());
      h = step(h, Objects.hashCode(resource.get("service.name")));
      h = step(h, Objects.hashCode(resource.get("service.namespace")));
      return fmix(h);
    }
    return fmix(labels(h, resource));
  }

  /** The resource's part for a batch of a replacing source; {@link #resource(Labels)} without one. */
  static long resource(Labels resource, ReplacingSource source) {
    long h = resource(resource);
    return source == null ? h : fmix(step(step(h, (int) source.id), (int) (source.id >>> 32)));
  }

  /** The identity hash of a replacing source, from the labels that identify it. */
  static long replacing(Labels identity) {
    return fmix(labels(0x2545_F491_4F6C_DD1DL, identity));
  }

  /** The name's part: the received name, or the quantity it is declared to be. */
  static long metric(long resource, String receivedName) {
    return step(resource, receivedName.hashCode());
  }

  /** The source of one point, from {@link #metric}'s result and the point's received attributes. */
  static long point(long metric, Labels received) {
    return fmix(labels(metric, received));
  }

  private static long labels(long h, Labels l) {
    for (int i = 0; i < l.size(); i++) {
      h = step(h, l.name(i).hashCode());
      h = step(h, l.value(i).hashCode());
    }
    return step(h, l.size());
  }

  private static long step(long h, int v) {
    return (h ^ (v & 0xFFFF_FFFFL)) * 0x9E37_79B9_7F4A_7C15L + 0x632B_E59B_D9B4_E019L;
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static long fmix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** An aggregation contributor's exact identity. */
  record Key(long resource, String receivedName, Labels receivedLabels) {}

  /**
   * What a message needs to name the source that holds a series: its replacing source (a scrape
   * target) if any, resource, received name and origin (the received attributes are not kept). One
   * instance per metric of a request, shared by every series the metric claims.
   */
  record Owner(Labels resource, String receivedName, Origin origin, ReplacingSource source) {
    String describe(Labels receivedLabels) {
      return (source == null ? "" : source.description() + ", ") + "resource " + resource + ", metric " + receivedName
          + (receivedLabels == null ? "" : ", attributes " + receivedLabels)
          + " (" + origin.describeSteps() + ")";
    }
  }
}
