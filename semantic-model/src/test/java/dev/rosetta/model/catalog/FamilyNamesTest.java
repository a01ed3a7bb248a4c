package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.view.ViewDecision;
import dev.rosetta.model.view.ViewSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Families across all built-in sets: one family name has one type, one unit and one set of label
 * names wherever it comes from, and two families never render to the same Prometheus name.
 */
class FamilyNamesTest {

  record Shape(String type, String unit, Set<String> labels) {}

  @Test
  void familiesAreConsistentAndPrometheusNamesDistinct() throws IOException {
    List<String> inputs = new ArrayList<>();
    GoCatalog.rows().forEach(r -> inputs.add(r.name()));
    List<String> jvm = Files.readAllLines(Golden.sourceFile(JvmCatalogTest.GOLDEN), StandardCharsets.UTF_8);
    jvm.subList(1, jvm.size()).forEach(line -> inputs.add(line.substring(0, line.indexOf('\t'))));

    Map<String, Set<Shape>> shapes = new TreeMap<>();
    Map<String, Set<String>> familiesByPrometheusName = new TreeMap<>();
    for (ViewSet views : List.of(Catalogs.of("go"), Catalogs.of("go-semconv"), Catalogs.of("jvm"))) {
      for (String input : inputs) {
        ViewDecision d = views.decide(input);
        if (d.kind() != ViewDecision.Kind.MATCHED) {
          continue;
        }
        String family = d.name().orElseThrow();
        Set<String> labels = new TreeSet<>(d.labels().names());
        labels.addAll(d.attributeLabels().keySet());
        shapes.computeIfAbsent(family, k -> new TreeSet<>(java.util.Comparator.comparing(Shape::toString)))
            .add(new Shape(d.type().map(Object::toString).orElse("?"), d.unit().orElse("?"), labels));
        familiesByPrometheusName.computeIfAbsent(Catalogs.prometheusName(d), k -> new TreeSet<>()).add(family);
      }
    }
    assertThat(shapes).hasSizeGreaterThan(60);
    shapes.forEach((family, s) -> assertThat(s).as("shapes of family %s", family).hasSize(1));
    familiesByPrometheusName.forEach((prom, families) ->
        assertThat(families).as("families rendering to %s", prom).hasSize(1));
  }
}
