package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Go package of {@code clients/go}: its own tests ({@code go vet}, then {@code go test}), run
 * with the local toolchain, offline, under {@code target/go}; their output is in the test's report.
 */
class GoClientPackageTest {
  @Test
  void goVetAndGoTestPass() throws Exception {
    Path go = Peers.go();
    Path module = Peers.moduleDir().resolve("../clients/go").normalize();
    for (List<String> command : List.of(List.of(go.toString(), "vet", "./..."),
        List.of(go.toString(), "test", "-count=1", "-v", "./..."))) {
      Path work = Peers.moduleDir().resolve("target/go");
      Files.createDirectories(work.resolve("home"));
      Path log = Peers.logDir(getClass()).resolve(command.get(1) + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Peers.offlineGoEnvironment(pb.environment(), work);
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(command + " did not finish within 300 s:\n" + Files.readString(log));
      }
      String output = Files.readString(log);
      System.out.println(String.join(" ", command) + "\n" + output);
      assertThat(p.exitValue()).as("%s in %s:\n%s", command, module, output).isZero();
      if (command.get(1).equals("test")) {
        assertThat(output).contains("--- PASS: TestNeitherGoroutinesNorMemoryGrow").doesNotContain("--- FAIL");
      }
    }
  }
}
