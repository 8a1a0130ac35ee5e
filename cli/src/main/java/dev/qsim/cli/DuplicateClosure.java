package dev.qsim.cli;

import dev.qsim.data.LabelledPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pairs that labelled duplicates imply: duplicates are an equivalence, so A≈B and B≈C give A≈C
 * (label 1), and A≈B with B≉C gives A≉C (label 0). Questions are the same question when their text
 * is equal after whitespace runs become one space and case is folded. Pairs already labelled (in
 * either order) are not repeated, and a non-duplicate label between two questions of one duplicate
 * group (a contradiction in the data) implies nothing and is counted. Stateless and thread-safe.
 */
final class DuplicateClosure {
  private DuplicateClosure() {}

  /** The implied pairs, and the number of contradicting labels that were left alone. */
  record Result(List<LabelledPair> duplicates, List<LabelledPair> nonDuplicates, int conflicts) {}

  /**
   * The pairs that {@code pairs} imply and do not already hold.
   *
   * @param pairs labelled pairs with 0/1 labels
   * @param maxPerNonDuplicate at most this many implied non-duplicates per labelled non-duplicate
   *     (groups can be large; the first ones in group order are taken)
   * @return the implied pairs in a fixed order (that of the input)
   */
  static Result of(List<LabelledPair> pairs, int maxPerNonDuplicate) {
    Map<String, Integer> ids = new HashMap<>();
    List<String> texts = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    int[][] edges = new int[pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) {
      LabelledPair p = pairs.get(i);
      edges[i] =
          new int[] {id(p.first(), ids, texts, sources, p), id(p.second(), ids, texts, sources, p)};
    }
    int[] parent = new int[texts.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    Set<Long> labelled = new HashSet<>();
    for (int i = 0; i < pairs.size(); i++) {
      labelled.add(key(edges[i][0], edges[i][1]));
      if (pairs.get(i).label() == 1) {
        union(parent, edges[i][0], edges[i][1]);
      }
    }
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int q = 0; q < parent.length; q++) {
      groups.computeIfAbsent(find(parent, q), g -> new ArrayList<>()).add(q);
    }
    List<LabelledPair> duplicates = new ArrayList<>();
    for (List<Integer> group : groups.values()) {
      for (int a = 0; a < group.size(); a++) {
        for (int b = a + 1; b < group.size(); b++) {
          int x = group.get(a);
          int y = group.get(b);
          if (labelled.add(key(x, y))) {
            duplicates.add(implied(texts, sources, x, y, 1));
          }
        }
      }
    }
    List<LabelledPair> nonDuplicates = new ArrayList<>();
    int conflicts = 0;
    for (int i = 0; i < pairs.size(); i++) {
      if (pairs.get(i).label() != 0) {
        continue;
      }
      int ga = find(parent, edges[i][0]);
      int gb = find(parent, edges[i][1]);
      if (ga == gb) {
        conflicts++;
        continue;
      }
      int added = 0;
      for (int x : groups.get(ga)) {
        for (int y : groups.get(gb)) {
          if (added < maxPerNonDuplicate && labelled.add(key(x, y))) {
            nonDuplicates.add(implied(texts, sources, x, y, 0));
            added++;
          }
        }
      }
    }
    return new Result(duplicates, nonDuplicates, conflicts);
  }

  private static int id(
      String text,
      Map<String, Integer> ids,
      List<String> texts,
      List<String> sources,
      LabelledPair p) {
    String key = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    return ids.computeIfAbsent(
        key,
        k -> {
          texts.add(text.strip().replaceAll("\\s+", " "));
          sources.add(p.location());
          return texts.size() - 1;
        });
  }

  private static LabelledPair implied(
      List<String> texts, List<String> sources, int x, int y, int label) {
    return new LabelledPair(
        texts.get(x),
        texts.get(y),
        label,
        "closure of " + sources.get(x) + " and " + sources.get(y),
        0);
  }

  private static long key(int a, int b) {
    return ((long) Math.min(a, b) << 32) | Math.max(a, b);
  }

  private static int find(int[] parent, int q) {
    while (parent[q] != q) {
      parent[q] = parent[parent[q]];
      q = parent[q];
    }
    return q;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
}
