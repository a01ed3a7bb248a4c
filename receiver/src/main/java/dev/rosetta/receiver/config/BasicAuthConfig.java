package dev.rosetta.receiver.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code basicauth} extension (server side), with the Collector's keys: {@code htpasswd.file}
 * (an htpasswd file, re-read when it changes) and/or {@code htpasswd.inline} (htpasswd lines in the
 * configuration, which win over the file's for a user in both). Passwords may be bcrypt,
 * SHA-crypt, APR1-MD5, MD5-crypt, {SHA}, {SSHA} or plain text.
 */
public record BasicAuthConfig(ComponentId id, Optional<Path> htpasswdFile, Optional<Secret> htpasswdInline)
    implements AuthenticatorConfig {
  public BasicAuthConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(htpasswdFile, "htpasswdFile");
    Objects.requireNonNull(htpasswdInline, "htpasswdInline");
    if (htpasswdFile.isEmpty() && htpasswdInline.isEmpty()) {
      throw new IllegalArgumentException("htpasswd needs a file or inline content");
    }
  }
}
