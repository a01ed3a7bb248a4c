package dev.rosetta.receiver.it;

import dev.rosetta.receiver.tls.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** TLS clients for the listener tests, from the test PKI in src/test/resources/tls. */
final class TlsClients {
  static final Path PKI = Path.of("src/test/resources/tls").toAbsolutePath();

  private TlsClients() {}

  /** A client identity: a certificate file and its key file, by their names in the test PKI. */
  record Identity(String cert, String key) {
    static final Identity CLIENT = new Identity("client.pem", "client.key");
    static final Identity OTHER_CLIENT = new Identity("other-client.pem", "other-client.key");
  }

  static List<X509Certificate> certificates(String... files) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (String f : files) {
      out.addAll(Pem.certificates(Files.readAllBytes(PKI.resolve(f))));
    }
    return out;
  }

  static PrivateKey key(String file) throws Exception {
    return Pem.privateKey(Files.readAllBytes(PKI.resolve(file)));
  }

  /** A JDK context trusting the given CA files, presenting {@code identity} when given. */
  static SSLContext context(Optional<Identity> identity, String... trustedCas) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : certificates(trustedCas)) {
      trust.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (identity.isPresent()) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("me", key(identity.get().key()), new char[0],
          certificates(identity.get().cert()).toArray(new X509Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Completes a handshake on a new connection and returns the subject the server presented. */
  static String serverSubject(int port, SSLContext ctx) throws Exception {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(5000);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  /** A gRPC channel over TLS trusting the given CAs, presenting {@code identity} when given. */
  static ManagedChannel grpc(int port, Optional<Identity> identity, String... trustedCas) throws Exception {
    SslContextBuilder b = GrpcSslContexts.forClient().trustManager(certificates(trustedCas));
    if (identity.isPresent()) {
      b.keyManager(key(identity.get().key()), certificates(identity.get().cert()));
    }
    return NettyChannelBuilder.forAddress("localhost", port).sslContext(b.build()).build();
  }
}
