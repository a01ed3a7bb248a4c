package dev.rosetta.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the text files users give Rosetta (configuration, view files) as strict UTF-8, turning every
 * way it can fail into a short problem statement for an error message.
 */
public final class TextFiles {
  /** The file cannot be read as text; {@link #getMessage()} says why, without the file name. */
  public static final class UnreadableException extends Exception {
    public UnreadableException(String problem) {
      super(problem);
    }
  }

  private TextFiles() {}

  /**
   * The file's text.
   *
   * @param what what the file is, for messages ("configuration file", "view file")
   * @param maxBytes the largest file accepted
   */
  public static String readUtf8(Path file, String what, long maxBytes) throws UnreadableException {
    try {
      if (Files.isDirectory(file)) {
        throw new UnreadableException("is a directory, not a " + what);
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new UnreadableException("file is too large (" + size + " bytes; at most " + maxBytes + ")");
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new UnreadableException(what + " not found");
    } catch (AccessDeniedException e) {
      throw new UnreadableException("cannot read " + what + ": permission denied");
    } catch (CharacterCodingException e) {
      throw new UnreadableException(what + " is not valid UTF-8 text");
    } catch (IOException e) {
      throw new UnreadableException("cannot read " + what + ": " + e.getMessage());
    }
  }
}
