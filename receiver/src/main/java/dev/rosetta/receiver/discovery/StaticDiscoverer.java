package dev.rosetta.receiver.discovery;

import dev.rosetta.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@code static_configs}: one group per entry, handed over once at start. */
public final class StaticDiscoverer implements Discoverer {
  private final List<TargetGroup> groups;

  /** One group per {@code (targets, labels)} entry, sources {@code static/0}, {@code static/1}, ... */
  public StaticDiscoverer(List<Map.Entry<List<String>, Map<String, String>>> entries) {
    List<TargetGroup> g = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      List<Labels> targets = new ArrayList<>();
      for (String t : entries.get(i).getKey()) {
        targets.add(Labels.of("__address__", t));
      }
      g.add(new TargetGroup("static/" + i, targets, Labels.of(entries.get(i).getValue())));
    }
    this.groups = List.copyOf(g);
  }

  @Override
  public void start(Consumer<List<TargetGroup>> updates) {
    updates.accept(groups);
  }

  @Override
  public void close() {}

  @Override
  public String describe() {
    return "static_configs";
  }
}
