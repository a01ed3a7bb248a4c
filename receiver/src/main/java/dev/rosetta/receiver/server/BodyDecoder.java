package dev.rosetta.receiver.server;

import dev.rosetta.receiver.admission.RequestBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Decodes an HTTP request body by its {@code Content-Encoding} (identity, gzip, zstd, deflate), reading
 * at most {@code limit} decoded bytes: a body that would inflate beyond the limit is refused as soon
 * as the limit is passed, so a compression bomb never inflates whole. A compressed body's decoded
 * bytes are reserved in the request's memory budget as they are produced, so inflation also stops
 * as soon as the budget does not allow more.
 */
public final class BodyDecoder {
  /** The body is larger than the limit once decoded. */
  public static final class TooLargeException extends Exception {
    public TooLargeException(String message) {
      super(message);
    }
  }

  /** The Content-Encoding is not one this decoder reads. */
  public static final class UnsupportedEncodingException extends Exception {
    public UnsupportedEncodingException(String message) {
      super(message);
    }
  }

  /** The compressed stream is corrupt. */
  public static final class CorruptBodyException extends Exception {
    public CorruptBodyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private BodyDecoder() {}

  /**
   * A zstd stream. zstd is native code that unpacks into java.io.tmpdir on first use: where that is
   * impossible (a read-only root without a writable, executable /tmp), zstd bodies are refused as an
   * unsupported encoding with the reason, and other encodings go on working.
   */
  private static InputStream zstd(InputStream raw) throws IOException, UnsupportedEncodingException {
    try {
      return new com.github.luben.zstd.ZstdInputStream(raw);
    } catch (LinkageError | IllegalStateException e) {
      throw new UnsupportedEncodingException("zstd is unavailable on this server (its native library did not load: "
          + e.getMessage() + "); use gzip or deflate");
    }
  }

  /** Whether bodies in this encoding are read; {@code null} or empty means identity. */
  public static boolean supports(String encoding) {
    String e = normalize(encoding);
    return e.isEmpty() || e.equals("identity") || e.equals("gzip") || e.equals("x-gzip") || e.equals("deflate")
        || e.equals("zstd");
  }

  private static String normalize(String encoding) {
    return encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
  }

  /** Reserves decoded bytes as they are produced; throws when the budget does not allow them. */
  @FunctionalInterface
  public interface Growth {
    void grow(long decodedBytes) throws RequestBudget.OverBudgetException;

    /** No accounting (the caller reserved already). */
    Growth NONE = n -> {};
  }

  /** The decoded body, without memory accounting. The input buffer is not released. */
  public static byte[] decode(ByteBuf body, String encoding, long limit)
      throws TooLargeException, UnsupportedEncodingException, CorruptBodyException {
    try {
      return decode(body, encoding, limit, Growth.NONE);
    } catch (RequestBudget.OverBudgetException e) {
      throw new IllegalStateException("unreachable: no budget", e);
    }
  }

  /**
   * The decoded body; the decoded bytes of a compressed body are passed to {@code growth} as they
   * are produced (an identity body's were reserved with the body). The input buffer is not
   * released. An identity body that is the whole array of a heap buffer is returned as that array,
   * uncopied: the server's buffers are unpooled, so nothing else reuses it.
   */
  public static byte[] decode(ByteBuf body, String encoding, long limit, Growth growth)
      throws TooLargeException, UnsupportedEncodingException, CorruptBodyException,
      RequestBudget.OverBudgetException {
    String e = normalize(encoding);
    if (e.isEmpty() || e.equals("identity")) {
      if (body.readableBytes() > limit) {
        throw new TooLargeException("request body of " + body.readableBytes() + " bytes exceeds the limit of "
            + limit + " bytes");
      }
      if (body.hasArray() && body.arrayOffset() == 0 && body.readerIndex() == 0
          && body.readableBytes() == body.array().length) {
        return body.array(); // the whole of an unpooled heap buffer: nothing else reuses it
      }
      byte[] out = new byte[body.readableBytes()];
      body.getBytes(body.readerIndex(), out);
      return out;
    }
    try (InputStream in = open(e, new ByteBufInputStream(body.duplicate()))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min((int) Math.min(limit, Integer.MAX_VALUE - 8),
          Math.max(256, body.readableBytes() * 4)));
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > limit) {
          throw new TooLargeException("request body exceeds the limit of " + limit + " bytes once decoded ("
              + e + ")");
        }
        growth.grow(n);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException | java.io.EOFException | com.github.luben.zstd.ZstdIOException ex) {
      throw new CorruptBodyException("corrupt " + e + " body: " + ex.getMessage(), ex);
    } catch (IOException ex) {
      throw new CorruptBodyException("cannot decode " + e + " body: " + ex.getMessage(), ex);
    }
  }

  private static InputStream open(String encoding, InputStream raw) throws IOException, UnsupportedEncodingException {
    return switch (encoding) {
      case "gzip", "x-gzip" -> new GZIPInputStream(raw, 8192);
      case "deflate" -> new InflaterInputStream(raw);
      case "zstd" -> zstd(raw);
      default -> throw new UnsupportedEncodingException("unsupported Content-Encoding \"" + encoding
          + "\": use gzip, zstd, deflate or identity");
    };
  }
}
