package dev.qsim.duplicates;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns verified duplicate pairs into groups that do not chain: every group is a set of questions
 * that are all verified duplicates of each other (a clique of the verified pairs), around a
 * representative.
 *
 * <p>The rule, greedy and deterministic: order the questions by their number of verified duplicates
 * (most first; ties by the higher sum of scores, then the lower index). Take the first question not
 * yet in a group as a representative; go through its verified duplicates not yet in a group, best
 * score first, and add each one that is a duplicate of every member added so far (by the {@link
 * PairCheck}); the group stands if it has two members or more. Repeat.
 *
 * <p>Single-link grouping (connected components) would put A, B and C into one group when A~B and
 * B~C although A≁C; here C joins only if it is a duplicate of A too. Every member is a verified
 * duplicate of the representative, so each group's pairs (member, representative) are among the
 * input pairs.
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
   * Decides whether two questions of a group are duplicates of each other.
   *
   * <p>Implementations must be symmetric and thread-safe for the duration of one call.
   */
  @FunctionalInterface
  public interface PairCheck {
    /**
     * Whether questions {@code a} and {@code b} are duplicates.
     *
     * @param a one question's index
     * @param b another question's index
     * @return {@code true} if the decision calls them duplicates
     */
    boolean duplicates(int a, int b);
  }

  /**
   * Groups questions using only the given pairs: two members are duplicates of each other when
   * their pair is among {@code verified}.
   *
   * @param verified the verified duplicate pairs (pairs not listed count as non-duplicates)
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified) {
    Set<Long> known = new HashSet<>();
    for (DuplicatePair p : verified) {
      known.add(key(p.first(), p.second()));
    }
    return group(verified, (a, b) -> known.contains(key(Math.min(a, b), Math.max(a, b))));
  }

  /**
   * Groups questions, asking {@code check} about member pairs that are not among {@code verified}
   * (pairs among them are duplicates without asking).
   *
   * @param verified the verified duplicate pairs, each with its decision score
   * @param check the duplicate decision for any two questions
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified, PairCheck check) {
    Objects.requireNonNull(verified, "verified");
    Objects.requireNonNull(check, "check");
    Map<Integer, List<DuplicatePair>> byQuestion = new HashMap<>();
    Map<Integer, Double> scoreSum = new HashMap<>();
    Set<Long> known = new HashSet<>();
    for (DuplicatePair p : verified) {
      if (!known.add(key(p.first(), p.second()))) {
        continue;
      }
      for (int q : new int[] {p.first(), p.second()}) {
        byQuestion.computeIfAbsent(q, k -> new ArrayList<>()).add(p);
        scoreSum.merge(q, p.score(), Double::sum);
      }
    }
    List<Integer> order = new ArrayList<>(byQuestion.keySet());
    order.sort(
        Comparator.comparingInt((Integer q) -> byQuestion.get(q).size())
            .reversed()
            .thenComparing(q -> scoreSum.get(q), Comparator.reverseOrder())
            .thenComparingInt(q -> q));
    Set<Integer> assigned = new HashSet<>();
    List<DuplicateGroup> groups = new ArrayList<>();
    for (int representative : order) {
      if (assigned.contains(representative)) {
        continue;
      }
      List<DuplicatePair> neighbours = new ArrayList<>(byQuestion.get(representative));
      neighbours.sort(BEST_FIRST);
      List<Integer> members = new ArrayList<>();
      List<DuplicatePair> pairs = new ArrayList<>();
      members.add(representative);
      for (DuplicatePair p : neighbours) {
        int candidate = p.other(representative);
        if (assigned.contains(candidate) || !agreesWithAll(candidate, members, known, check)) {
          continue;
        }
        members.add(candidate);
        pairs.add(p);
      }
      if (members.size() < 2) {
        continue;
      }
      assigned.addAll(members);
      members.sort(null);
      groups.add(new DuplicateGroup(representative, members, pairs));
    }
    groups.sort(
        Comparator.comparingInt((DuplicateGroup g) -> g.members().size())
            .reversed()
            .thenComparingInt(g -> g.members().get(0)));
    return groups;
  }

  /**
   * Whether {@code candidate} is a duplicate of every member but the first (the representative).
   */
  private static boolean agreesWithAll(
      int candidate, List<Integer> members, Set<Long> known, PairCheck check) {
    for (int m = 1; m < members.size(); m++) {
      int other = members.get(m);
      if (!known.contains(key(Math.min(candidate, other), Math.max(candidate, other)))
          && !check.duplicates(candidate, other)) {
        return false;
      }
    }
    return true;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }
}
