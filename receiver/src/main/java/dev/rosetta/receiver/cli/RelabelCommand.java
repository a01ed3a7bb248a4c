package dev.rosetta.receiver.cli;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.rosetta.model.Labels;
import dev.rosetta.relabel.NameValidation;
import dev.rosetta.relabel.RelabelConfig;
import dev.rosetta.relabel.RelabelConfigs;
import dev.rosetta.relabel.RelabelError;
import dev.rosetta.relabel.RelabelException;
import dev.rosetta.relabel.RelabelRules;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@code relabel --rules FILE [--name-validation utf8|legacy]}: applies Prometheus relabel rules to
 * label sets, to try rules out before the service uses them.
 *
 * <p>FILE holds a YAML sequence of relabel configs, exactly what stands under {@code
 * metric_relabel_configs:} in prometheus.yml (a JSON array works too). The rules are validated
 * first; if any is invalid, every error goes to standard error, one per line, and the command exits
 * with 1 before it reads any input.
 *
 * <p>Then each line of standard input is one label set as a JSON object of string values ({@code
 * {"__name__": "up", "job": "api"}}), and each gives exactly one line on standard output: the
 * relabelled set as a JSON object with keys in sorted order, or {@code null} when the rules drop
 * the series. A line that is not such an object gives {@code {"error": "line N: ..."}} in its
 * place (so that output lines stay aligned with input lines), the same message on standard error,
 * and processing goes on; the exit code is then 1.
 *
 * <p>Plain YAML scalars are read as written ({@code regex: 010} is the text {@code 010}, not the
 * octal number 8), as Prometheus reads them into its string fields.
 *
 * <p>Exit codes: 0 all lines relabelled; 1 invalid rules, unreadable rules file or malformed input
 * lines; 2 wrong arguments. Stateless: each call is independent; not meant for concurrent use of
 * the same streams.
 */
public final class RelabelCommand {
  static final String USAGE =
      "usage: relabel --rules FILE [--name-validation utf8|legacy]\n"
          + "  reads one JSON object of labels per line on standard input and writes the\n"
          + "  relabelled object, or null when the series is dropped, one line each";

  private static final Pattern GSON_COLUMN = Pattern.compile("column (\\d+)");

  private RelabelCommand() {}

  /**
   * Runs the command.
   *
   * @param args the arguments after the word {@code relabel}
   * @return the exit code
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    String rulesFile = null;
    NameValidation validation = NameValidation.UTF8;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      String flag = arg;
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (flag) {
        case "-h", "--help" -> {
          out.println(USAGE);
          out.flush();
          return 0;
        }
        case "--rules", "--name-validation" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              return usage(err, flag + " needs a value");
            }
            value = args[++i];
          }
          if (flag.equals("--rules")) {
            rulesFile = value;
          } else {
            switch (value.toLowerCase(Locale.ROOT)) {
              case "utf8", "utf-8" -> validation = NameValidation.UTF8;
              case "legacy" -> validation = NameValidation.LEGACY;
              default -> {
                return usage(err, "--name-validation must be utf8 or legacy, not " + value);
              }
            }
          }
        }
        default -> {
          return usage(err, "unknown argument " + arg);
        }
      }
    }
    if (rulesFile == null) {
      return usage(err, "--rules FILE is required");
    }

    RelabelRules rules;
    try {
      rules = loadRules(Path.of(rulesFile), validation);
    } catch (RelabelException e) {
      for (RelabelError error : e.errors()) {
        err.println(rulesFile + ": " + error);
      }
      err.flush();
      return 1;
    } catch (IOException | YAMLException e) {
      err.println(rulesFile + ": " + e.getMessage());
      err.flush();
      return 1;
    }

    try {
      return relabelLines(rules, in, out, err);
    } catch (IOException e) {
      err.println("relabel: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** Reads, binds, validates and compiles the rules file. */
  static RelabelRules loadRules(Path file, NameValidation validation)
      throws IOException, RelabelException {
    return parseRules(Files.readString(file, StandardCharsets.UTF_8), file.toString(), validation);
  }

