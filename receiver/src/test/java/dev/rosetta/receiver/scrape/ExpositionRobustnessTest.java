package dev.rosetta.receiver.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rosetta.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mutated exposition bodies (a fixed seed, bounded in count): every parser either reads a body or
 * refuses it with an {@link ExpositionException}, never another exception, and the assembly of what
 * it read never fails either. A bounded stand-in for a fuzzer run.
 */
class ExpositionRobustnessTest {
  static final List<String> SEEDS = List.of(
      "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3 1700000000000\n",
      "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n",
      "# TYPE s summary\ns{quantile=\"0.5\"} 0.1\ns_sum 2\ns_count 4\n",
      "# TYPE c counter\nc_total 1.0 1.5 # {t=\"x\"} 1\nc_created 1\n# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n",
      "{\"my.metric\",\"a.b\"=\"c\\\"d\\\\\\n\"} NaN\n");
  static final byte[] SPECIAL = "{}\",=#\\ \n\t+-.eEInfNa_:0x9p".getBytes(StandardCharsets.UTF_8);

  @Test
  void mutatedBodiesAreReadOrRefusedWithAReason() {
    Random r = new Random(20261206L);
    int refused = 0;
    int read = 0;
    for (int i = 0; i < 30_000; i++) {
      byte[] b = SEEDS.get(r.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
      int mutations = 1 + r.nextInt(4);
      for (int m = 0; m < mutations && b.length > 0; m++) {
        int at = r.nextInt(b.length);
        switch (r.nextInt(4)) {
          case 0 -> b[at] = SPECIAL[r.nextInt(SPECIAL.length)];
          case 1 -> b[at] = (byte) r.nextInt(256);
          case 2 -> b = java.util.Arrays.copyOf(b, at);
          default -> {
            byte[] c = new byte[b.length + 1];
            System.arraycopy(b, 0, c, 0, at);
            c[at] = SPECIAL[r.nextInt(SPECIAL.length)];
            System.arraycopy(b, at, c, at + 1, b.length - at);
            b = c;
          }
        }
      }
      for (ScrapeProtocol.Parser p : ScrapeProtocol.Parser.values()) {
        ScrapeAssembler a = new ScrapeAssembler(ScrapeAssembler.Settings.defaults(), Labels.of("job", "j",
            "instance", "i"), 1_700_000_000_000L, p == ScrapeProtocol.Parser.OPENMETRICS, Set.of());
        try {
          switch (p) {
            case PROTOBUF -> ProtobufFormatParser.parse(b, a);
            case OPENMETRICS -> TextFormatParser.parse(b, true, a);
            case TEXT -> TextFormatParser.parse(b, false, a);
          }
          a.finish();
          read++;
        } catch (ExpositionException e) {
          assertThat(e.getMessage()).isNotBlank();
          refused++;
        }
      }
    }
    assertThat(read).as("some mutations stay valid").isPositive();
    assertThat(refused).as("most are refused").isPositive();
  }
}
