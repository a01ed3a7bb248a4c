package dev.rosetta.receiver.otlp;

import com.google.protobuf.Internal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings read from protobuf bytes, with the short ones shared: metric names, attribute keys and
 * most attribute values repeat from request to request, so one {@code String} per distinct short
 * byte sequence serves them all instead of one per occurrence.
 *
 * <p>The cache is direct-mapped (a slot per hash, the last sequence seen in a slot wins), bounded
 * ({@value #SLOTS} entries of at most {@value #MAX_CACHED} bytes) and lock-free: an entry is
 * immutable, so a thread sees either an older entry or a complete newer one.
 */
final class WireStrings {
  static final int SLOTS = 8192;
  static final int MAX_CACHED = 128;

  private static final Entry[] CACHE = new Entry[SLOTS];

  private WireStrings() {}

  private static final class Entry {
    final int hash;
    final byte[] bytes;
    final String value;

    Entry(int hash, byte[] bytes, String value) {
      this.hash = hash;
      this.bytes = bytes;
      this.value = value;
    }
  }

  /**
   * The string of the UTF-8 bytes {@code b[off, off + len)}, or null when they are not valid UTF-8
   * (as protobuf-java checks a proto3 {@code string} field).
   */
  static String utf8(byte[] b, int off, int len) {
    if (len == 0) {
      return "";
    }
    if (len > MAX_CACHED) {
      return decode(b, off, len);
    }
    int h = 1;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 13)) & (SLOTS - 1);
    Entry e = CACHE[slot];
    if (e != null && e.hash == h && Arrays.equals(e.bytes, 0, e.bytes.length, b, off, off + len)) {
      return e.value;
    }
    String s = decode(b, off, len);
    if (s != null) {
      CACHE[slot] = new Entry(h, Arrays.copyOfRange(b, off, off + len), s);
    }
    return s;
  }

  private static String decode(byte[] b, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      if (b[i] < 0) {
        byte[] copy = Arrays.copyOfRange(b, off, end);
        return Internal.isValidUtf8(copy) ? new String(copy, StandardCharsets.UTF_8) : null;
      }
    }
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }
}
