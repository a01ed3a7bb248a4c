package dev.rosetta.receiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:4317 | 127.0.0.1 | 4317 | 127.0.0.1:4317",
        "localhost:0 | localhost | 0 | localhost:0",
        ":4317 | 0.0.0.0 | 4317 | 0.0.0.0:4317",
        "[::1]:4317 | ::1 | 4317 | [::1]:4317",
        "[::]:65535 | :: | 65535 | [::]:65535",
        "[fe80::1%eth0]:80 | fe80::1%eth0 | 80 | [fe80::1%eth0]:80",
        "collector.observability.svc.cluster.local:4317 | collector.observability.svc.cluster.local"
            + " | 4317 | collector.observability.svc.cluster.local:4317",
        "my_host:1 | my_host | 1 | my_host:1",
      })
  void parses(String text, String host, int port, String canonical) {
    Endpoint e = Endpoint.parse(text);
    assertThat(e.host()).isEqualTo(host);
    assertThat(e.port()).isEqualTo(port);
    assertThat(e).hasToString(canonical);
    assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost | missing port",
        "localhost: | missing port",
        "'' | empty",
        "::1:4317 | must be written in brackets",
        "[::1 | missing ']'",
        "[::1]4317 | missing port after ']'",
        "[localhost]:1 | is not an IPv6 address",
        "host:65536 | between 0 and 65535",
        "host:-1 | between 0 and 65535",
        "host:123456 | between 0 and 65535",
        "host:+80 | between 0 and 65535",
        "ho st:80 | not a valid host name",
        "http://host:80 | a URL is not allowed here",
      })
  void rejects(String text, String reason) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Endpoint.parse(text))
        .withMessageContaining(reason);
  }

  @Test
  void emptyHostMeansAllInterfaces() {
    assertThat(new Endpoint("", 1).host()).isEqualTo("0.0.0.0");
    assertThatIllegalArgumentException().isThrownBy(() -> new Endpoint("h", 65536));
  }

  @Test
  void toSocketAddress() {
    InetSocketAddress address = Endpoint.parse("127.0.0.1:0").toSocketAddress();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isZero();
    assertThat(Endpoint.parse(":9").toSocketAddress().getAddress().isAnyLocalAddress()).isTrue();
  }
}
