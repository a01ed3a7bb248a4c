package dev.rosetta.receiver.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Decides whether a file named in the configuration (a certificate, a key) can be used. Pluggable
 * so that tests can validate configurations naming files that do not exist on the test machine.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface FileCheck {
  /** What is wrong with {@code file} ("does not exist"), or empty when it can be used. */
  Optional<String> problem(Path file);

  /** The file exists, is a regular file and is readable by this process. */
  static FileCheck readable() {
    return file -> {
      if (!Files.exists(file)) {
        return Optional.of("file does not exist");
      }
      if (!Files.isRegularFile(file)) {
        return Optional.of("not a regular file");
      }
      if (!Files.isReadable(file)) {
        return Optional.of("file is not readable");
      }
      return Optional.empty();
    };
  }

  /** Accepts every file without looking: for tests and for tooling that only checks syntax. */
  static FileCheck none() {
    return file -> Optional.empty();
  }
}
