package dev.rosetta.receiver.scrape;

import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * One {@code scrape_configs} job, compiled once: its relabel rules, TLS context, request headers and
 * sample settings. Immutable and thread-safe; shared by the job's loops.
 */
final class ScrapeJob {
  final String receiver;
  final ScrapeReceiverConfig.Kind kind;
  final ScrapeReceiverConfig.Job config;
  final RelabelRules targetRelabel;
  final ScrapeAssembler.Settings samples;
  final Optional<SslContext> ssl;
  final String accept;
  /** The Jolokia bulk read (jolokia only). */
  final byte[] jolokiaRead;

  ScrapeJob(String receiver, ScrapeReceiverConfig.Kind kind, ScrapeReceiverConfig.Job config, byte[] jolokiaRead) {
    this.receiver = receiver;
    this.kind = kind;
    this.config = config;
    this.jolokiaRead = jolokiaRead;
    try {
      this.targetRelabel = RelabelRules.compile(config.relabelConfigs(), NameValidation.UTF8);
      RelabelRules metricRelabel = RelabelRules.compile(config.metricRelabelConfigs(), NameValidation.UTF8);
      this.samples = new ScrapeAssembler.Settings(config.honorLabels(), config.honorTimestamps(), metricRelabel,
          config.sampleLimit(), config.labelLimit(), config.labelNameLengthLimit(), config.labelValueLengthLimit());
    } catch (RelabelException e) {
      throw new IllegalArgumentException("relabel rules of job " + config.jobName() + ": " + e.getMessage(), e);
    }
    this.ssl = sslContext(config.http());
    this.accept = kind == ScrapeReceiverConfig.Kind.JOLOKIA
        ? "application/json" : ScrapeProtocol.acceptHeader(config.scrapeProtocols());
  }

  boolean jolokia() {
    return kind == ScrapeReceiverConfig.Kind.JOLOKIA;
  }

  /**
   * The request headers of a scrape; credentials files are read now, so a rotated secret is used at
   * the next scrape.
   */
  Map<String, String> headers() throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept", accept);
    h.put("Accept-Encoding", ScrapeHttpClient.acceptEncoding(config.enableCompression()));
    h.put("User-Agent", "Rosetta");
    if (!jolokia()) {
      h.put("X-Prometheus-Scrape-Timeout-Seconds", seconds(config.scrapeTimeout()));
    } else {
      h.put("Content-Type", "application/json");
    }
    ScrapeReceiverConfig.HttpClient http = config.http();
    if (http.basicAuth().isPresent()) {
      ScrapeReceiverConfig.BasicAuth b = http.basicAuth().get();
      String user = b.usernameFile().isPresent() ? read(b.usernameFile().get()) : b.username();
      String password = b.passwordFile().isPresent() ? read(b.passwordFile().get()) : b.password();
      h.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    } else if (http.authorization().isPresent()) {
      ScrapeReceiverConfig.Authorization a = http.authorization().get();
      String credentials = a.credentialsFile().isPresent() ? read(a.credentialsFile().get()) : a.credentials();
      h.put("Authorization", a.type() + " " + credentials);
    }
    return h;
  }

  private static String read(java.nio.file.Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).strip();
  }

  private static String seconds(java.time.Duration d) {
    double s = d.toNanos() / 1e9;
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }

  static Optional<SslContext> sslContext(ScrapeReceiverConfig.HttpClient http) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (http.tls().isPresent()) {
        ScrapeReceiverConfig.Tls t = http.tls().get();
        if (t.insecureSkipVerify()) {
          b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (t.caFile().isPresent()) {
          b.trustManager(t.caFile().get().toFile());
        }
        if (t.certFile().isPresent() && t.keyFile().isPresent()) {
          b.keyManager(t.certFile().get().toFile(), t.keyFile().get().toFile());
        }
      }
      return Optional.of(b.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot load the TLS settings of a scrape job: " + e.getMessage(), e);
    }
  }

  boolean verifyHostname() {
    return config.http().tls().map(t -> !t.insecureSkipVerify()).orElse(true);
  }

  Optional<String> serverName() {
    return config.http().tls().flatMap(ScrapeReceiverConfig.Tls::serverName);
  }
}
