package dev.rosetta.model.catalog;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden files under {@code src/test/resources/golden/}: the test fails with a line diff on any
 * difference; {@code -Drosetta.golden.update=true} rewrites the file instead (review the change
 * with {@code git diff} before committing it).
 */
final class Golden {
  static final String UPDATE_PROPERTY = "rosetta.golden.update";

  private Golden() {}

  /** Compares {@code actualLines} with the golden file {@code name}, or rewrites it when asked to. */
  static void check(String name, List<String> actualLines) {
    Path file = sourceFile(name);
    String actual = String.join("\n", actualLines) + "\n";
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    if (!Files.exists(file)) {
      fail("golden file " + file + " does not exist; generate it with -D" + UPDATE_PROPERTY + "=true");
    }
    List<String> expected;
    try {
      expected = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> diff = diff(expected, actualLines);
    if (!diff.isEmpty()) {
      fail("decisions differ from golden file " + file + " (- golden, + now); rerun with -D"
          + UPDATE_PROPERTY + "=true to accept:\n" + String.join("\n", diff));
    }
  }

  /** The golden file in the source tree (tests run with the module directory as working directory). */
  static Path sourceFile(String name) {
    return Paths.get("src", "test", "resources", "golden", name);
  }

  /** A line diff by longest common subsequence: "- line" for removed, "+ line" for added lines. */
  static List<String> diff(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      if (a.get(i).equals(b.get(j))) {
        i++;
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
        out.add("- " + a.get(i++));
      } else {
        out.add("+ " + b.get(j++));
      }
    }
    while (i < n) {
      out.add("- " + a.get(i++));
    }
    while (j < m) {
      out.add("+ " + b.get(j++));
    }
    return out;
  }
}
