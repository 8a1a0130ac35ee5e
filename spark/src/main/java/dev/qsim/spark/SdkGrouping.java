package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-machine SDK's pair values, pair order and grouping, as the Spark jobs use them.
 * Stateless and thread-safe.
 */
final class SdkGrouping {
  static final Comparator<DuplicatePair> PAIR_ORDER =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  private SdkGrouping() {}

  static DuplicatePair pair(ScoredPair p) {
    return new DuplicatePair(p.first(), p.second(), p.score());
  }

  /** The representative of a group. */
  static int representative(DuplicateGroup g) {
    return g.members().get(0);
  }

  // TEMPORARY until main's DuplicateGrouping lands: connected components, as the SDK does today.
  static List<DuplicateGroup> group(int n, List<DuplicatePair> pairs) {
    Map<Integer, Integer> parent = new HashMap<>();
    for (DuplicatePair p : pairs) {
      parent.putIfAbsent(p.first(), p.first());
      parent.putIfAbsent(p.second(), p.second());
      int a = root(parent, p.first());
      int b = root(parent, p.second());
      if (a != b) {
        parent.put(Math.max(a, b), Math.min(a, b));
      }
    }
    Map<Integer, List<Integer>> members = new HashMap<>();
    for (Integer node : parent.keySet()) {
      members.computeIfAbsent(root(parent, node), r -> new ArrayList<>()).add(node);
    }
    Map<Integer, List<DuplicatePair>> groupPairs = new HashMap<>();
    for (DuplicatePair p : pairs) {
      groupPairs.computeIfAbsent(root(parent, p.first()), r -> new ArrayList<>()).add(p);
    }
    List<DuplicateGroup> groups = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> e : members.entrySet()) {
      List<Integer> m = e.getValue();
      m.sort(null);
      List<DuplicatePair> gp = groupPairs.get(e.getKey());
      gp.sort(PAIR_ORDER);
      groups.add(new DuplicateGroup(m, gp));
    }
    groups.sort(
        Comparator.comparingInt((DuplicateGroup g) -> g.members().size())
            .reversed()
            .thenComparingInt(g -> g.members().get(0)));
    return groups;
  }

  private static int root(Map<Integer, Integer> parent, int x) {
    int r = x;
    while (parent.get(r) != r) {
      r = parent.get(r);
    }
    return r;
  }
}
