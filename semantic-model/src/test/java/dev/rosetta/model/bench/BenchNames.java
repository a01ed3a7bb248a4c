package dev.rosetta.model.bench;

import dev.rosetta.model.name.JvmPath;
import dev.rosetta.model.view.BuiltinViews;
import dev.rosetta.model.view.ViewLoadException;
import dev.rosetta.model.view.ViewSet;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/** Benchmark inputs: the Go catalog names, the platform MBean attribute names, and the views. */
final class BenchNames {
  private BenchNames() {}

  /** Every Go runtime/metrics name of Go 1.16 to 1.26, from the catalog bundled in the model. */
  static List<String> goNames() {
    return new ArrayList<>(new TreeSet<>(dev.rosetta.model.name.GoCatalog.all().keySet()));
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
