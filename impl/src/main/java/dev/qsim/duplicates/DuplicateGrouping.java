package dev.qsim.duplicates;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns verified duplicate pairs into groups that do not chain: every group is a set of questions
 * that are all duplicates of each other by the decision (a clique), around a representative.
 *
 * <p>The rule is complete-link merging in order of confidence: every question starts alone; the
 * verified pairs are taken best score first, and the groups of a pair's two questions are merged
 * when every question of one is a duplicate of every question of the other (asked of the {@link
 * PairVerifier}); otherwise the pair is left out. The representative of a group is the member with
 * the highest sum of decision scores with the other members (ties: the lower index) — the question
 * a site would keep.
 *
 * <p>Single-link grouping (connected components) puts A, B and C into one group when A~B and B~C
 * although A≁C; here C joins A's group only if it is a duplicate of A too. On 2,000 Quora dev
 * questions this rule keeps 82% of the labelled duplicate pairs together against 80% for groups
 * grown greedily around the question with the most duplicates, at the same share of merged
 * non-duplicates (see {@code docs/benchmarks.md}).
 *
 * <p>Stateless and thread-safe. The single-machine {@code findDuplicates} and the Spark job both
 * call it, so both group the same way.
 */
public final class DuplicateGrouping {
  private static final Comparator<DuplicatePair> BEST_FIRST =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  private DuplicateGrouping() {}

  /**
   * The duplicate decision for any two questions.
   *
   * <p>Implementations must be symmetric and safe to call from the grouping's thread.
   */
  @FunctionalInterface
  public interface PairVerifier {
    /**
     * Verifies questions {@code a} and {@code b}.
     *
     * @param a one question's index
     * @param b another question's index
     * @return the pair ({@code first < second}) with its similarity and decision score if the
     *     decision calls them duplicates, else {@code null}
     */
    DuplicatePair verify(int a, int b);
  }

  /**
   * Groups questions using only the given pairs: two questions are duplicates when their pair is
   * among {@code verified}.
   *
   * @param verified the verified duplicate pairs (pairs not listed count as non-duplicates)
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified) {
    return group(verified, (a, b) -> null);
  }

  /**
   * Groups questions, asking {@code verifier} about the member pairs that are not among {@code
   * verified}.
   *
   * @param verified the verified duplicate pairs, each with its similarity and decision score
   * @param verifier the duplicate decision for any two questions
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified, PairVerifier verifier) {
    Objects.requireNonNull(verified, "verified");
    Objects.requireNonNull(verifier, "verifier");
    Map<Long, DuplicatePair> known = new HashMap<>();
    for (DuplicatePair p : verified) {
      known.putIfAbsent(key(p.first(), p.second()), p);
    }
    List<DuplicatePair> order = new ArrayList<>(known.values());
    order.sort(BEST_FIRST);
    Map<Integer, List<Integer>> groupOf = new HashMap<>();
    for (DuplicatePair p : order) {
      List<Integer> a = groupOf.computeIfAbsent(p.first(), q -> new ArrayList<>(List.of(q)));
      List<Integer> b = groupOf.computeIfAbsent(p.second(), q -> new ArrayList<>(List.of(q)));
      if (a == b || !allDuplicates(a, b, known, verifier)) {
        continue;
      }
      List<Integer> into = a.size() >= b.size() ? a : b;
      List<Integer> from = into == a ? b : a;
      into.addAll(from);
      for (int q : from) {
        groupOf.put(q, into);
      }
    }
    List<DuplicateGroup> groups = new ArrayList<>();
    Map<List<Integer>, Boolean> done = new java.util.IdentityHashMap<>();
    for (List<Integer> members : groupOf.values()) {
      if (members.size() > 1 && done.put(members, Boolean.TRUE) == null) {
        groups.add(toGroup(members, known));
      }
    }
    groups.sort(
        Comparator.comparingInt((DuplicateGroup g) -> g.members().size())
            .reversed()
            .thenComparingInt(g -> g.members().get(0)));
    return groups;
  }

  /** Whether every question of {@code a} is a duplicate of every question of {@code b}. */
  private static boolean allDuplicates(
      List<Integer> a, List<Integer> b, Map<Long, DuplicatePair> known, PairVerifier verifier) {
    for (int x : a) {
      for (int y : b) {
        long k = key(Math.min(x, y), Math.max(x, y));
        if (known.containsKey(k)) {
          continue;
        }
        DuplicatePair p = verifier.verify(Math.min(x, y), Math.max(x, y));
        if (p == null) {
          return false;
        }
        known.put(k, p);
      }
    }
    return true;
  }

  /** A clique's group: the member with the best score sum represents it. */
  private static DuplicateGroup toGroup(List<Integer> members, Map<Long, DuplicatePair> known) {
    List<Integer> sorted = new ArrayList<>(members);
    sorted.sort(null);
    int representative = sorted.get(0);
    double best = Double.NEGATIVE_INFINITY;
    for (int m : sorted) {
      double sum = 0;
      for (int o : sorted) {
        if (o != m) {
          sum += known.get(key(Math.min(m, o), Math.max(m, o))).score();
        }
      }
      if (sum > best) {
        best = sum;
        representative = m;
      }
    }
    List<DuplicatePair> pairs = new ArrayList<>();
    for (int m : sorted) {
      if (m != representative) {
        pairs.add(known.get(key(Math.min(m, representative), Math.max(m, representative))));
      }
    }
    pairs.sort(BEST_FIRST);
    return new DuplicateGroup(representative, sorted, pairs);
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }
}
