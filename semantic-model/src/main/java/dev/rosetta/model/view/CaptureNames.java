package dev.rosetta.model.view;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The capture names of one pattern, in slot order. Built while compiling; not thread-safe. */
final class CaptureNames {
  private final List<String> names = new ArrayList<>();

  /** The slot of a new capture, or -1 when the name is already taken. */
  int add(String name) {
    if (names.contains(name)) {
      return -1;
    }
    names.add(name);
    return names.size() - 1;
  }

  int slotOf(String name) {
    return names.indexOf(name);
  }

  int size() {
    return names.size();
  }

  List<String> names() {
    return Collections.unmodifiableList(names);
  }

  /** Whether {@code s} is a valid capture name: {@code [A-Za-z_][A-Za-z0-9_]*}. */
  static boolean isValidName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }
}
