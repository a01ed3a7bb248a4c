package dev.rosetta.model.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Reads the numeric attributes of platform MBeans as JVM paths:
 * {@code <ObjectName>/<attribute>[/<item>]}, e.g. {@code java.lang:name=G1 Eden Space,type=MemoryPool/Usage/used}.
 * Numeric items of CompositeData attributes become paths with the item appended; TabularData and
 * non-numeric values are skipped (string attributes are kept per MBean, for attribute labels).
 */
final class JvmMBeans {
  static final String[] DOMAINS = {"java.lang:*", "java.nio:*"};

  /** One numeric value: the path, the MBean, the attribute, the CompositeData item (or null). */
  record Sample(String path, ObjectName bean, String attribute, String item, double value) {}

  /** A read of all MBeans: numeric samples in a stable order, and each MBean's string attributes. */
  record Read(List<Sample> samples, Map<ObjectName, Map<String, String>> strings) {}

  private JvmMBeans() {}

  static Read read(MBeanServer server) {
    List<Sample> samples = new ArrayList<>();
    Map<ObjectName, Map<String, String>> strings = new LinkedHashMap<>();
    for (ObjectName bean : beans(server)) {
      Map<String, String> text = new LinkedHashMap<>();
      strings.put(bean, text);
      for (Attribute a : attributes(server, bean)) {
        Object v = a.getValue();
        String attr = a.getName();
        if (v instanceof Number n) {
          samples.add(new Sample(path(bean, attr, null), bean, attr, null, n.doubleValue()));
        } else if (v instanceof CompositeData cd) {
          for (String item : new TreeSet<>(cd.getCompositeType().keySet())) {
            if (cd.get(item) instanceof Number n) {
              samples.add(new Sample(path(bean, attr, item), bean, attr, item, n.doubleValue()));
            }
          }
        } else if (v instanceof String s) {
          text.put(attr, s);
        }
      }
    }
    return new Read(List.copyOf(samples), strings);
  }

  static Set<ObjectName> beans(MBeanServer server) {
    Set<ObjectName> beans = new TreeSet<>();
    try {
      for (String domain : DOMAINS) {
        beans.addAll(server.queryNames(new ObjectName(domain), null));
      }
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
    return beans;
  }

  /** All readable attributes that can be read now; the ones that throw are left out, as getAttributes does. */
  static List<Attribute> attributes(MBeanServer server, ObjectName bean) {
    try {
      MBeanAttributeInfo[] infos = server.getMBeanInfo(bean).getAttributes();
      List<String> names = new ArrayList<>(infos.length);
      for (MBeanAttributeInfo info : infos) {
        if (info.isReadable()) {
          names.add(info.getName());
        }
      }
      return server.getAttributes(bean, names.toArray(String[]::new)).asList();
    } catch (JMException e) {
      throw new IllegalStateException("cannot read " + bean, e);
    }
  }

  /** The JVM path: canonical ObjectName, then attribute and item with {@code /} and {@code !} escaped as {@code !/} and {@code !!}. */
  static String path(ObjectName bean, String attribute, String item) {
    StringBuilder sb = new StringBuilder(bean.getCanonicalName()).append('/').append(escape(attribute));
    if (item != null) {
      sb.append('/').append(escape(item));
    }
    return sb.toString();
  }

  static String escape(String segment) {
    if (segment.indexOf('/') < 0 && segment.indexOf('!') < 0) {
      return segment;
    }
    return segment.replace("!", "!!").replace("/", "!/");
  }
}
