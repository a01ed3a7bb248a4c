package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code promtool check metrics} may say about an exposition of JVM families, and why. */
final class JvmExposition {
  /**
   * Families named by the OpenTelemetry JVM semantic conventions ({@code jvm.class.count},
   * {@code jvm.thread.count}, {@code jvm.cpu.count}, {@code jvm.buffer.count},
   * {@code jvm.file_descriptor.count}) whose Prometheus names end in {@code _count}. promtool's lint
   * reserves that suffix for histograms and summaries; the names come from the conventions and the
   * standard translation (an OpenTelemetry Collector exposes the same), so the finding is accepted.
   */
  static final Set<String> SEMCONV_COUNT_FAMILIES = Set.of("jvm_class_count", "jvm_thread_count", "jvm_cpu_count",
      "jvm_buffer_count", "jvm_file_descriptor_count");

  /**
   * JVM families both JVM peers give, under the same names and labels: the OpenTelemetry SDK's
   * runtime telemetry over OTLP, and a Jolokia read through the built-in {@code jvm} views. (Threads
   * differ by name: the SDK's {@code jvm_thread_count} has thread states, the MBean's counts are
   * {@code jvm_thread_live}.)
   */
  static final List<String> SHARED_FAMILIES = List.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes",
      "jvm_memory_limit_bytes", "jvm_memory_used_after_last_gc_bytes", "jvm_class_count",
      "jvm_class_loaded_total", "jvm_class_unloaded_total", "jvm_cpu_time_seconds_total", "jvm_cpu_count",
      "jvm_cpu_recent_utilization_ratio");

  private static final Pattern COUNT_SUFFIX =
      Pattern.compile("(\\S+) non-histogram and non-summary metrics should not have \"_count\" suffix");

  private JvmExposition() {}

  /**
   * Runs {@code promtool check metrics}: the exposition must parse (exit 0, or 3 for lint findings
   * only), and each finding must be one of the accepted ones above.
   */
  static void assertPromtoolFindingsAreKnown(String exposition) throws Exception {
    Promtool.Check check = Promtool.checkMetrics(exposition);
    System.out.println("promtool check metrics: exit " + check.exitCode() + "\n" + check.output());
    assertThat(check.exitCode()).as("promtool check metrics exit code (0 clean, 3 lint findings only): %s",
        check.output()).isIn(0, 3);
    List<String> unexpected = check.findings().stream().filter(f -> !accepted(f)).toList();
    assertThat(unexpected).as("promtool findings other than the accepted ones").isEmpty();
  }

  private static boolean accepted(String finding) {
    Matcher count = COUNT_SUFFIX.matcher(finding);
    return count.matches()
        && SEMCONV_COUNT_FAMILIES.contains(count.group(1));
  }
}
