package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners' two transports carry the same data: Rosetta A on Linux's epoll (Netty's native
 * transport, what the jar uses on Linux x86-64) takes OTLP/HTTP and forwards it over OTLP/gRPC to
 * Rosetta B, which runs on Java NIO ({@code -Dio.netty.transport.noNative=true}, what every other
 * platform gets) and takes OTLP/HTTP of its own. Each serves {@code /metrics} on its transport.
 */
@ExtendWith(PeerLogs.class)
class TransportTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void epollAndJavaNioListenersCarryTheSamePoints() throws Exception {
    RosettaProcess.Ports bPorts = RosettaProcess.Ports.free();
    try (RosettaProcess b = RosettaProcess.start(getClass(), "nio-b", tmp, bPorts, "", "",
            List.of("-Xmx256m", "-Dio.netty.transport.noNative=true"));
        RosettaProcess a = RosettaProcess.start(getClass(), "native-a", tmp, RosettaProcess.Ports.free(),
            ForwardAccountingTest.forwardingTo(bPorts.grpc(), "max_elapsed_time: 20s"), "", List.of("-Xmx256m"))) {
      assertThat(b.logText()).contains("listeners use Java NIO");
      boolean linuxX64 = System.getProperty("os.name").equals("Linux")
          && System.getProperty("os.arch").equals("amd64");
      assertThat(a.logText()).contains(linuxX64 ? "listeners use Linux's epoll" : "listeners use Java NIO");

      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = a.postOtlp(CardinalityBudgetTest.names(i * 100, 100).toByteArray());
        assertThat(r.statusCode()).as("A (epoll) answers %s", r.body()).isEqualTo(200);
      }
      HttpResponse<String> own = b.postOtlp(CardinalityBudgetTest.names(10_000, 7).toByteArray());
      assertThat(own.statusCode()).as("B (NIO) answers %s", own.body()).isEqualTo(200);

      Exposition atA = a.metrics();
      assertThat(atA.sum("rosetta_receiver_accepted_points_total")).isEqualTo(500.0);
      assertThat(atA.sum("cardinality_metric_499")).isEqualTo(499.0);
      Exposition atB = Await.until("B holding what A forwarded and its own points", Duration.ofSeconds(30),
          b::metrics, m -> m.sum("rosetta_receiver_accepted_points_total") == 507.0);
      assertThat(atB.find("cardinality_metric_0", java.util.Map.of())).hasSize(1);
      assertThat(atB.sum("cardinality_metric_499")).isEqualTo(499.0);
      assertThat(atB.sum("cardinality_metric_10006")).isEqualTo(10_006.0);
      a.stopCleanly();
      b.stopCleanly();
    }
  }
}
