package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards of the chart against Grafana's own schema for the version they declare. No
 * Grafana server runs here, so the check uses what Grafana publishes for it: the npm package
 * {@code @grafana/schema} of that version holds the TypeScript types Grafana generates from its CUE
 * dashboard and panel kinds (the same definitions its schema migrations and validation use). Each
 * dashboard is written out as a typed TypeScript constant — the dashboard as {@code Dashboard}, each
 * time-series panel's options and custom field config as that panel kind's {@code Options} and
 * {@code FieldConfig} — and {@code tsc --strict --noEmit} checks them: a wrong type, a missing
 * required field or an unknown key (object literals are checked for excess properties) fails. The
 * declared versions must be the package's: {@code __requires} grafana major.minor and the
 * {@code schemaVersion} of the package's default dashboard.
 *
 * <p>The package and the TypeScript compiler come from {@code e2e/src/test/grafana-schema} ({@code
 * npm ci} there; .ci/run does it).
 */
class DashboardSchemaTest {
  /**
   * The schema's types as JSON has them: Grafana's string enums (legend display mode "list", …) are
   * TypeScript enums, which a string in JSON never is; {@code Json<T>} turns each into the union of
   * its values and keeps everything else (optional keys, excess-property checks) as it is.
   */
  static final String PRELUDE = """
      import type { Dashboard as DashboardKind } from '@grafana/schema/dist/esm/raw/dashboard/x/dashboard_types.gen';
      type Json<T> = T extends string ? `${T}` : T extends Array<infer U> ? Array<Json<U>>
          : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
      type Dashboard = Json<DashboardKind>;
      """;

  static Path schemaDir() {
    return Peers.moduleDir().resolve("src/test/grafana-schema");
  }

