package dev.rosetta.model.bench;

import dev.rosetta.model.name.JvmPath;
import dev.rosetta.model.view.BuiltinViews;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/** Benchmark inputs: the Go catalog names, the platform MBean attribute names, and the views. */
final class BenchNames {
  /** The shared catalog, read when present; the test resource copy otherwise. */
  static final Path GO_CATALOG = Path.of("/work/shared/catalog/go-runtime-metrics.tsv");

  private BenchNames() {}

  /** Every Go runtime/metrics name of Go 1.16 to 1.26. */
  static List<String> goNames() throws IOException {
    try (Reader reader = goCatalog(); BufferedReader r = new BufferedReader(reader)) {
      List<String> names = new ArrayList<>();
      r.readLine(); // header
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          names.add(line.substring(0, line.indexOf('\t')));
        }
      }
      return names;
    }
  }

  private static Reader goCatalog() throws IOException {
    if (Files.isReadable(GO_CATALOG)) {
      return Files.newBufferedReader(GO_CATALOG, StandardCharsets.UTF_8);
    }
    InputStream in = BenchNames.class.getResourceAsStream("/go-runtime-metrics.tsv");
    if (in == null) {
      throw new IOException("no Go catalog: neither " + GO_CATALOG + " nor the test resource");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  /**
   * The JVM paths of this JVM's platform MBeans: every numeric or boolean attribute, and every
   * numeric item of composite attributes ({@code java.lang:type=Memory/HeapMemoryUsage/used}).
   */
  static List<String> jvmNames() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    TreeSet<String> names = new TreeSet<>();
    for (ObjectName on : server.queryNames(null, null)) {
      MBeanAttributeInfo[] attributes;
      try {
        attributes = server.getMBeanInfo(on).getAttributes();
      } catch (Exception e) {
        continue;
      }
      for (MBeanAttributeInfo a : attributes) {
        if (!a.isReadable()) {
          continue;
        }
        Object value;
        try {
          value = server.getAttribute(on, a.getName());
        } catch (Exception | Error e) {
          continue;
        }
        if (value instanceof Number || value instanceof Boolean) {
          names.add(JvmPath.join(on.toString(), a.getName()));
        } else if (value instanceof CompositeData c) {
          for (String key : c.getCompositeType().keySet()) {
            if (c.get(key) instanceof Number) {
              names.add(JvmPath.join(on.toString(), a.getName(), key));
            }
          }
        }
      }
    }
    return new ArrayList<>(names);
  }

  /**
   * The default built-in sets (go, jvm) when they are on the classpath; otherwise the benchmark's
   * own stand-ins, so the benchmark runs on a build without the catalogs.
   */
  static ViewSet views(int memoCapacity) throws ViewLoadException, IOException {
    ViewSet.Builder b = ViewSet.builder().memoCapacity(memoCapacity);
    ClassLoader loader = BenchNames.class.getClassLoader();
    for (String set : BuiltinViews.DEFAULTS) {
      if (loader.getResource(BuiltinViews.resource(set)) != null) {
        b.builtin(set);
      } else {
        String fallback = "dev/rosetta/model/bench/" + set + "-views.yaml";
        try (InputStream in = loader.getResourceAsStream(fallback)) {
          if (in == null) {
            throw new IOException("missing " + fallback);
          }
          b.addYaml("bench:" + set, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return b.build();
  }

  /** Which views {@link #views(int)} uses, for the report. */
  static String viewsDescription() {
    ClassLoader loader = BenchNames.class.getClassLoader();
    List<String> parts = new ArrayList<>();
    for (String set : BuiltinViews.DEFAULTS) {
      parts.add(loader.getResource(BuiltinViews.resource(set)) != null ? "builtin:" + set : "bench:" + set + " (stand-in)");
    }
    return String.join(", ", parts);
  }
}
