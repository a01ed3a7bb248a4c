package dev.rosetta.receiver.exposition;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 writer without locks, for one thread: the exposition format writes label values a
 * character at a time, and {@link java.io.BufferedWriter} takes a lock on every call. Characters
 * collect in a buffer and are encoded to the stream in large chunks (never splitting a surrogate
 * pair). Not thread-safe.
 */
final class Utf8Writer extends Writer {
  private static final int CHUNK = 1 << 16;

  private final OutputStream out;
  private final StringBuilder buf = new StringBuilder(CHUNK + 64);

  Utf8Writer(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int c) throws IOException {
    buf.append((char) c);
    maybeDrain();
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    buf.append(cbuf, off, len);
    maybeDrain();
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    buf.append(str, off, off + len);
    maybeDrain();
  }

  @Override
  public void write(String str) throws IOException {
    buf.append(str);
    maybeDrain();
  }

  @Override
  public Writer append(CharSequence csq) throws IOException {
    buf.append(csq);
    maybeDrain();
    return this;
  }

  @Override
  public Writer append(char c) throws IOException {
    buf.append(c);
    maybeDrain();
    return this;
  }

  private void maybeDrain() throws IOException {
    if (buf.length() >= CHUNK) {
      drain(false);
    }
  }

  private void drain(boolean all) throws IOException {
    int end = buf.length();
    if (!all && end > 0 && Character.isHighSurrogate(buf.charAt(end - 1))) {
      end--; // keep the pair together for the next chunk
    }
    out.write(buf.substring(0, end).getBytes(StandardCharsets.UTF_8));
    buf.delete(0, end);
  }

  @Override
  public void flush() throws IOException {
    drain(true);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
    out.close();
  }
}
