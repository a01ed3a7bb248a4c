package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code rosetta} commands of README.md, run as written with the launcher the build makes
 * ({@code receiver/target/bin/rosetta}) first on the PATH.
 *
 * <p>Every {@code console} block that runs {@code rosetta} is a script: its {@code $ } lines are
 * the commands, run by bash one after the other in a fresh directory, and the lines under a command
 * are what it prints, which must appear in its output in that order (a line ending in {@code …}
 * matches any line that starts with the text before it). A command shown without output must exit 0;
 * {@code $ echo $?} shows the exit code of the command before it. The files the commands read are the
 * README's code blocks whose info string names them ({@code ```yaml file=rosetta.yaml}). The ports
 * 4317, 4318 and 9464 are replaced, in the commands and the files, by free ports, so that a running
 * service does not collide with anything else on the machine.
 */
class ReadmeCommandsTest {
  private static final Pattern FENCE = Pattern.compile("^```(\\S*)(.*)$");
  private static final Pattern FILE = Pattern.compile("\\bfile=(\\S+)");
  private static final Pattern ROSETTA = Pattern.compile("(^|[|;&]\\s*)rosetta\\s");
  private static final String ELLIPSIS = "…";

  /** A console block: where it starts, its commands, and the output shown under each. */
  record Block(int line, List<String> commands, List<List<String>> outputs) {
    @Override
    public String toString() {
      return "README.md:" + line + ": " + commands.get(0);
    }
  }

  record Readme(List<Block> blocks, Map<String, String> files) {}

  static Readme readme() throws IOException {
    Path path = Path.of(System.getProperty("rosetta.readme", Peers.moduleDir().resolve("../README.md").toString()));
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = FENCE.matcher(lines.get(i));
      if (!fence.matches() || fence.group(1).isEmpty()) {
        continue;
      }
      int start = i;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        body.add(lines.get(i));
      }
      Matcher file = FILE.matcher(fence.group(2));
      if (file.find()) {
        files.put(file.group(1), String.join("\n", body) + "\n");
      } else if (fence.group(1).equals("console")) {
        List<String> commands = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        for (String l : body) {
          if (l.startsWith("$ ")) {
            commands.add(l.substring(2));
            outputs.add(new ArrayList<>());
          } else if (!commands.isEmpty() && !l.isBlank()) {
            outputs.get(outputs.size() - 1).add(l);
          }
        }
        if (commands.stream().anyMatch(c -> ROSETTA.matcher(c).find())) {
          blocks.add(new Block(start + 1, commands, outputs));
        }
      }
    }
    return new Readme(blocks, files);
  }

  static Stream<Block> blocks() throws IOException {
    return readme().blocks().stream();
  }

  @Test
  void theReadmeShowsEveryCommand() throws IOException {
    List<String> all = readme().blocks().stream().flatMap(b -> b.commands().stream()).toList();
    for (String command : List.of("rosetta validate", "rosetta explain", "rosetta relabel", "rosetta run")) {
      assertThat(all).as("a console block of README.md runs " + command).anyMatch(c -> c.contains(command));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blocks")
  void runsAsWritten(Block block, @TempDir Path dir) throws Exception {
    Readme readme = readme();
    if (block.commands().stream().anyMatch(c -> c.startsWith("curl ") || c.contains("| curl "))) {
      requireOnPath("curl");
    }
    Map<String, String> ports = Map.of("4317", Integer.toString(Peers.freePort()), "4318",
        Integer.toString(Peers.freePort()), "9464", Integer.toString(Peers.freePort()));
    for (Map.Entry<String, String> f : readme.files().entrySet()) {
      Path target = dir.resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, withPorts(f.getValue(), ports));
    }
    // each command, then a marker with its exit code; $? after the marker is the command's
    StringBuilder script = new StringBuilder("trap 'kill $(jobs -p) 2>/dev/null' EXIT\n");
    for (int i = 0; i < block.commands().size(); i++) {
      script.append(withPorts(block.commands().get(i), ports)).append('\n')
          .append("__rc=$?; echo \"@@ command ").append(i).append(" exited $__rc @@\"; (exit $__rc)\n");
    }
    Path launcher = Path.of(System.getProperty("rosetta.launcher",
        Peers.moduleDir().resolve("../receiver/target/bin/rosetta").toString())).toAbsolutePath().normalize();
    assertThat(launcher).as("the launcher (mvn package makes it)").isExecutable();
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("PATH", launcher.getParent() + ":" + System.getenv("PATH"));
    Process p = pb.start();
    p.getOutputStream().close();
    String output;
    try (var in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    List<String> lines = output.lines().toList();
    int from = 0;
    for (int i = 0; i < block.commands().size(); i++) {
      String marker = "@@ command " + i + " exited ";
      int end = from;
      while (end < lines.size() && !lines.get(end).startsWith(marker)) {
        end++;
      }
      String command = block.commands().get(i);
      assertThat(end).as("%s: `%s` ran to its end; the output:\n%s", block, command, output).isLessThan(lines.size());
      List<String> printed = lines.subList(from, end);
      int rc = Integer.parseInt(lines.get(end).substring(marker.length()).replace(" @@", "").strip());
      List<String> expected = block.outputs().get(i);
      if (expected.isEmpty()) {
        assertThat(rc).as("%s: `%s` exits 0; it printed:\n%s", block, command, String.join("\n", printed)).isZero();
      }
      int at = 0;
      for (String want : expected) {
        String w = withPorts(want, ports);
        while (at < printed.size() && !matches(printed.get(at), w)) {
          at++;
        }
        assertThat(at).as("%s: `%s` prints\n  %s\nin this order; it printed:\n%s", block, command, w,
            String.join("\n", printed)).isLessThan(printed.size());
        at++;
      }
      from = end + 1;
    }
  }

  /** A tool the block runs: missing, a failure under CI (.ci/run installs it), a skip elsewhere. */
  private static void requireOnPath(String tool) {
    boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    if (!found) {
      String why = tool + " is not installed (apt-get install " + tool + ")";
      if (Peers.CI) {
        org.assertj.core.api.Assertions.fail(why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
  }

  private static boolean matches(String line, String expected) {
    if (expected.endsWith(ELLIPSIS)) {
      return line.startsWith(expected.substring(0, expected.length() - ELLIPSIS.length()));
    }
    return line.equals(expected);
  }

  private static String withPorts(String text, Map<String, String> ports) {
    String s = text;
    for (Map.Entry<String, String> e : ports.entrySet()) {
      s = s.replaceAll("(?<![0-9])" + e.getKey() + "(?![0-9])", e.getValue());
    }
    return s;
  }
}
