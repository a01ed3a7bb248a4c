package dev.rosetta.receiver.telemetry;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * {@code rosetta_build_info{version, revision, java_version} 1}: the version and the commit the
 * build was made from ({@code build.properties}, written by the Maven build: the project version and
 * {@code git rev-parse --short=12 HEAD}, {@code unknown} when the sources are not a git checkout or
 * git is missing), and the version of the JVM running Rosetta. The values never change while the
 * process runs, so the gauge is there on the very first scrape. Immutable and thread-safe.
 */
public final class BuildInfo extends Collector {
  /** The classpath resource the build writes. */
  public static final String RESOURCE = "/dev/rosetta/receiver/build.properties";
  public static final String UNKNOWN = "unknown";

  private static final BuildInfo CURRENT = read();

  private final String version;
  private final String revision;
  private final String javaVersion;

  BuildInfo(String version, String revision, String javaVersion) {
    this.version = version;
    this.revision = revision;
    this.javaVersion = javaVersion;
  }

  /** This build's. */
  public static BuildInfo current() {
    return CURRENT;
  }

  public String version() {
    return version;
  }

  public String revision() {
    return revision;
  }

  public String javaVersion() {
    return javaVersion;
  }

  private static BuildInfo read() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String manifest = BuildInfo.class.getPackage().getImplementationVersion();
    String version = nonEmpty(p.getProperty("version"), nonEmpty(manifest, UNKNOWN));
    return new BuildInfo(version, nonEmpty(p.getProperty("revision"), UNKNOWN), Runtime.version().toString());
  }

  private static String nonEmpty(String s, String otherwise) {
    return s == null || s.isBlank() ? otherwise : s.trim();
  }

  @Override
  public List<MetricFamilySamples> collect() {
    GaugeMetricFamily g = new GaugeMetricFamily("rosetta_build_info",
        "Rosetta's version, the commit it was built from and the version of the JVM running it; always 1.",
        List.of("version", "revision", "java_version"));
    g.addMetric(List.of(version, revision, javaVersion), 1);
    return List.of(g);
  }
}
