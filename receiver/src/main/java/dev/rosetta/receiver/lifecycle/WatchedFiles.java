package dev.rosetta.receiver.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A value read from one or more files (a token file, an htpasswd file, a certificate and its key)
 * that is read again when the files change: {@link #check()} compares their content with what was
 * read last and, when it differs, parses them anew and swaps the value in. Comparing content (not
 * modification times) also catches Kubernetes secret updates, which swap a symbolic link.
 *
 * <p>A change that does not parse (a half-written file, a key that does not match its certificate,
 * a file that disappeared) leaves the previous value in force; it is logged once per distinct
 * content, and {@link #check()} tries again at the next change. Messages name the files and what is
 * wrong, never their content: these files hold credentials.
 *
 * <p>{@link #current()} is safe from any thread; {@link #check()} runs on one thread at a time (the
 * {@link FilePoller}'s).
 */
public final class WatchedFiles<T> {
  private static final Logger LOG = Logger.getLogger(WatchedFiles.class.getName());

  /** Builds the value from the files' contents, in the order given. */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * @throws InvalidContentException saying what is wrong, without the content
     */
    T parse(List<byte[]> contents) throws InvalidContentException;
  }

  /** What is wrong with the files' content; the message must not quote it. */
  public static final class InvalidContentException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidContentException(String message) {
      super(message, null, false, false);
    }
  }

  /** Told of every reload attempt after the first load: {@code ok} whether the new content is in force. */
  @FunctionalInterface
  public interface ReloadListener {
    void reloaded(String what, boolean ok);
  }

  private final String what;
  private final List<Path> files;
  private final long maxBytes;
  private final Parser<T> parser;
  private final ReloadListener listener;
  private final AtomicReference<T> value = new AtomicReference<>();
  private byte[] fingerprint;
  private byte[] failedFingerprint;

  private WatchedFiles(String what, List<Path> files, long maxBytes, Parser<T> parser, ReloadListener listener) {
    this.what = what;
    this.files = List.copyOf(files);
    this.maxBytes = maxBytes;
    this.parser = parser;
    this.listener = listener;
  }

  /**
   * Reads and parses the files now.
   *
   * @param what names the value in messages ("the token file of bearertokenauth/clients")
   * @param maxBytes the largest file accepted
   * @throws IllegalStateException naming the file and the problem when they cannot be read or parsed
   */
  public static <T> WatchedFiles<T> load(String what, List<Path> files, long maxBytes, Parser<T> parser,
      ReloadListener listener) {
    WatchedFiles<T> w = new WatchedFiles<>(Objects.requireNonNull(what, "what"), files, maxBytes,
        Objects.requireNonNull(parser, "parser"), Objects.requireNonNull(listener, "listener"));
    Read read;
    try {
      read = w.read();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + what + ": " + e.getMessage(), e);
    }
    try {
      w.value.set(parser.parse(read.contents()));
    } catch (InvalidContentException e) {
      throw new IllegalStateException(what + " " + filesText(w.files) + ": " + e.getMessage(), e);
    }
    w.fingerprint = read.fingerprint();
    return w;
  }

  /** The value in force. */
  public T current() {
    return value.get();
  }

  public List<Path> files() {
    return files;
  }

  /**
   * Reads the files again and swaps in the value they give if their content changed; returns
   * whether it did. A failure leaves the value in force and is logged once per distinct content.
   */
  public synchronized boolean check() {
    Read read;
    try {
      read = read();
    } catch (IOException e) {
      byte[] marker = digest(List.of(String.valueOf(e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      if (!Arrays.equals(marker, failedFingerprint)) {
        failedFingerprint = marker;
        listener.reloaded(what, false);
        LOG.warning("cannot read " + what + ": " + e.getMessage() + "; the previous content stays in force");
      }
      return false;
    }
    if (Arrays.equals(read.fingerprint(), fingerprint) || Arrays.equals(read.fingerprint(), failedFingerprint)) {
      return false;
    }
    T next;
    try {
      next = parser.parse(read.contents());
    } catch (InvalidContentException e) {
      failedFingerprint = read.fingerprint();
      listener.reloaded(what, false);
      LOG.warning(what + " " + filesText(files) + " changed but cannot be used: " + e.getMessage()
          + "; the previous content stays in force");
      return false;
    }
    value.set(next);
    fingerprint = read.fingerprint();
    failedFingerprint = null;
    listener.reloaded(what, true);
    LOG.info("reloaded " + what + " from " + filesText(files));
    return true;
  }

  private record Read(List<byte[]> contents, byte[] fingerprint) {}

  private Read read() throws IOException {
    List<byte[]> contents = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        long size = Files.size(f);
        if (size > maxBytes) {
          throw new IOException(f + " is larger than " + maxBytes + " bytes (" + size + ")");
        }
        byte[] bytes = Files.readAllBytes(f);
        if (bytes.length > maxBytes) {
          throw new IOException(f + " is larger than " + maxBytes + " bytes");
        }
        contents.add(bytes);
      } catch (NoSuchFileException e) {
        throw new IOException(f + " does not exist", e);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(f.toString())) {
          throw e;
        }
        throw new IOException(f + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
      }
    }
    return new Read(contents, digest(contents));
  }

  private static byte[] digest(List<byte[]> contents) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] c : contents) {
        md.update(java.nio.ByteBuffer.allocate(8).putLong(c.length).array());
        md.update(c);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  private static String filesText(List<Path> files) {
    return files.size() == 1 ? files.get(0).toString() : files.toString();
  }

  @Override
  public String toString() {
    return what + " " + filesText(files);
  }
}
