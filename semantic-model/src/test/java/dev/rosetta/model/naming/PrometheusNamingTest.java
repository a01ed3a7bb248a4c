package dev.rosetta.model.naming;

import static dev.rosetta.model.MetricType.COUNTER;
import static dev.rosetta.model.MetricType.GAUGE;
import static dev.rosetta.model.MetricType.HISTOGRAM;
import static dev.rosetta.model.MetricType.SUMMARY;
import static dev.rosetta.model.MetricType.UP_DOWN_COUNTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rosetta.model.MetricType;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per naming rule; the first column says which rule the row pins down. */
class PrometheusNamingTest {

  // ---------------------------------------------------------------------------------------------
  // metric names with suffixes

  static Stream<Arguments> suffixedNames() {
    return Stream.of(
        // the three examples of the API contract
        arguments("histogram gets the unit word", "http.server.duration", "s", HISTOGRAM,
            "http_server_duration_seconds"),
        arguments("counter gets the unit word, then _total", "system.io", "By", COUNTER,
            "system_io_bytes_total"),
        arguments("gauge with unit 1 gets _ratio", "cpu.utilization", "1", GAUGE,
            "cpu_utilization_ratio"),
        // unit words
        arguments("unit By is bytes", "system.filesystem.usage", "By", GAUGE,
            "system_filesystem_usage_bytes"),
        arguments("unit MiBy is mebibytes", "mongodbatlas.process.journaling.data_files", "MiBy",
            GAUGE, "mongodbatlas_process_journaling_data_files_mebibytes"),
        arguments("unit KBy is kilobytes", "nsxt.node.memory.usage", "KBy", GAUGE,
            "nsxt_node_memory_usage_kilobytes"),
        arguments("unit us is microseconds", "redis.latest_fork", "us", GAUGE,
            "redis_latest_fork_microseconds"),
        arguments("unit ms is milliseconds", "active_directory.ds.ldap.bind.last_successful.time",
            "ms", GAUGE, "active_directory_ds_ldap_bind_last_successful_time_milliseconds"),
        arguments("unit Hz is hertz", "hw.cpu.speed_limit", "Hz", GAUGE,
            "hw_cpu_speed_limit_hertz"),
        arguments("unit % is percent", "active_directory.ds.name_cache.hit_rate", "%", GAUGE,
            "active_directory_ds_name_cache_hit_rate_percent"),
        arguments("unit word follows a ratio word for %", "broken.metric.success_ratio", "%", GAUGE,
            "broken_metric_success_ratio_percent"),
        arguments("counter of seconds", "system.disk.operation_time", "s", COUNTER,
            "system_disk_operation_time_seconds_total"),
        // unit X/Y
        arguments("X/Y is X_per_Y with the singular per word", "astro.light.speed_limit", "m/s",
            GAUGE, "astro_light_speed_limit_meters_per_second"),
        arguments("By/s is bytes_per_second", "mongodbatlas.process.network.io", "By/s", GAUGE,
            "mongodbatlas_process_network_io_bytes_per_second"),
        arguments("GiBy/h is gibibytes_per_hour", "mongodbatlas.process.oplog.rate", "GiBy/h",
            GAUGE, "mongodbatlas_process_oplog_rate_gibibytes_per_hour"),
        arguments("unknown main unit with a known per unit", "broken.metric.speed", "km/h", GAUGE,
            "broken_metric_speed_km_per_hour"),
        arguments("1/s is per_second and no ratio", "requests", "1/s", GAUGE,
            "requests_per_second"),
        arguments("m as denominator is minute", "requests", "1/m", GAUGE, "requests_per_minute"),
        arguments("unknown per unit kept as written", "custom", "1/custom_unit", GAUGE,
            "custom_per_custom_unit"),
        arguments("unknown X/Y on a counter", "system.io", "foo/bar", COUNTER,
            "system_io_foo_per_bar_total"),
        arguments("empty per part ignored", "metric", "By/", GAUGE, "metric_bytes"),
        arguments("white space around the slash trimmed", "metric", " By / s ", GAUGE,
            "metric_bytes_per_second"),
        arguments("a lone slash is no unit", "metric", "/", GAUGE, "metric"),
        arguments("per part cleaning to nothing dropped", "broken.metric.speed", "km/°", GAUGE,
            "broken_metric_speed_km"),
        // annotations
        arguments("annotation unit dropped", "system.network.dropped", "{packets}", GAUGE,
            "system_network_dropped"),
        arguments("annotation unit on a counter still gets _total", "system.network.dropped",
            "{packets}", COUNTER, "system_network_dropped_total"),
        arguments("annotation dropped inside {x}/s", "active_directory.ds.replication.object.rate",
            "{objects}/s", GAUGE, "active_directory_ds_replication_object_rate_per_second"),
        arguments("annotations on both sides of the slash dropped",
            "mongodbatlas.process.db.query_targeting.scanned_per_returned", "{scanned}/{returned}",
            GAUGE, "mongodbatlas_process_db_query_targeting_scanned_per_returned"),
        arguments("annotated per part dropped, main kept", "custom_metric", "By/{custom}", GAUGE,
            "custom_metric_bytes"),
        arguments("a unit part with an annotation is dropped as a whole", "http.request.body",
            "By{compressed}", GAUGE, "http_request_body"),
        // units already in the name
        arguments("unknown unit appended", "system.network.dropped", "packets", GAUGE,
            "system_network_dropped_packets"),
        arguments("unit word already in the middle not appended", "system.network.packets.dropped",
            "packets", GAUGE, "system_network_packets_dropped"),
        arguments("unit word already last not appended", "system.network.packets", "packets",
            COUNTER, "system_network_packets_total"),
        arguments("mapped unit word already present not appended", "jvm.gc.pause.seconds", "s",
            HISTOGRAM, "jvm_gc_pause_seconds"),
        arguments("unit word as part of a longer word is appended", "apache.current_connections",
            "connections", GAUGE, "apache_current_connections"),
        arguments("only the main unit is checked against the name", "io.bytes_per_second", "By/s",
            GAUGE, "io_bytes_per_second_per_second"),
        // type suffixes
        arguments("counter name ending in _bytes_total unchanged", "network_transmitted_bytes_total",
            "By", COUNTER, "network_transmitted_bytes_total"),
        arguments("counter already ending in _total gets no second one", "requests_total", "",
            COUNTER, "requests_total"),
        arguments("counter total word anywhere moves to the end", "requests.total.count", "",
            COUNTER, "requests_count_total"),
        arguments("counter with unit and type already present", "cpu_seconds_total", "s", COUNTER,
            "cpu_seconds_total"),
        arguments("gauge keeps a total word where it is", "sessions.total.open", "", GAUGE,
            "sessions_total_open"),
        arguments("counter with unit 1 gets no _ratio", "apache.requests", "1", COUNTER,
            "apache_requests_total"),
        arguments("gauge ratio word not doubled", "hw.fan.speed_ratio", "1", GAUGE,
            "hw_fan_speed_ratio"),
        arguments("gauge ratio word moves to the end", "cache.ratio.hit", "1", GAUGE,
            "cache_hit_ratio"),
        arguments("_ratio needs the unit to be exactly 1", "cache.hit", " 1", GAUGE, "cache_hit"),
        arguments("updowncounter is a gauge without _total", "jvm.memory.used", "By",
            UP_DOWN_COUNTER, "jvm_memory_used_bytes"),
        arguments("updowncounter with unit 1 gets no _ratio", "system.processes.count", "1",
            UP_DOWN_COUNTER, "system_processes_count"),
        arguments("histogram with unit 1 gets no _ratio", "rpc.server.requests_per_rpc", "1",
            HISTOGRAM, "rpc_server_requests_per_rpc"),
        arguments("summary gets the unit word, no _total", "rpc.latency", "ms", SUMMARY,
            "rpc_latency_milliseconds"),
        arguments("counter with an annotation gets only _total",
            "bigip.virtual_server.request.count", "{requests}", COUNTER,
            "bigip_virtual_server_request_count_total"),
        // characters
        arguments("dots and dashes become underscores", "http-server.active_requests", "{request}",
            UP_DOWN_COUNTER, "http_server_active_requests"),
        arguments("white space around the name dropped", "\t system.filesystem.usage       ",
            "  By\t", GAUGE, "system_filesystem_usage_bytes"),
        arguments("runs of underscores collapse", "envoy__rule_engine_zlib_buf_error", "", GAUGE,
            "envoy_rule_engine_zlib_buf_error"),
        arguments("leading and trailing invalid characters dropped",
            "(lambda).function.executions(#)", "", GAUGE, "lambda_function_executions"),
        arguments("colons kept", ":foo::bar", "", GAUGE, ":foo::bar"),
        arguments("colons kept on a counter", ":foo::bar", "", COUNTER, ":foo::bar_total"),
        arguments("non-ASCII letters separate words", "metric_with_字符_foreign_characters", "",
            COUNTER, "metric_with_foreign_characters_total"),
        arguments("leading digit gets an underscore", "3.14 digits", "", GAUGE, "_3_14_digits"),
        arguments("leading digit after dropped characters", ".5xx.errors", "", COUNTER,
            "_5xx_errors_total"),
        arguments("digits inside words kept", "system.cpu.load_average.15m", "1", GAUGE,
            "system_cpu_load_average_15m_ratio"),
        // unit cleaning
        arguments("non-ASCII unit characters dropped", "unsupported.metric.temperature", "°F",
            GAUGE, "unsupported_metric_temperature_F"),
        arguments("colons kept in units", "temperature", "%*()°:C", GAUGE, "temperature_:C"),
        arguments("colon and underscore kept in an unknown unit", "system.network.dropped",
            "nonstandard:_1", GAUGE, "system_network_dropped_nonstandard:_1"),
        arguments("underscore runs in an unknown unit collapse",
            "metric__with__multiple__underscores", "unit__multiple__underscores", GAUGE,
            "metric_with_multiple_underscores_unit_multiple_underscores"),
        arguments("invalid characters in both unit parts", "custom_metric",
            "unit@with#special/chars", GAUGE, "custom_metric_unit_with_special_per_chars"),
        arguments("leading underscores and symbols in both unit parts",
            "unsupported.metric.redundant", "__test $/°C", GAUGE,
            "unsupported_metric_redundant_test_per_C"),
        arguments("main unit loses its trailing underscore before a per part", "x", "C°/s", GAUGE,
            "x_C_per_second"),
        arguments("main unit keeps its trailing underscore when alone", "x", "C°", GAUGE, "x_C_"),
        // degenerate names
        arguments("name without valid characters takes the unit word", "@#$%", "By", GAUGE,
            "bytes"),
        arguments("empty counter name is total", "", "{packets}", COUNTER, "total"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suffixedNames")
  void metricNameWithSuffixes(
      String rule, String otelName, String unit, MetricType type, String expected) {
    assertThat(PrometheusNaming.metricName(otelName, unit, type)).isEqualTo(expected);
    assertThat(PrometheusNaming.metricName(otelName, unit, type, true)).isEqualTo(expected);
    assertThat(PrometheusNaming.isValidLegacyMetricName(expected)).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // metric names without suffixes

  static Stream<Arguments> plainNames() {
    return Stream.of(
        arguments("unit and _total not added", "system.io", "By", COUNTER, "system_io"),
        arguments("_ratio not added", "foo.bar", "1", GAUGE, "foo_bar"),
        arguments("per unit not added", "system.io", "foo/bar", COUNTER, "system_io"),
        arguments("invalid characters become one underscore", "network (I/O)", "By", COUNTER,
            "network_I_O"),
        arguments("runs of invalid characters become one underscore", "metric@@##$$name", "",
            GAUGE, "metric_name"),
        arguments("existing underscore runs kept", "envoy__rule_engine_zlib_buf_error", "", GAUGE,
            "envoy__rule_engine_zlib_buf_error"),
        arguments("underscores around dropped characters kept",
            "metric_with_字符_foreign_characters", "", COUNTER, "metric_with___foreign_characters"),
        arguments("colons kept", ":foo::bar", "", COUNTER, ":foo::bar"),
        arguments("leading underscore kept", "_private.metric", "", GAUGE, "_private_metric"),
        arguments("leading digit gets an underscore", "3.14 digits", "By", GAUGE, "_3_14_digits"),
        arguments("valid name returned unchanged", "http_requests_total", "", COUNTER,
            "http_requests_total"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plainNames")
  void metricNameWithoutSuffixes(
      String rule, String otelName, String unit, MetricType type, String expected) {
    assertThat(PrometheusNaming.metricName(otelName, unit, type, false)).isEqualTo(expected);
    assertThat(PrometheusNaming.isValidLegacyMetricName(expected)).isTrue();
  }

  static Stream<Arguments> untranslatableNames() {
    return Stream.of(
        arguments("empty name and no unit", "", "", GAUGE, true),
        arguments("empty name, annotation unit", "", "{request}", GAUGE, true),
        arguments("only invalid characters", "@#$%", "", HISTOGRAM, true),
        arguments("only invalid characters, unit 1 on an updowncounter", "...", "1", UP_DOWN_COUNTER,
            true),
        arguments("empty name without suffixes", "", "s", GAUGE, false),
        arguments("only invalid characters without suffixes", "@#$%", "", GAUGE, false),
        arguments("only underscores left without suffixes", "._.", "", GAUGE, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("untranslatableNames")
  void metricNameRejectsNamesWithNothingValidLeft(
      String rule, String otelName, String unit, MetricType type, boolean addSuffixes) {
    assertThatThrownBy(() -> PrometheusNaming.metricName(otelName, unit, type, addSuffixes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no valid Prometheus name");
  }

  @Test
  void underscoresOnlyNameThatIsAlreadyValidIsKeptWithoutSuffixes() {
    assertThat(PrometheusNaming.metricName("__", "", GAUGE, false)).isEqualTo("__");
  }

  @Test
  void validNameWithoutSuffixesIsReturnedWithoutCopying() {
    String name = "process_cpu_seconds_total";
    assertThat(PrometheusNaming.metricName(name, "s", COUNTER, false)).isSameAs(name);
  }

  // ---------------------------------------------------------------------------------------------
  // label names

  static Stream<Arguments> labelNames() {
    return Stream.of(
        arguments("valid key unchanged", "name", "name"),
        arguments("dots become underscores", "host.name", "host_name"),
        arguments("underscores kept", "host_name", "host_name"),
        arguments("every invalid character is one underscore, runs kept", "name (of the host)",
            "name__of_the_host_"),
        arguments("dashes become underscores", "a-b-c", "a_b_c"),
        arguments("colons are invalid in labels", "service:name", "service_name"),
        arguments("case kept", "UPPER.Case", "UPPER_Case"),
        arguments("semantic convention key", "http.response.status_code",
            "http_response_status_code"),
        arguments("digits inside kept", "k8s.pod.name", "k8s_pod_name"),
        arguments("leading digit gets key_", "2 cents", "key_2_cents"),
        arguments("single digit gets key_", "9", "key_9"),
        arguments("leading single underscore gets key", "_name", "key_name"),
        arguments("lone underscore gets key", "_", "key_"),
        arguments("invalid first character then single underscore gets key", ".hidden",
            "key_hidden"),
        arguments("leading double underscore kept", "__name", "__name"),
        arguments("invalid characters making a double underscore are kept", "..hidden",
            "__hidden"),
        arguments("only underscores and already valid kept", "__", "__"),
        arguments("non-ASCII letters become underscores", "ünïcode", "key_n_code"),
        arguments("a character outside the BMP is one underscore", "emoji\uD83D\uDE42key",
            "emoji_key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("labelNames")
  void labelName(String rule, String key, String expected) {
    assertThat(PrometheusNaming.labelName(key)).isEqualTo(expected);
    assertThat(PrometheusNaming.isValidLegacyLabelName(expected)).isTrue();
  }

  static Stream<Arguments> untranslatableLabels() {
    return Stream.of(
        arguments("empty key", ""),
        arguments("only invalid characters", "..."),
        arguments("only underscores left after replacing", "._"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("untranslatableLabels")
  void labelNameRejectsKeysWithNothingValidLeft(String rule, String key) {
    assertThatThrownBy(() -> PrometheusNaming.labelName(key))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validLabelIsReturnedWithoutCopying() {
    String key = "http_method";
    assertThat(PrometheusNaming.labelName(key)).isSameAs(key);
  }

  // ---------------------------------------------------------------------------------------------
  // unit words

  static Stream<Arguments> unitSuffixes() {
    return Stream.of(
        arguments("time: d", "d", "days"),
        arguments("time: h", "h", "hours"),
        arguments("time: min", "min", "minutes"),
        arguments("time: s", "s", "seconds"),
        arguments("time: ms", "ms", "milliseconds"),
        arguments("time: us", "us", "microseconds"),
        arguments("time: ns", "ns", "nanoseconds"),
        arguments("bytes: By", "By", "bytes"),
        arguments("bytes: KiBy", "KiBy", "kibibytes"),
        arguments("bytes: MiBy", "MiBy", "mebibytes"),
        arguments("bytes: GiBy", "GiBy", "gibibytes"),
        arguments("bytes: TiBy, spelled as existing exporters spell it", "TiBy", "tibibytes"),
        arguments("bytes: KBy", "KBy", "kilobytes"),
        arguments("bytes: MBy", "MBy", "megabytes"),
        arguments("bytes: GBy", "GBy", "gigabytes"),
        arguments("bytes: TBy", "TBy", "terabytes"),
        arguments("SI: m", "m", "meters"),
        arguments("SI: V", "V", "volts"),
        arguments("SI: A", "A", "amperes"),
        arguments("SI: J", "J", "joules"),
        arguments("SI: W", "W", "watts"),
        arguments("SI: g", "g", "grams"),
        arguments("misc: Cel", "Cel", "celsius"),
        arguments("misc: Hz", "Hz", "hertz"),
        arguments("misc: 1 has no word (ratio is a type suffix)", "1", ""),
        arguments("misc: %", "%", "percent"),
        arguments("per: s", "1/s", "per_second"),
        arguments("per: m", "1/m", "per_minute"),
        arguments("per: h", "1/h", "per_hour"),
        arguments("per: d", "1/d", "per_day"),
        arguments("per: w", "1/w", "per_week"),
        arguments("per: mo", "1/mo", "per_month"),
        arguments("per: y", "1/y", "per_year"),
        arguments("per table only for denominators", "1/min", "per_min"),
        arguments("main table only for numerators", "mo", "mo"),
        arguments("X/Y", "By/s", "bytes_per_second"),
        arguments("no unit", "", ""),
        arguments("annotation", "{request}", ""),
        arguments("annotation over a per unit", "{packet}/s", "per_second"),
        arguments("main unit over an annotation", "By/{x}", "bytes"),
        arguments("unknown units kept", "km/h", "km_per_hour"),
        arguments("white space trimmed", " By / s ", "bytes_per_second"),
        arguments("unknown unit sanitized", "°F", "F"),
        arguments("unknown unit underscore runs collapsed", "unit__multiple__underscores",
            "unit_multiple_underscores"),
        arguments("per part cleaning to nothing dropped", "km/°", "km"),
        arguments("only the first slash splits", "foo/bar/baz", "foo_per_bar_baz"));
  }

  /** Rows where the unit words are not exactly what a metric name ends with. */
  static Stream<Arguments> unitSuffixesOnly() {
    return Stream.of(
        // the name keeps the trailing underscore of a lone unknown unit (see metric name rows)
        arguments("trailing underscore trimmed", "C°", "C"));
  }

  static Stream<Arguments> allUnitSuffixes() {
    return Stream.concat(unitSuffixes(), unitSuffixesOnly());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allUnitSuffixes")
  void unitSuffix(String rule, String unit, String expected) {
    assertThat(PrometheusNaming.unitSuffix(unit)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unitSuffixes")
  void unitWordsEndTheNameOfAGaugeWhoseNameDoesNotContainThem(
      String rule, String unit, String expected) {
    String name = PrometheusNaming.metricName("probe", unit, GAUGE);
    if (expected.isEmpty()) {
      assertThat(name).isIn("probe", "probe_ratio");
    } else {
      assertThat(name).isEqualTo("probe_" + expected);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // validity

  static Stream<Arguments> legacyMetricNames() {
    return Stream.of(
        arguments("letters and underscores", "http_requests_total", true),
        arguments("colon first", ":colon:start", true),
        arguments("underscore first", "_under", true),
        arguments("digits after the first character", "abc:def_123", true),
        arguments("digit first", "9lives", false),
        arguments("empty", "", false),
        arguments("dot", "a.b", false),
        arguments("dash", "a-b", false),
        arguments("space", "a b", false),
        arguments("non-ASCII letter", "ünï", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legacyMetricNames")
  void isValidLegacyMetricName(String rule, String name, boolean valid) {
    assertThat(PrometheusNaming.isValidLegacyMetricName(name)).isEqualTo(valid);
  }

  static Stream<Arguments> legacyLabelNames() {
    return Stream.of(
        arguments("letters", "job", true),
        arguments("reserved double underscore", "__name__", true),
        arguments("single underscore first", "_x", true),
        arguments("upper case and digits", "A_1", true),
        arguments("colon", "a:b", false),
        arguments("digit first", "1a", false),
        arguments("empty", "", false),
        arguments("dot", "a.b", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legacyLabelNames")
  void isValidLegacyLabelName(String rule, String name, boolean valid) {
    assertThat(PrometheusNaming.isValidLegacyLabelName(name)).isEqualTo(valid);
  }

  @Test
  void nullArgumentsAreRejectedByName() {
    assertThatThrownBy(() -> PrometheusNaming.metricName(null, "", GAUGE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("otelName");
    assertThatThrownBy(() -> PrometheusNaming.metricName("a", null, GAUGE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("unit");
    assertThatThrownBy(() -> PrometheusNaming.metricName("a", "", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type");
    assertThatThrownBy(() -> PrometheusNaming.labelName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> PrometheusNaming.unitSuffix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("unit");
  }
}