  static List<Path> dashboards() throws IOException {
    try (var files = Files.list(Peers.moduleDir().resolve("../deploy/helm/rosetta/dashboards").normalize())) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void dashboardsTypeCheckAgainstTheGrafanaSchemaOfTheVersionTheyDeclare() throws Exception {
    Path modules = schemaDir().resolve("node_modules");
    Path tsc = modules.resolve("typescript/bin/tsc");
    Path schema = modules.resolve("@grafana/schema");
    if (!Files.isRegularFile(tsc) || !Files.isDirectory(schema)) {
      String message = "the Grafana schema package is not installed: npm ci --prefix " + schemaDir();
      if (Peers.CI) {
        fail(message);
      }
      Assumptions.abort(message + "; skipped outside CI");
    }
    Path node = Peers.require(Path.of("/usr/bin/node"), "nodejs");
    String schemaVersionOfPackage = JsonParser.parseString(Files.readString(schema.resolve("package.json")))
        .getAsJsonObject().get("version").getAsString();
    Matcher m = Pattern.compile("schemaVersion: (\\d+)").matcher(
        Files.readString(schema.resolve("dist/esm/raw/dashboard/x/dashboard_types.gen.mjs")));
    assertThat(m.find()).as("the package's default dashboard has a schemaVersion").isTrue();
    int packageSchemaVersion = Integer.parseInt(m.group(1));

    List<Path> dashboards = dashboards();
    assertThat(dashboards).hasSize(3);
    StringBuilder ts = new StringBuilder(PRELUDE + """
        import type { Options as TimeSeriesOptions, FieldConfig as TimeSeriesFieldConfig } from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
        type Options = Json<TimeSeriesOptions>;
        type FieldConfig = Json<TimeSeriesFieldConfig>;
        """);
    for (int i = 0; i < dashboards.size(); i++) {
      Path f = dashboards.get(i);
      JsonObject d = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      String grafana = null;
      for (JsonElement r : d.getAsJsonArray("__requires")) {
        if (r.getAsJsonObject().get("id").getAsString().equals("grafana")) {
          grafana = r.getAsJsonObject().get("version").getAsString();
        }
      }
      assertThat(grafana).as("%s declares its Grafana version in __requires", f).isNotNull();
      assertThat(majorMinor(grafana)).as("%s: Grafana version declared vs the schema package", f)
          .isEqualTo(majorMinor(schemaVersionOfPackage));
      assertThat(d.get("schemaVersion").getAsInt()).as("%s: schemaVersion of Grafana %s", f, grafana)
          .isEqualTo(packageSchemaVersion);
      JsonObject body = d.deepCopy();
      body.remove("__inputs"); // export-only keys, not part of the stored dashboard
      body.remove("__requires");
      ts.append("// ").append(f.getFileName()).append('\n');
      ts.append("export const d").append(i).append(": Dashboard = ").append(body).append(";\n");
      int p = 0;
      for (JsonElement e : d.getAsJsonArray("panels")) {
        JsonObject panel = e.getAsJsonObject();
        assertThat(panel.get("type").getAsString()).as("%s panel %s", f, panel.get("title")).isEqualTo("timeseries");
        ts.append("export const d").append(i).append("p").append(p).append("o: Options = ")
            .append(panel.get("options")).append(";\n");
        ts.append("export const d").append(i).append("p").append(p).append("f: FieldConfig = ")
            .append(panel.getAsJsonObject("fieldConfig").getAsJsonObject("defaults").get("custom")).append(";\n");
        for (JsonElement t : panel.getAsJsonArray("targets")) {
          assertThat(t.getAsJsonObject().keySet()).as("%s: keys of a Prometheus query", f)
              .containsAnyOf("expr").isSubsetOf("refId", "datasource", "expr", "legendFormat", "range", "instant",
                  "interval", "format");
        }
        p++;
      }
    }
    Path work = Peers.moduleDir().resolve("target/grafana-schema-check");
    Files.createDirectories(work);
    Files.writeString(work.resolve("dashboards.ts"), ts);
    Files.writeString(work.resolve("tsconfig.json"), """
        {"compilerOptions": {"strict": true, "noEmit": true, "module": "commonjs", "moduleResolution": "node",
          "target": "es2020", "skipLibCheck": true, "baseUrl": ".",
          "paths": {"@grafana/schema/*": ["%s/*"]}, "typeRoots": []},
         "files": ["dashboards.ts"]}
        """.formatted(schema.toString().replace("\\", "/")));
    Process tscRun = new ProcessBuilder(node.toString(), tsc.toString(), "-p", work.resolve("tsconfig.json").toString())
        .directory(work.toFile()).redirectErrorStream(true).start();
    String out = new String(tscRun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!tscRun.waitFor(120, TimeUnit.SECONDS)) {
      tscRun.destroyForcibly();
      fail("tsc did not finish within 120 s");
    }
    System.out.println("tsc against @grafana/schema " + schemaVersionOfPackage + " (schemaVersion "
        + packageSchemaVersion + "): exit " + tscRun.exitValue() + "\n" + out);
    assertThat(tscRun.exitValue()).as("tsc --strict over %s:\n%s", work.resolve("dashboards.ts"), out).isZero();
  }

  /** The check is a real one: a dashboard with a wrong type or an unknown key fails it. */
  @Test
  void theCheckRejectsAWrongDashboard() throws Exception {
    Path modules = schemaDir().resolve("node_modules");
    Path tsc = modules.resolve("typescript/bin/tsc");
    Assumptions.assumeTrue(Files.isRegularFile(tsc), "the Grafana schema package is not installed");
    Path work = Peers.moduleDir().resolve("target/grafana-schema-check-negative");
    Files.createDirectories(work);
    Files.writeString(work.resolve("bad.ts"), PRELUDE + """
        export const wrongType: Dashboard = {"schemaVersion": "41", "title": "x"};
        export const unknownKey: Dashboard = {"schemaVersion": 41, "title": "x", "colour": "red"};
        export const wrongEnumValue: Dashboard = {"schemaVersion": 41, "title": "x",
            "templating": {"list": [{"type": "query", "name": "job", "refresh": 7}]}};
        """);
    Files.writeString(work.resolve("tsconfig.json"), """
        {"compilerOptions": {"strict": true, "noEmit": true, "moduleResolution": "node", "skipLibCheck": true,
          "baseUrl": ".", "paths": {"@grafana/schema/*": ["%s/*"]}, "typeRoots": []}, "files": ["bad.ts"]}
        """.formatted(modules.resolve("@grafana/schema").toString().replace("\\", "/")));
    Process p = new ProcessBuilder(Path.of("/usr/bin/node").toString(), tsc.toString(), "-p",
        work.resolve("tsconfig.json").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
    assertThat(out).contains("Type 'string' is not assignable to type 'number'")
        .contains("'\"colour\"' does not exist").contains("not assignable to type 'VariableRefresh");
  }

  private static String majorMinor(String version) {
    String[] parts = version.split("\\.");
    return parts[0] + "." + parts[1];
  }

}
