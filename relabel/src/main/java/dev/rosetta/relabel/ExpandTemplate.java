package dev.rosetta.relabel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A replacement or target-label template, parsed once against its regex, expanded as Go's {@code
 * regexp.Expand} does it.
 *
 * <ul>
 *   <li>{@code $$} is a literal {@code $}.
 *   <li>{@code $name} takes the longest run of letters, digits and underscores as the name ({@code
 *       $1x} is the group named {@code 1x}); {@code ${name}} delimits it.
 *   <li>A name of decimal digits without a leading zero is a group number; any other name is a
 *       group name.
 *   <li>A group that does not exist, or did not take part in the match, expands to nothing.
 *   <li>A {@code $} not followed by a well-formed reference stays a literal {@code $}.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class ExpandTemplate {
  private static final int LITERAL = -1;

  private final String template;
  // parts[i] is a literal when groups[i] == LITERAL, else unused
  private final String[] parts;
  private final int[] groups;
  private final boolean hasReferences;

  private ExpandTemplate(String template, String[] parts, int[] groups) {
    this.template = template;
    this.parts = parts;
    this.groups = groups;
    boolean refs = false;
    for (int g : groups) {
      refs |= g != LITERAL;
    }
    this.hasReferences = refs;
  }

  /** Parses {@code template} for a regex with {@code groupCount} groups and {@code names}. */
  static ExpandTemplate parse(String template, int groupCount, Map<String, Integer> names) {
    List<String> parts = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        lit.append(template, i, n);
        break;
      }
      lit.append(template, i, dollar);
      i = dollar + 1;
      if (i < n && template.charAt(i) == '$') {
        lit.append('$');
        i++;
        continue;
      }
      // parse a name, with or without braces
      boolean brace = i < n && template.charAt(i) == '{';
      int start = brace ? i + 1 : i;
      int end = start;
      while (end < n) {
        int cp = template.codePointAt(end);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
          break;
        }
        end += Character.charCount(cp);
      }
      boolean ok = end > start && (!brace || (end < n && template.charAt(end) == '}'));
      if (!ok) {
        lit.append('$'); // malformed: the $ is text, go on after it
        continue;
      }
      String name = template.substring(start, end);
      i = brace ? end + 1 : end;
      int group = groupIndex(name, groupCount, names);
      if (group >= 0) {
        if (lit.length() > 0) {
          parts.add(lit.toString());
          groups.add(LITERAL);
          lit.setLength(0);
        }
        parts.add(null);
        groups.add(group);
      }
      // a missing group expands to nothing
    }
    if (lit.length() > 0) {
      parts.add(lit.toString());
      groups.add(LITERAL);
    }
    return new ExpandTemplate(
        template,
        parts.toArray(new String[0]),
        groups.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The group a reference names, or -1 when there is none. */
  private static int groupIndex(String name, int groupCount, Map<String, Integer> names) {
    // Go reads a number only from ASCII digits, gives up at 1e8, and refuses leading zeros
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.charAt(0) == '0' && name.length() > 1) {
      num = -1;
    }
    if (num >= 0) {
      return num <= groupCount ? num : -1;
    }
    Integer g = names.get(name);
    return g == null ? -1 : g;
  }

  /** The template as written. */
  String template() {
    return template;
  }

  /** Whether the expansion depends on the match. */
  boolean hasReferences() {
    return hasReferences;
  }

  /** The expansion when it does not depend on the match. */
  String constant() {
    return parts.length == 0 ? "" : parts.length == 1 ? parts[0] : String.join("", parts);
  }

  /** Expands against {@code src} matched with group {@code offsets} (see AnchoredRegex#match). */
  String expand(String src, int[] offsets) {
    if (parts.length == 1) {
      // the common "$1" or a constant: no builder
      return groups[0] == LITERAL ? parts[0] : group(src, offsets, groups[0]);
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < parts.length; k++) {
      if (groups[k] == LITERAL) {
        sb.append(parts[k]);
      } else {
        int g = groups[k];
        if (2 * g + 1 < offsets.length && offsets[2 * g] >= 0) {
          sb.append(src, offsets[2 * g], offsets[2 * g + 1]);
        }
      }
    }
    return sb.toString();
  }

  private static String group(String src, int[] offsets, int g) {
    if (2 * g + 1 >= offsets.length || offsets[2 * g] < 0) {
      return "";
    }
    return src.substring(offsets[2 * g], offsets[2 * g + 1]);
  }

  @Override
  public String toString() {
    return template;
  }
}
