package dev.rosetta.receiver.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * The bytes of a {@code /metrics} body, for one thread: a UTF-8 {@link Writer} without locks (the
 * simpleclient text formats write label values a character at a time, and {@link
 * java.io.BufferedWriter} takes a lock on every call), plus the few byte-level writes the store's
 * families are rendered with directly ({@link #ascii}, {@link #escapedLabelValue}, {@link
 * #goDouble}, ...). Bytes collect in a 64 KiB buffer and go to the stream when it is full; a
 * surrogate pair split across two writes is encoded once its second half arrives, and an unpaired
 * surrogate becomes {@code ?} (as {@link String#getBytes} does). Not thread-safe.
 */
final class ExpositionWriter extends Writer {
  private static final int SIZE = 1 << 16;

  private final OutputStream out;
  private final byte[] buf = new byte[SIZE];
  private int pos;
  /** A high surrogate written last, waiting for its low half; 0 when none. */
  private char pendingHigh;

  ExpositionWriter(OutputStream out) {
    this.out = out;
  }

  // ---- Writer ----

  @Override
  public void write(int c) throws IOException {
    put((char) c);
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      put(cbuf[i]);
    }
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      put(str.charAt(i));
    }
  }

  @Override
  public void write(String str) throws IOException {
    write(str, 0, str.length());
  }

  @Override
  public Writer append(CharSequence csq) throws IOException {
    String s = String.valueOf(csq);
    write(s, 0, s.length());
    return this;
  }

  @Override
  public Writer append(char c) throws IOException {
    put(c);
    return this;
  }

  @Override
  public void flush() throws IOException {
    endPending();
    drain();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
    out.close();
  }

  // ---- direct writes ----

  /** A string that is ASCII as a rule (metric and label names, keywords); any other text is encoded. */
  void ascii(String s) throws IOException {
    endPending();
    int n = s.length();
    if (n > SIZE - pos) {
      write(s, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        write(s, i, n - i);
        endPending();
        return;
      }
      buf[pos++] = (byte) c;
    }
  }

  /** Bytes as they are. */
  void raw(byte[] b) throws IOException {
    raw(b, b.length);
  }

  /** The first {@code length} bytes of {@code b} as they are. */
  void raw(byte[] b, int length) throws IOException {
    endPending();
    if (length > SIZE - pos) {
      drain();
      if (length > SIZE) {
        out.write(b, 0, length);
        return;
      }
    }
    System.arraycopy(b, 0, buf, pos, length);
    pos += length;
  }

  /** One ASCII character. */
  void ascii(char c) throws IOException {
    endPending();
    if (pos == SIZE) {
      drain();
    }
    buf[pos++] = (byte) c;
  }

  /** A label value escaped as the text formats want: backslash, double quote and line feed. */
  void escapedLabelValue(String s) throws IOException {
    escaped(s, true);
  }

  /** A HELP text escaped: backslash and line feed. */
  void escapedHelp(String s) throws IOException {
    escaped(s, false);
  }

  private void escaped(String s, boolean quote) throws IOException {
    endPending();
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        twoAscii('\\', '\\');
      } else if (c == '\n') {
        twoAscii('\\', 'n');
      } else if (c == '"' && quote) {
        twoAscii('\\', '"');
      } else if (c < 0x80 && pendingHigh == 0 && pos < SIZE) {
        buf[pos++] = (byte) c;
      } else {
        put(c);
      }
    }
    endPending();
  }

  /** A decimal integer. */
  void decimal(long v) throws IOException {
    endPending();
    if (SIZE - pos < 20) {
      drain();
    }
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      buf[pos++] = '-';
      v = -v;
    }
    int start = pos;
    if (v <= Integer.MAX_VALUE) {
      int i = (int) v;
      do {
        buf[pos++] = (byte) ('0' + i % 10);
        i /= 10;
      } while (i != 0);
    } else {
      do {
        buf[pos++] = (byte) ('0' + (int) (v % 10));
        v /= 10;
      } while (v != 0);
    }
    for (int i = start, j = pos - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
  }

  /**
   * A sample value as Prometheus's client libraries write it ({@code Collector.doubleToGoString}):
   * {@code +Inf}, {@code -Inf}, {@code NaN}, else {@link Double#toString}. Whole numbers below
   * 10⁷ in magnitude, which {@code Double.toString} writes as {@code digits.0}, are written
   * without building a string.
   */
  void goDouble(double d) throws IOException {
    if (d == Double.POSITIVE_INFINITY) {
      ascii("+Inf");
    } else if (d == Double.NEGATIVE_INFINITY) {
      ascii("-Inf");
    } else if (d > -1e7 && d < 1e7 && d == (long) d && !(d == 0 && 1 / d < 0)) {
      decimal((long) d);
      twoAscii('.', '0');
    } else {
      ascii(Double.toString(d));
    }
  }

  // ---- internals ----

  private void twoAscii(char a, char b) throws IOException {
    endPending();
    if (SIZE - pos < 2) {
      drain();
    }
    buf[pos++] = (byte) a;
    buf[pos++] = (byte) b;
  }

  /** One UTF-16 unit of text. */
  private void put(char c) throws IOException {
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(c)) {
        codePoint(Character.toCodePoint(high, c));
        return;
      }
      one('?');
    }
    if (c < 0x80) {
      one(c);
    } else if (Character.isHighSurrogate(c)) {
      pendingHigh = c;
    } else if (Character.isLowSurrogate(c)) {
      one('?');
    } else {
      codePoint(c);
    }
  }

  /** An unpaired high surrogate at the end of a direct write or the body becomes '?'. */
  private void endPending() throws IOException {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      one('?');
    }
  }

  private void one(char c) throws IOException {
    if (pos == SIZE) {
      drain();
    }
    buf[pos++] = (byte) c;
  }

  private void codePoint(int cp) throws IOException {
    if (SIZE - pos < 4) {
      drain();
    }
    if (cp < 0x800) {
      buf[pos++] = (byte) (0xC0 | cp >> 6);
    } else if (cp < 0x10000) {
      buf[pos++] = (byte) (0xE0 | cp >> 12);
      buf[pos++] = (byte) (0x80 | (cp >> 6 & 0x3F));
    } else {
      buf[pos++] = (byte) (0xF0 | cp >> 18);
      buf[pos++] = (byte) (0x80 | (cp >> 12 & 0x3F));
      buf[pos++] = (byte) (0x80 | (cp >> 6 & 0x3F));
    }
    buf[pos++] = (byte) (0x80 | (cp & 0x3F));
  }

  private void drain() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }
}
