package dev.rosetta.model.view;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded memo of decisions per raw name, in two generations: lookups try the young map, then
 * the old one (promoting a hit); when the young map reaches half the capacity it becomes the old
 * one and the previous old one is dropped. Names in use stay (they are promoted every generation),
 * one-off names age out, and at most {@code capacity} entries are held, give or take concurrent
 * inserts during a rotation. Thread-safe; reads take no lock.
 */
final class DecisionMemo {
  private final int half;
  private volatile ConcurrentHashMap<String, ViewDecision> young;
  private volatile ConcurrentHashMap<String, ViewDecision> old;

  DecisionMemo(int capacity) {
    this.half = Math.max(1, capacity / 2);
    this.young = new ConcurrentHashMap<>();
    this.old = new ConcurrentHashMap<>();
  }

  ViewDecision get(String name) {
    ViewDecision d = young.get(name);
    if (d != null) {
      return d;
    }
    d = old.get(name);
    if (d != null) {
      put(name, d);
    }
    return d;
  }

  void put(String name, ViewDecision decision) {
    ConcurrentHashMap<String, ViewDecision> y = young;
    y.put(name, decision);
    if (y.size() >= half) {
      rotate(y);
    }
  }

  private synchronized void rotate(ConcurrentHashMap<String, ViewDecision> full) {
    if (young == full) {
      old = full;
      young = new ConcurrentHashMap<>();
    }
  }

  int size() {
    return young.size() + old.size();
  }

  void clear() {
    young = new ConcurrentHashMap<>();
    old = new ConcurrentHashMap<>();
  }
}
