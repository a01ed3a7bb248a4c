package dev.rosetta.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints the logs of the processes a test class started when a test (or the class's set-up) fails,
 * so that they land in the Surefire report next to the failure. The files stay under
 * {@code target/e2e-logs} either way.
 */
final class PeerLogs implements AfterTestExecutionCallback, AfterAllCallback {
  private static final int TAIL_CHARS = 60_000;
  private static final Map<Path, String> LOGS = new ConcurrentHashMap<>();

  /** Remembers a process's log file under a short description. */
  static void register(Path log, String what) {
    LOGS.put(log.toAbsolutePath(), what);
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      print(context.getDisplayName());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      print(context.getDisplayName());
    }
    LOGS.clear();
  }

  private static void print(String test) {
    StringBuilder out = new StringBuilder("\n===== peer logs after the failure of " + test + " =====\n");
    LOGS.forEach((log, what) -> {
      out.append("----- ").append(what).append(" (").append(log).append(") -----\n");
      try {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (text.length() > TAIL_CHARS) {
          out.append("[... ").append(text.length() - TAIL_CHARS).append(" characters before]\n");
          text = text.substring(text.length() - TAIL_CHARS);
        }
        out.append(text);
      } catch (IOException e) {
        out.append("(unreadable: ").append(e).append(")\n");
      }
      out.append('\n');
    });
    System.out.println(out);
  }
}
