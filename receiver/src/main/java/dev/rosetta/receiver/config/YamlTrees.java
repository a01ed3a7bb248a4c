package dev.rosetta.receiver.config;

import java.io.StringReader;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Loads YAML text into a plain tree of {@link java.util.Map}, {@link java.util.List} and scalars,
 * safely: only standard tags (no object construction), bounded aliases, nesting and size, duplicate
 * keys rejected. Plain scalars follow YAML 1.2's core schema rather than SnakeYAML's YAML 1.1
 * default, so {@code no}, {@code on} or {@code 1:30} stay strings instead of becoming {@code false}
 * or {@code 90}.
 */
final class YamlTrees {
  /** Configuration files are small; this stops a runaway file early (about 3 MiB of text). */
  static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

  /** Aliases to collections can grow a tree exponentially ("billion laughs"); a few are plenty. */
  static final int MAX_ALIASES_FOR_COLLECTIONS = 20;

  static final int MAX_NESTING_DEPTH = 40;

  private YamlTrees() {}

  /** A document's tree and where each key path of it is written. */
  record Loaded(Object tree, Positions positions) {}

  /**
   * The tree of {@code text}: a map, a list, a scalar, or {@code null} for an empty document.
   *
   * @throws ConfigException for malformed YAML, naming line and column
   */
  static Object load(String text, String source) throws ConfigException {
    return loadWithPositions(text, source).tree();
  }

  /**
   * The tree of {@code text} with the positions of its key paths: the document is composed into
   * SnakeYAML's node tree (which keeps every node's line and column), then constructed into plain
   * objects from those nodes.
   *
   * @throws ConfigException for malformed YAML, naming line and column
   */
  static Loaded loadWithPositions(String text, String source) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setCodePointLimit(MAX_CODE_POINTS);
    DumperOptions dumperOptions = new DumperOptions();
    TreeConstructor constructor = new TreeConstructor(options);
    Yaml yaml =
        new Yaml(
            constructor,
            new Representer(dumperOptions),
            dumperOptions,
            options,
            new CoreSchemaResolver());
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String problem;
    Mark mark = null;
    try {
      Node root = yaml.compose(new StringReader(body));
      if (root == null) {
        return new Loaded(null, Positions.none());
      }
      Object tree = constructor.construct(root);
      // after construction: merge keys (<<) are flattened into the nodes by then
      return new Loaded(tree, Positions.of(root));
    } catch (MarkedYAMLException e) {
      problem = describe(e);
      mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    } catch (YAMLException e) {
      problem = "cannot load YAML: " + e.getMessage();
    } catch (RuntimeException e) {
      // SnakeYAML constructors can surface plain runtime exceptions (e.g. a bad !!int); still user
      // input
      problem = "cannot load YAML: " + e;
    }
    throw new ConfigException(List.of(new ConfigError(source, "", "", problem,
        mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1)));
  }

  /** SnakeYAML's safe constructor, run on a node tree composed beforehand. */
  private static final class TreeConstructor extends SafeConstructor {
    TreeConstructor(LoaderOptions options) {
      super(options);
    }

    Object construct(Node root) {
      return constructDocument(root);
    }
  }

  private static String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    // the line and column go in front of the message, as for every configuration error
    StringBuilder sb = new StringBuilder("malformed YAML");
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    sb.append(": ").append(problem == null ? "syntax error" : problem.strip());
    if (e.getProblem() != null && e.getContext() != null) {
      sb.append(" (").append(e.getContext().strip());
      Mark context = e.getContextMark();
      if (context != null && mark != null && context.getLine() != mark.getLine()) {
        sb.append(" at line ").append(context.getLine() + 1);
      }
      sb.append(')');
    }
    return sb.toString().replace('\n', ' ');
  }

  /**
   * Implicit types of plain scalars per the YAML 1.2 core schema (decimal and hex integers only).
   */
  private static final class CoreSchemaResolver extends Resolver {
    private static final Pattern CORE_BOOL =
        Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern CORE_INT =
        Pattern.compile("^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$");
    private static final Pattern CORE_FLOAT =
        Pattern.compile(
            "^(?:[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)(?:[eE][-+]?[0-9]+)?"
                + "|[-+]?[0-9]+[eE][-+]?[0-9]+"
                + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, CORE_BOOL, "tTfF", 10);
      // integers before floats: the float pattern would not match them, but keep SnakeYAML's order
      addImplicitResolver(Tag.INT, CORE_INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, CORE_FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }
}
