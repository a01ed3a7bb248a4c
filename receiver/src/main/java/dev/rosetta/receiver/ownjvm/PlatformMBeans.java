package dev.rosetta.receiver.ownjvm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rosetta.receiver.config.ScrapeReceiverConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Reads MBeans of a server into the body a Jolokia agent answers to a bulk read of them: one
 * response per read, a pattern's value keyed by canonical ObjectName, every readable attribute
 * that is not an array (the same attributes the Jolokia decoder keeps), composite values as
 * objects, tabular values left out. An attribute whose read fails (not supported by this JVM) is
 * left out, as an agent leaves it out. Stateless; thread-safe.
 */
public final class PlatformMBeans {
  private final MBeanServer server;

  public PlatformMBeans(MBeanServer server) {
    this.server = server;
  }

  /** The platform MBean server of this JVM. */
  public static PlatformMBeans platform() {
    return new PlatformMBeans(ManagementFactory.getPlatformMBeanServer());
  }

  /** The Jolokia bulk response for {@code reads} (their attribute and path selections are ignored: all are read). */
  public JsonArray read(List<ScrapeReceiverConfig.JolokiaRead> reads, long nowMillis) {
    JsonArray out = new JsonArray();
    for (ScrapeReceiverConfig.JolokiaRead r : reads) {
      ObjectName name;
      try {
        name = new ObjectName(r.mbean());
      } catch (JMException e) {
        continue;
      }
      JsonObject response = new JsonObject();
      JsonObject request = new JsonObject();
      request.addProperty("type", "read");
      request.addProperty("mbean", r.mbean());
      response.add("request", request);
      response.addProperty("timestamp", nowMillis / 1000);
      if (name.isPattern()) {
        JsonObject byName = new JsonObject();
        Set<ObjectName> names = new TreeSet<>(server.queryNames(name, null));
        for (ObjectName n : names) {
          JsonObject attrs = attributes(n);
          if (attrs != null) {
            byName.add(n.getCanonicalName(), attrs);
          }
        }
        response.add("value", byName);
      } else {
        JsonObject attrs = attributes(name);
        if (attrs == null) {
          response.addProperty("status", 404);
          out.add(response);
          continue;
        }
        response.add("value", attrs);
      }
      response.addProperty("status", 200);
      out.add(response);
    }
    return out;
  }

  /** The readable, non-array attributes of one MBean; null when it is not registered. */
  private JsonObject attributes(ObjectName name) {
    List<String> names = new ArrayList<>();
    try {
      for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
        if (a.isReadable() && !a.getType().startsWith("[")) {
          names.add(a.getName());
        }
      }
    } catch (JMException e) {
      return null;
    }
    AttributeList values;
    try {
      values = server.getAttributes(name, names.toArray(new String[0]));
    } catch (JMException e) {
      return null;
    }
    JsonObject out = new JsonObject();
    for (Attribute a : values.asList()) {
      JsonElement v = json(a.getValue());
      if (v != null) {
        out.add(a.getName(), v);
      }
    }
    return out;
  }

  private static JsonElement json(Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new JsonPrimitive(n) : null;
    }
    if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (v instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (v instanceof CompositeData c) {
      JsonObject o = new JsonObject();
      for (String key : new TreeSet<>(c.getCompositeType().keySet())) {
        JsonElement e = json(c.get(key));
        if (e != null) {
          o.add(key, e);
        }
      }
      return o;
    }
    if (v instanceof ObjectName || v instanceof Enum<?>) {
      return new JsonPrimitive(v.toString());
    }
    return null; // tabular data, arrays, null: nothing a view reads
  }
}
