package dev.rosetta.receiver.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager that presents whatever {@link KeyMaterial} its supplier holds now, so that
 * a renewed certificate is used by the next handshake without a restart. Each material gets its
 * own alias, and the previous one stays reachable, so a handshake that chose an alias just before a
 * swap still gets a key and chain that match. Thread-safe; called by TLS handshakes on network
 * threads.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Entry(String alias, KeyMaterial material) {}

  private final Supplier<KeyMaterial> source;
  private volatile Entry current;
  private volatile Entry previous;
  private long generation;

  ReloadingKeyManager(Supplier<KeyMaterial> source) {
    this.source = source;
    this.current = new Entry("rosetta-0", source.get());
  }

  private Entry entry() {
    KeyMaterial m = source.get();
    Entry e = current;
    if (e.material() != m) {
      synchronized (this) {
        e = current;
        if (e.material() != m) {
          previous = e;
          e = new Entry("rosetta-" + (++generation), m);
          current = e;
        }
      }
    }
    return e;
  }

  private String alias(String keyType) {
    Entry e = entry();
    String algorithm = e.material().key().getAlgorithm();
    boolean matches = keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
        || (algorithm.equals("EdDSA") && (keyType.equals("Ed25519") || keyType.equals("Ed448")));
    return matches ? e.alias() : null;
  }

  private KeyMaterial material(String alias) {
    Entry e = current;
    if (e.alias().equals(alias)) {
      return e.material();
    }
    Entry p = previous;
    return p != null && p.alias().equals(alias) ? p.material() : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial m = material(alias);
    return m == null ? null : m.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial m = material(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