  /**
   * Binds, validates and compiles the rules of a rules file's text; {@code source} names it in errors.
   *
   * @throws RelabelException listing every problem of the rules
   * @throws org.yaml.snakeyaml.error.YAMLException when the text is not YAML
   */
  public static RelabelRules parseRules(String text, String source, NameValidation validation)
      throws RelabelException {
    Object tree;
    try {
      tree = yaml().load(text);
    } catch (YAMLException e) {
      throw e;
    } catch (RuntimeException e) {
      // SnakeYAML lets some malformed input through as plain runtime exceptions (a tag such as
      // "!-%a" fails in Tag's constructor): still a text that is not YAML
      throw new YAMLException("cannot load YAML: " + e.getMessage(), e);
    }
    List<RelabelConfig> configs = RelabelConfigs.fromYamlTree(tree, source);
    try {
      return RelabelRules.compile(configs, validation);
    } catch (RelabelException e) {
      throw new RelabelException(source, e.errors());
    }
  }

  /** Safe loading, duplicate keys refused, plain scalars kept as text (only null resolved). */
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options), new Representer(dumper), dumper, options, new TextResolver());
  }

  private static int relabelLines(RelabelRules rules, InputStream in, PrintStream out,
      PrintStream err) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    int status = 0;
    int lineNo = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      Labels labels;
      try {
        labels = parseLine(line);
      } catch (MalformedLineException e) {
        String message = "line " + lineNo + ": " + e.getMessage();
        writer.write(errorObject(message));
        writer.write('\n');
        err.println(message);
        status = 1;
        continue;
      }
      Labels result = rules.apply(labels);
      writer.write(result == null ? "null" : toJson(result));
      writer.write('\n');
      if (!reader.ready()) {
        writer.flush(); // interactive use: answer each line as it comes
      }
    }
    writer.flush();
    err.flush();
    return status;
  }

  /** One JSON object with string values, nothing else on the line. */
  static Labels parseLine(String line) throws MalformedLineException {
    if (line.isBlank()) {
      throw new MalformedLineException("expected a JSON object, found an empty line");
    }
    try (JsonReader r = new JsonReader(new StringReader(line))) {
      r.setStrictness(Strictness.STRICT);
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        throw new MalformedLineException("expected a JSON object, found " + describe(r.peek()));
      }
      r.beginObject();
      Labels.Builder b = Labels.builder();
      while (r.hasNext()) {
        String name = r.nextName();
        if (r.peek() != JsonToken.STRING) {
          throw new MalformedLineException(
              "label " + name + ": expected a string value, found " + describe(r.peek()));
        }
        b.add(name, r.nextString());
      }
      r.endObject();
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedLineException("unexpected text after the JSON object");
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new MalformedLineException(e.getMessage()); // duplicate label name
    } catch (IOException e) {
      throw new MalformedLineException(invalidJson(e));
    }
  }

  /** Gson's messages run over several lines and give advice; keep the position. */
  private static String invalidJson(IOException e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = GSON_COLUMN.matcher(message);
    if (m.find()) {
      return "invalid JSON at column " + m.group(1);
    }
    return "invalid JSON: " + message.lines().findFirst().orElse("");
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case BEGIN_ARRAY -> "an array";
      case BEGIN_OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> token.toString().toLowerCase(Locale.ROOT);
    };
  }

  /** Compact JSON object, keys in the sorted order of the labels. */
  static String toJson(Labels labels) throws IOException {
    StringWriter sw = new StringWriter();
    try (JsonWriter w = new JsonWriter(sw)) {
      w.beginObject();
      for (int i = 0; i < labels.size(); i++) {
        w.name(labels.name(i)).value(labels.value(i));
      }
      w.endObject();
    }
    return sw.toString();
  }

  private static String errorObject(String message) throws IOException {
    StringWriter sw = new StringWriter();
    try (JsonWriter w = new JsonWriter(sw)) {
      w.beginObject().name("error").value(message).endObject();
    }
    return sw.toString();
  }

  private static int usage(PrintStream err, String problem) {
    err.println("relabel: " + problem);
    err.println(USAGE);
    err.flush();
    return 2;
  }

  /** A line of input that is not a JSON object of strings. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String message) {
      super(message);
    }
  }

  /**
   * Resolves only null (and merge keys): numbers, booleans and timestamps stay strings, as
   * Prometheus reads plain scalars into its string fields by their text.
   */
  private static final class TextResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
      addImplicitResolver(Tag.YAML, YAML, "!&*", 10);
    }
  }
}
