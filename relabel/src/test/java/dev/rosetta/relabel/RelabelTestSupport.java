package dev.rosetta.relabel;

import dev.rosetta.model.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers that let test tables read like the YAML they stand for. */
final class RelabelTestSupport {
  private RelabelTestSupport() {}

  /** One rule as a YAML mapping: alternating keys and values, nulls allowed. */
  static Map<String, Object> rule(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** A YAML list. */
  static List<Object> list(Object... items) {
    return new ArrayList<>(java.util.Arrays.asList(items));
  }

  static Labels labels(String... namesAndValues) {
    return Labels.of(namesAndValues);
  }

  /** Binds and compiles rules written as YAML mappings. */
  static RelabelRules compile(NameValidation validation, List<Map<String, Object>> rules)
      throws RelabelException {
    return RelabelRules.compile(
        RelabelConfigs.fromYamlTree(new ArrayList<Object>(rules), "test"), validation);
  }
}
