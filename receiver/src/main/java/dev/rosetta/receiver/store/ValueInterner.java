package dev.rosetta.receiver.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance per distinct label value of the series the store keys, so that 100,000 series of
 * one job hold one {@code job} string, not 100,000 copies decoded from as many requests. Bounded, in
 * two generations: a value in use is promoted on every hit and stays; one-off values age out when
 * the young map reaches half the capacity (a value not held here is simply kept as it came).
 * Thread-safe; a lookup takes no lock.
 */
final class ValueInterner {
  private final int half;
  private volatile ConcurrentHashMap<String, String> young = new ConcurrentHashMap<>();
  private volatile ConcurrentHashMap<String, String> old = new ConcurrentHashMap<>();

  ValueInterner(int capacity) {
    this.half = Math.max(1, capacity / 2);
  }

  /** The held instance equal to {@code value}; {@code value} becomes the held one when there is none. */
  String intern(String value) {
    ConcurrentHashMap<String, String> y = young;
    String held = y.get(value);
    if (held != null) {
      return held;
    }
    held = old.get(value);
    if (held == null) {
      held = value;
    }
    String raced = y.putIfAbsent(held, held);
    if (raced != null) {
      return raced;
    }
    if (y.size() >= half) {
      rotate(y);
    }
    return held;
  }

  private synchronized void rotate(ConcurrentHashMap<String, String> full) {
    if (young == full) {
      old = full;
      young = new ConcurrentHashMap<>();
    }
  }

  int size() {
    return young.size() + old.size();
  }
}
