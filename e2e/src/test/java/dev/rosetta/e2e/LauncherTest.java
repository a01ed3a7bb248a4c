package dev.rosetta.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code receiver/target/bin/rosetta}: the JVM options it chooses (read back from its
 * {@code ROSETTA_LAUNCHER_DEBUG} line while it runs {@code --version}), the heap from a cgroup
 * memory limit (a cgroup file system laid out under {@code ROSETTA_CGROUP_ROOT}), the user's options
 * after its defaults and in place of those they set, and the jar found through a symbolic link.
 */
class LauncherTest {
  @TempDir Path dir;

  record Run(int exit, String stdout, String stderr) {
    /** The java command line the launcher printed. */
    String command() {
      return stderr.lines().filter(l -> l.startsWith("rosetta: ")).findFirst().orElseThrow();
    }
  }

  static Path launcher() {
    return Path.of(System.getProperty("rosetta.launcher",
        Peers.moduleDir().resolve("../receiver/target/bin/rosetta").toString())).toAbsolutePath().normalize();
  }

  private Run run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("ROSETTA_JAVA_OPTS");
    pb.environment().put("ROSETTA_LAUNCHER_DEBUG", "1");
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
        StandardCharsets.UTF_8));
  }

  private Run version(Map<String, String> env) throws IOException, InterruptedException {
    Run r = run(launcher(), env, "--version");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("rosetta " + HelmChartTest.projectVersion() + "\n");
    return r;
  }

  /** A cgroup v2 file system whose memory.max is {@code limit}. */
  private Path cgroupV2(String limit) throws IOException {
    Path root = Files.createDirectories(dir.resolve("cgroup-v2"));
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
    Files.writeString(root.resolve("memory.max"), limit + "\n");
    return root;
  }

  @Test
  void withoutALimitTheHeapIsAQuarterOfTheMachineAtMostOneGibibyte() throws Exception {
    long totalKiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    long mib = Math.max(64, Math.min(1024, totalKiB / 4096));
    String command = version(Map.of("ROSETTA_CGROUP_ROOT", cgroupV2("max").toString())).command();
    assertThat(command).contains(" -Xmx" + mib + "m -Xms16m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError ")
        .contains(" -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 ")
        .doesNotContain("MaxRAMPercentage");
  }

  @Test
  void aMemoryLimitSizesTheHeapAsAShareOfIt() throws Exception {
    for (var c : Map.of(256L, 50, 384L, 66, 512L, 75, 2048L, 75, 128L, 50).entrySet()) {
      Path root = cgroupV2(Long.toString(c.getKey() << 20));
      assertThat(version(Map.of("ROSETTA_CGROUP_ROOT", root.toString())).command())
          .as("a limit of %d MiB", c.getKey())
          .contains(" -XX:MaxRAMPercentage=" + c.getValue() + " -Xms16m -XX:+UseSerialGC").doesNotContain("-Xmx");
    }
    // cgroup v1, where "no limit" is a huge number
    Path v1 = Files.createDirectories(dir.resolve("cgroup-v1/memory"));
    Files.writeString(v1.resolve("memory.limit_in_bytes"), (512L << 20) + "\n");
    assertThat(version(Map.of("ROSETTA_CGROUP_ROOT", v1.getParent().toString())).command())
        .contains(" -XX:MaxRAMPercentage=75 ");
    Files.writeString(v1.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    assertThat(version(Map.of("ROSETTA_CGROUP_ROOT", v1.getParent().toString())).command())
        .contains(" -Xmx").doesNotContain("MaxRAMPercentage");
  }

  /** A Java home whose release file gives {@code version}, its java the one running the tests. */
  private Path javaHome(String version) throws IOException {
    Path home = Files.createDirectories(dir.resolve("java-" + version + "/bin"));
    if (!Files.exists(home.resolve("java"))) {
      Files.createSymbolicLink(home.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    Files.writeString(home.getParent().resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version
        + "\"\nJAVA_VERSION_DATE=\"2025-04-15\"\n");
    return home.getParent();
  }

  @Test
  void theNativeHeapIsTrimmedOnAJavaThatCanAndNotOnOneThatCannot() throws Exception {
    String root = cgroupV2("max").toString();
    String trim = "-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000";
    for (String v : List.of("17.0.9", "17.0.15", "21.0.1", "25.0.3")) {
      assertThat(version(Map.of("ROSETTA_CGROUP_ROOT", root, "JAVA_HOME", javaHome(v).toString())).command())
          .as("Java %s", v).contains(" -XX:+ExitOnOutOfMemoryError " + trim + " ");
    }
    for (String v : List.of("17.0.8", "17", "21", "18.0.2")) {
      assertThat(version(Map.of("ROSETTA_CGROUP_ROOT", root, "JAVA_HOME", javaHome(v).toString())).command())
          .as("Java %s", v).doesNotContain("TrimNativeHeapInterval");
    }
    // the user's own setting replaces it
    String command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "JAVA_HOME", javaHome("17.0.15").toString(),
        "ROSETTA_JAVA_OPTS", "-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=0")).command();
    assertThat(command.split("TrimNativeHeapInterval", -1)).hasSize(2);
    assertThat(command).contains("-XX:TrimNativeHeapInterval=0 -jar ");
  }

  @Test
  void eitherHeapFreeRatioOfTheUsersReplacesBothDefaults() throws Exception {
    String root = cgroupV2("max").toString();
    for (String own : List.of("-XX:MaxHeapFreeRatio=50", "-XX:MinHeapFreeRatio=5")) {
      String command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "ROSETTA_JAVA_OPTS", own)).command();
      assertThat(command.split("HeapFreeRatio", -1)).as(own).hasSize(2);
      assertThat(command).contains("-XX:+UseSerialGC").contains(" " + own + " -jar ");
    }
  }

  @Test
  void theOptimizingCompilerComesSoonerWithSmallerCompilationsUnlessTheUserSetsThem() throws Exception {
    String root = cgroupV2("max").toString();
    String soon = "-XX:Tier4InvocationThreshold=500 -XX:Tier4MinInvocationThreshold=60"
        + " -XX:Tier4CompileThreshold=1500 -XX:Tier4BackEdgeThreshold=4000";
    // the JVM that runs takes them (version() asserts that the command succeeded)
    String command = version(Map.of("ROSETTA_CGROUP_ROOT", root)).command();
    assertThat(command).contains(" " + soon + " ").contains(" -XX:InlineSmallCode=500 ");
    for (String own : List.of("-XX:Tier3InvocationThreshold=100", "-XX:CompileThresholdScaling=0.5",
        "-XX:Tier4BackEdgeThreshold=9000")) {
      command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "ROSETTA_JAVA_OPTS", own)).command();
      assertThat(command).as(own).doesNotContain("Tier4InvocationThreshold=500").contains(" " + own + " -jar ")
          .contains(" -XX:InlineSmallCode=500 ");
    }
    command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "ROSETTA_JAVA_OPTS", "-XX:InlineSmallCode=2500")).command();
    assertThat(command).doesNotContain("InlineSmallCode=500 ").contains(" " + soon + " ")
        .contains(" -XX:InlineSmallCode=2500 -jar ");
  }

  @Test
  void theUsersOptionsComeLastAndReplaceTheDefaultsTheySet() throws Exception {
    String root = cgroupV2("max").toString();
    String command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "JAVA_OPTS", "-Dfrom=java_opts",
        "ROSETTA_JAVA_OPTS", "-XX:+UseG1GC -Xmx100m -Dfrom=rosetta")).command();
    assertThat(command.split("-Xmx", -1)).as("one heap size: the user's").hasSize(2);
    assertThat(command).doesNotContain("UseSerialGC").doesNotContain("HeapFreeRatio")
        .contains("-Xms16m -XX:+ExitOnOutOfMemoryError ")
        .contains(" -Dfrom=java_opts -XX:+UseG1GC -Xmx100m -Dfrom=rosetta -jar ");
    // options the JVM reads itself count too: no second heap size, no second collector
    command = version(Map.of("ROSETTA_CGROUP_ROOT", root, "JAVA_TOOL_OPTIONS",
        "-XX:MaxRAMPercentage=40 -XX:+UseParallelGC -Xms64m")).command();
    assertThat(command).doesNotContain("-Xmx").doesNotContain("MaxRAMPercentage").doesNotContain("UseSerialGC")
        .doesNotContain("-Xms16m").contains("-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void aSymbolicLinkFindsTheJarAndAMissingJarIsExplained() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("rosetta"), launcher());
    Run r = run(link, Map.of(), "--version");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("rosetta ");

    Run missing = run(launcher(), Map.of("ROSETTA_JAR", dir.resolve("none.jar").toString()), "--version");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stderr()).contains(dir.resolve("none.jar") + " not found");
  }

  @Test
  void commandsAndTheirExitCodesPassThrough() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "limits: {max_series: 0}\n");
    Run r = run(launcher(), Map.of(), "validate", "--config", bad.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).contains(bad + ":1:22: limits.max_series: ");
  }
}
