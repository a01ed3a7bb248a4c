package dev.rosetta.receiver.tls;

import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates (mutual TLS) against the CA bundle its supplier holds now, with the
 * JDK's PKIX rules (chain, validity, key usage {@code clientAuth}); a changed bundle is used by the
 * next handshake. A resumed TLS session is checked again too (Netty calls {@link
 * #resumeClientTrusted}), so a client whose CA was removed cannot keep coming back on a session
 * ticket. The CAs are not advertised to clients (see {@link #getAcceptedIssuers()}). A refused certificate is reported to {@code onRefused} (counted) before the
 * handshake fails. Thread-safe; called by TLS handshakes on network threads.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager implements ResumableX509ExtendedTrustManager {
  /** A CA bundle and the JDK trust manager built from it. */
  record Trust(List<X509Certificate> authorities, X509ExtendedTrustManager verifier) {
    static Trust of(List<X509Certificate> authorities) throws GeneralSecurityException {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        ks.load(null, null);
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException("empty key store", e);
      }
      for (int i = 0; i < authorities.size(); i++) {
        ks.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new Trust(List.copyOf(authorities), x);
        }
      }
      throw new GeneralSecurityException("the JDK has no X509ExtendedTrustManager for PKIX");
    }
  }

  private final Supplier<Trust> source;
  private final Runnable onRefused;

  ReloadingTrustManager(Supplier<Trust> source, Runnable onRefused) {
    this.source = source;
    this.onRefused = onRefused;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      source.get().verifier().checkClientTrusted(chain, authType, engine);
    } catch (CertificateException | RuntimeException e) {
      onRefused.run();
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      source.get().verifier().checkClientTrusted(chain, authType, socket);
    } catch (CertificateException | RuntimeException e) {
      onRefused.run();
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      source.get().verifier().checkClientTrusted(chain, authType);
    } catch (CertificateException | RuntimeException e) {
      onRefused.run();
      throw e;
    }
  }

  /** A resumed session: its client certificate is checked against the CAs in force now. */
  @Override
  public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    checkResumed(chain, engine);
  }

  @Override
  public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    checkResumed(chain, engine); // Netty's name for the check on the server side of a resumption
  }

  private void checkResumed(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    if (chain == null || chain.length == 0) {
      onRefused.run();
      throw new CertificateException("a resumed session without a client certificate");
    }
    checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm(), engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  /**
   * None are named in the handshake's certificate request, so a client sends the certificate it
   * has, whoever issued it: a certificate of the wrong CA then reaches {@link #checkClientTrusted},
   * is refused with a {@code bad_certificate} alert and counted, instead of not being sent at all
   * (which JDK and Go clients do when the request names other CAs).
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
