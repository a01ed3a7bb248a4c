package dev.rosetta.model.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Views that can never match because an earlier view of the same set matches every name they match
 * (the first matching view decides a name). An earlier view with {@code exclude} patterns shadows a
 * later one only when each of its excludes is covered by one of the later view's, so that no name
 * it leaves out is one the later view takes. Patterns are compared element by element (literals,
 * {@code *}, captures, a multi-segment capture, JVM keys and domain); a {@code match_regex} view
 * shadows only a view with the same expression. Conservative: a view reported is shadowed, a view
 * not reported may still be. Stateless.
 */
public final class ViewShadowing {
  private ViewShadowing() {}

  /** A view and the earlier view that matches every name it matches. */
  public record Shadow(View view, View by) {
    public Shadow {
      Objects.requireNonNull(view, "view");
      Objects.requireNonNull(by, "by");
    }
  }

  /** The shadowed views of {@code views} (in priority order), each with the first view shadowing it. */
  public static List<Shadow> find(List<View> views) {
    List<Shadow> out = new ArrayList<>();
    for (int j = 1; j < views.size(); j++) {
      View later = views.get(j);
      for (int i = 0; i < j; i++) {
        View earlier = views.get(i);
        if (shadows(earlier, later)) {
          out.add(new Shadow(later, earlier));
          break;
        }
      }
    }
    return out;
  }

  /** Whether {@code earlier} matches every name {@code later} matches. */
  static boolean shadows(View earlier, View later) {
    if (!earlier.pattern().covers(later.pattern())) {
      return false;
    }
    for (NamePattern e : earlier.excludes()) {
      boolean covered = false;
      for (NamePattern l : later.excludes()) {
        if (l.covers(e)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }
}
