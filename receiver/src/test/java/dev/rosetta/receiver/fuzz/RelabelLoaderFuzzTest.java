package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.model.Labels;
import dev.rosetta.receiver.cli.RelabelCommand;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The relabel rule loader (a rules file, as `rosetta relabel --rules` reads it; the configuration's
 * relabel section binds the same way): a YAML error or a RelabelException listing the problems, or
 * rules that apply to any label set without throwing and give sorted label sets (or null: dropped).
 */
class RelabelLoaderFuzzTest {
  private static final List<Labels> INPUTS = List.of(
      Labels.of("__name__", "up", "job", "api", "instance", "pod-1"),
      Labels.of("__name__", "/gc/heap/allocs:bytes", "service.name", "checkout", "k8s.pod.name", "p", "empty", ""),
      Labels.of("__name__", "go_cpu_time_seconds_total", "go_cpu_state", "gc", "a.b", "1", "a_b", "2"),
      Labels.of("__name__", "x", "\u00e9t\u00e9", "\ud83d\ude00", "__attr_Type", "HEAP"));

  @FuzzTest(maxDuration = "10s")
  void load(byte[] rulesFile) {
    String text = new String(rulesFile, StandardCharsets.UTF_8);
    for (NameValidation validation : NameValidation.values()) {
      RelabelRules rules;
      try {
        rules = RelabelCommand.parseRules(text, "fuzz.yaml", validation);
      } catch (RelabelException e) {
        assertThat(e.errors()).isNotEmpty();
        return;
      } catch (YAMLException e) {
        return;
      }
      for (Labels input : INPUTS) {
        Labels out = rules.apply(input);
        if (out != null) {
          for (int i = 1; i < out.size(); i++) {
            assertThat(out.name(i - 1).compareTo(out.name(i))).isNegative();
          }
        }
      }
    }
  }
}
