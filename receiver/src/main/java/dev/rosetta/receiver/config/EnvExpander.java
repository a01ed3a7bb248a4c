package dev.rosetta.receiver.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands environment references in the string values of a YAML tree (keys are left alone), as the
 * Collector does: {@code ${env:NAME}} and {@code ${NAME}}, with an optional fallback {@code
 * ${env:NAME:-fallback}}; {@code $$} is a literal {@code $}. A reference to an undefined variable
 * without fallback is reported and its value becomes {@link ConfigNode.Reported#VALUE}, so nothing
 * else is reported about it. Text that is not a reference stays as written, so Prometheus relabel
 * replacements such as {@code $1} and {@code ${1}} need no escaping.
 *
 * <p>Expansion is a single pass: an expanded value is not expanded again.
 */
final class EnvExpander {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** {@code NAME} or {@code NAME:-fallback}: group 1 the name, group 2 the fallback. */
  private static final Pattern REFERENCE = Pattern.compile("([^:]*)(?::-(.*))?", Pattern.DOTALL);

  private static final Pattern OTHER_SCHEME =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);

  private final Map<String, String> env;
  private final ConfigErrors errors;

  /** Aliases make one object appear at several places; expand it once (bounds the work). */
  private final Map<Object, Object> done = new IdentityHashMap<>();

  private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

  private EnvExpander(Map<String, String> env, ConfigErrors errors) {
    this.env = env;
    this.errors = errors;
  }

  /** A copy of {@code tree} with every string value expanded; problems go to {@code errors}. */
  static Object expand(Object tree, Map<String, String> env, ConfigErrors errors) {
    return new EnvExpander(env, errors).walk(tree, "");
  }

  private Object walk(Object node, String path) {
    if (node instanceof String s) {
      return expandString(s, path);
    }
    if (!(node instanceof Map) && !(node instanceof List)) {
      return node;
    }
    Object previous = done.get(node);
    if (previous != null) {
      return previous;
    }
    if (!inProgress.add(node)) {
      errors.add(
          path,
          "",
          "a YAML alias refers to a node that contains it; recursive structures are not supported");
      return ConfigNode.Reported.VALUE;
    }
    Object result;
    if (node instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        copy.put(e.getKey(), walk(e.getValue(), path.isEmpty() ? key : path + "." + key));
      }
      result = copy;
    } else {
      List<?> list = (List<?>) node;
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(walk(list.get(i), path + "[" + i + "]"));
      }
      result = copy;
    }
    inProgress.remove(node);
    done.put(node, result);
    return result;
  }

  private Object expandString(String s, String path) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    boolean failed = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$' || i + 1 == s.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = s.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      if (next != '{') {
        out.append(c);
        i++;
        continue;
      }
      int close = s.indexOf('}', i + 2);
      if (close < 0) {
        errors.add(
            path,
            Values.render(s),
            "unterminated \"${\" in "
                + Values.quote(s)
                + ": expected ${env:NAME}; write $$ for a literal $");
        return ConfigNode.Reported.VALUE;
      }
      String reference = s.substring(i + 2, close);
      String original = s.substring(i, close + 1);
      i = close + 1;
      boolean envScheme = reference.startsWith("env:");
      Matcher m = REFERENCE.matcher(envScheme ? reference.substring(4) : reference);
      boolean isReference = m.matches() && (envScheme || NAME.matcher(m.group(1)).matches());
      if (!isReference) {
        if (envScheme) {
          errors.add(
              path,
              Values.render(s),
              "invalid environment variable name \""
                  + reference.substring(4)
                  + "\" in "
                  + original
                  + ": expected letters, digits and _, not starting with a digit");
          failed = true;
        } else if (OTHER_SCHEME.matcher(reference).matches()) {
          errors.add(
              path,
              Values.render(s),
              "unsupported reference "
                  + original
                  + ": only environment variables (${env:NAME}) can be used;"
                  + " write $$ for a literal $");
          failed = true;
        } else {
          out.append(original); // not a reference, e.g. a relabel replacement ${1}
        }
        continue;
      }
      String name = m.group(1);
      String fallback = m.group(2);
      if (!NAME.matcher(name).matches()) {
        errors.add(
            path,
            Values.render(s),
            "invalid environment variable name \""
                + name
                + "\" in "
                + original
                + ": expected letters, digits and _, not starting with a digit");
        failed = true;
        continue;
      }
      String value = env.get(name);
      if (value == null) {
        if (fallback == null) {
          errors.add(
              path,
              Values.render(s),
              "environment variable \""
                  + name
                  + "\" is not defined (referenced as "
                  + original
                  + "; give a fallback with ${env:"
                  + name
                  + ":-value})");
          failed = true;
          continue;
        }
        value = fallback;
      }
      out.append(value);
    }
    if (failed) {
      return ConfigNode.Reported.VALUE;
    }
    String result = out.toString();
    errors.expanded(path, s, result);
    return result;
  }
}
