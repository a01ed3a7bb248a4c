package dev.rosetta.model.view;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands view file globs: {@code views/*.yaml}, {@code /etc/rosetta/views/**.yaml}, or plain file
 * names. Relative globs resolve against a base directory (the configuration file's). Syntax is
 * {@link java.nio.file.FileSystem#getPathMatcher(String) glob} syntax, matched against the whole
 * path; {@code *} does not cross directories, {@code **} does. Each glob's files are sorted by path;
 * globs keep their order; a file matched twice is loaded once, where it first appears. A glob that
 * matches no regular file is an error. Stateless.
 */
public final class ViewFiles {
  private ViewFiles() {}

  /** A glob that names no file, or cannot be read: its 0-based position among the globs, and why. */
  public record GlobError(int index, String glob, String message) {}

  /** The files the globs name, in load order, and a {@link GlobError} for each glob that failed. */
  public record Expansion(List<Path> files, List<GlobError> errors) {
    public Expansion {
      files = List.copyOf(files);
      errors = List.copyOf(errors);
    }
  }

  /**
   * The files the globs name, in load order.
   *
   * @throws ViewLoadException naming every glob that is invalid or matches nothing
   */
  public static List<Path> expand(Path baseDirectory, List<String> globs) throws ViewLoadException {
    Expansion e = expandAll(baseDirectory, globs);
    if (!e.errors().isEmpty()) {
      throw new ViewLoadException(e.errors().stream().map(g -> new ViewLoadError(g.glob(), 0, -1, "", "",
          g.message())).toList());
    }
    return e.files();
  }

  /**
   * Every glob expanded, whether or not the others matched: the files of those that did, and an
   * error for each one that did not.
   */
  public static Expansion expandAll(Path baseDirectory, List<String> globs) {
    List<GlobError> errors = new ArrayList<>();
    Set<Path> files = new LinkedHashSet<>();
    for (int i = 0; i < globs.size(); i++) {
      String glob = globs.get(i);
      try {
        List<Path> matched = expandOne(baseDirectory, glob);
        if (matched.isEmpty()) {
          errors.add(new GlobError(i, glob, "no view file matches \"" + glob + "\" (relative to "
              + baseDirectory.toAbsolutePath().normalize() + ")"));
        }
        files.addAll(matched);
      } catch (IllegalArgumentException e) { // InvalidPathException too
        errors.add(new GlobError(i, glob, "invalid file name or glob \"" + glob + "\": " + e.getMessage()));
      } catch (IOException e) {
        errors.add(new GlobError(i, glob, "cannot list the files of \"" + glob + "\": " + e));
      }
    }
    return new Expansion(new ArrayList<>(files), errors);
  }

  private static List<Path> expandOne(Path base, String glob) throws IOException {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("empty file name");
    }
    // the longest leading run of segments without glob characters is the directory to walk
    String normalized = glob.replace('\\', '/');
    String[] parts = normalized.split("/", -1);
    int literal = 0;
    while (literal < parts.length && !hasGlobChar(parts[literal])) {
      literal++;
    }
    if (literal == parts.length) {
      Path file = base.resolve(glob).normalize();
      return Files.isRegularFile(file) ? List.of(file) : List.of();
    }
    String prefix = String.join("/", java.util.Arrays.copyOfRange(parts, 0, literal));
    Path root = prefix.isEmpty() && !normalized.startsWith("/") ? base : base.resolve(prefix.isEmpty() ? "/" : prefix);
    root = root.normalize();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    String rest = String.join("/", java.util.Arrays.copyOfRange(parts, literal, parts.length));
    boolean deep = rest.contains("**");
    int depth = deep ? Integer.MAX_VALUE : parts.length - literal;
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    List<Path> result = new ArrayList<>();
    final Path walkRoot = root;
    try (Stream<Path> walk = Files.walk(walkRoot, depth, FileVisitOption.FOLLOW_LINKS)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(walkRoot.relativize(p)))
          .sorted()
          .forEach(result::add);
    }
    return result;
  }

  private static boolean hasGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return true;
      }
    }
    return false;
  }
}
