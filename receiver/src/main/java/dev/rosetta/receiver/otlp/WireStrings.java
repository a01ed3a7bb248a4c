package dev.rosetta.receiver.otlp;

import com.google.protobuf.Internal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings read from protobuf bytes, with the short ones shared: metric names, attribute keys and
 * most attribute values repeat from request to request, so one {@code String} per distinct short
 * byte sequence serves them all instead of one per occurrence.
 *
 * <p>The cache is two-way set-associative (two slots per hash, the older of the two replaced: two
 * names of a request that share a hash do not evict each other on every request), bounded
 * ({@value #SLOTS} entries of at most {@value #MAX_CACHED} bytes) and lock-free: an entry is
 * immutable, so a thread sees either an older entry or a complete newer one.
 */
final class WireStrings {
  static final int SLOTS = 8192;
  static final int MAX_CACHED = 128;

  private static final Entry[] CACHE = new Entry[SLOTS];
  private static final long MIX = 0x9E3779B97F4A7C15L;
  private static final long MIX2 = 0xC2B2AE3D27D4EB4FL;

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
    int h = hash(b, off, len);
    int slot = pair(h);
    Entry first = CACHE[slot];
    if (matches(first, h, b, off, len)) {
      return first.value;
    }
    Entry second = CACHE[slot + 1];
    if (matches(second, h, b, off, len)) {
      return second.value;
    }
    String s = decode(b, off, len);
    if (s != null) {
      // the newest first; the older of the two is replaced
      CACHE[slot + 1] = first;
      CACHE[slot] = new Entry(h, Arrays.copyOfRange(b, off, off + len), s);
    }
    return s;
  }

  /** The first of the two slots of a hash. */
  static int pair(int hash) {
    return (hash ^ (hash >>> 13)) & (SLOTS - 2);
  }

  private static boolean matches(Entry e, int h, byte[] b, int off, int len) {
    return e != null && e.hash == h && Arrays.equals(e.bytes, 0, e.bytes.length, b, off, off + len);
  }

  /**
   * A hash of {@code b[off, off + len)} read eight bytes at a time: a metric name of 40 bytes is five
   * multiplications rather than forty dependent ones.
   */
  static int hash(byte[] b, int off, int len) {
    long h = len * MIX;
    int i = off;
    int end = off + len;
    for (; end - i >= Long.BYTES; i += Long.BYTES) {
      long w = (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
          | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48 | (b[i + 7] & 0xFFL) << 56;
      h = Long.rotateLeft(h ^ w * MIX, 29) * MIX2;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (b[i] & 0xFFL) << shift;
    }
    h = (h ^ tail * MIX) * MIX2;
    return (int) (h ^ (h >>> 32));
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
