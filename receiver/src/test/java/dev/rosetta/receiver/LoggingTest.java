package dev.rosetta.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rosetta.receiver.config.LogLevel;
import dev.rosetta.receiver.config.LogsConfig;
import dev.rosetta.receiver.telemetry.Formats;
import dev.rosetta.receiver.telemetry.LogFields;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The log encodings, and addresses and durations as the configuration writes them. */
@ResourceLock(Resources.SYSTEM_ERR)
class LoggingTest {
  private static final Logger LOG = Logger.getLogger("dev.rosetta.receiver.test.Component");
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private void configure(LogsConfig logs) {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logging.configure(logs);
  }

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    Logging.configure(Level.INFO);
  }

  private List<String> lines() {
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonIsOneObjectPerLineWithFieldsAndException() {
    configure(new LogsConfig(LogLevel.INFO, LogsConfig.Encoding.JSON, false, true, LogsConfig.Output.STDERR,
        Map.of("zone", "b")));
    LOG.info("plain \"quoted\" message\nwith a second line");
    LogFields.of("file", "/etc/rosetta/config.yaml", "errors", List.of("a: one", "b: two"), "count", 2)
        .log(LOG, Level.WARNING, "configuration reload rejected");
    LOG.log(Level.SEVERE, "failed", new IllegalStateException("boom"));
    LOG.fine("not at info");

    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertThat(first.keySet()).containsExactly("ts", "level", "logger", "msg", "zone");
    assertThat(first.get("level").getAsString()).isEqualTo("info");
    assertThat(first.get("logger").getAsString()).isEqualTo("dev.rosetta.receiver.test.Component");
    assertThat(first.get("msg").getAsString()).isEqualTo("plain \"quoted\" message\nwith a second line");
    assertThat(first.get("ts").getAsString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

    JsonObject second = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertThat(second.get("level").getAsString()).isEqualTo("warn");
    assertThat(second.get("msg").getAsString()).isEqualTo("configuration reload rejected");
    assertThat(second.get("file").getAsString()).isEqualTo("/etc/rosetta/config.yaml");
    assertThat(second.getAsJsonArray("errors")).hasSize(2);
    assertThat(second.getAsJsonArray("errors").get(1).getAsString()).isEqualTo("b: two");
    assertThat(second.get("count").getAsInt()).isEqualTo(2);

    JsonObject third = JsonParser.parseString(lines.get(2)).getAsJsonObject();
    assertThat(third.get("level").getAsString()).isEqualTo("error");
    assertThat(third.get("exception").getAsString())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat dev.rosetta.receiver.LoggingTest.");
  }

  @Test
  void jsonWithoutStacktracesAndWithCaller() {
    configure(new LogsConfig(LogLevel.DEBUG, LogsConfig.Encoding.JSON, true, false, LogsConfig.Output.STDERR,
        Map.of()));
    LOG.log(Level.FINE, "detail", new IllegalStateException("boom"));
    JsonObject o = JsonParser.parseString(lines().get(0)).getAsJsonObject();
    assertThat(o.get("level").getAsString()).isEqualTo("debug");
    assertThat(o.get("caller").getAsString()).isEqualTo("LoggingTest.jsonWithoutStacktracesAndWithCaller");
    assertThat(o.get("exception").getAsString()).isEqualTo("java.lang.IllegalStateException: boom");
  }

  @Test
  void consoleIsOneLineWithFieldsAsKeyValue() {
    configure(LogsConfig.defaults());
    LogFields.of("file", "/etc/rosetta/config.yaml", "errors", List.of("a: one", "b: two"))
        .log(LOG, Level.WARNING, "configuration reload rejected");
    LOG.info("started");
    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("\\S+Z WARN  Component: configuration reload rejected"
        + " file=/etc/rosetta/config.yaml errors=\"a: one; b: two\"");
    assertThat(lines.get(1)).endsWith(" INFO  Component: started");
  }

  @Test
  void addressesAndDurationsAsWrittenInConfiguration() throws Exception {
    assertThat(Formats.address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464)))
        .isEqualTo("127.0.0.1:9464");
    assertThat(Formats.address(new InetSocketAddress(InetAddress.getByName("::1"), 4317)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:4317");
    assertThat(Formats.address(InetSocketAddress.createUnresolved("collector", 4317))).isEqualTo("collector:4317");
    assertThat(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464).toString())
        .as("what the JDK writes, which the logs do not show").isEqualTo("/127.0.0.1:9464");
    assertThat(Formats.duration(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Formats.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Formats.duration(Duration.ofMillis(200))).isEqualTo("200ms");
  }
}
