package dev.qsim;

import java.util.List;
import java.util.Objects;

/**
 * A group of questions that are duplicates of one question, its representative: every other member
 * is a verified duplicate of the representative (and, by the grouping rule, of the other members on
 * average), so groups do not chain A~B~C into one group when A and C differ. See {@code
 * docs/getting-started.md} for the rule.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param representative the index of the question a site would keep: the member with the highest
 *     sum of decision scores with the other members (ties: the lower index)
 * @param members the questions' indices in the searched list, ascending; at least two, the
 *     representative among them
 * @param pairs each other member with the representative, highest score first
 */
public record DuplicateGroup(int representative, List<Integer> members, List<DuplicatePair> pairs) {
  /**
   * Copies the lists and validates them.
   *
   * @param representative the index of the question a site would keep: the member with the highest
   *     sum of decision scores with the other members (ties: the lower index)
   * @param members the questions' indices in the searched list, ascending; at least two, the
   *     representative among them
   * @param pairs each other member with the representative, highest score first
   */
  public DuplicateGroup {
    members = List.copyOf(Objects.requireNonNull(members, "members"));
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    if (members.size() < 2) {
      throw new IllegalArgumentException(
          "A duplicate group has at least two members, had " + members.size());
    }
    if (!members.contains(representative)) {
      throw new IllegalArgumentException(
          "The representative " + representative + " is not among the members " + members);
    }
  }

  /**
   * The highest pair score in the group.
   *
   * @return the best score, or {@code NaN} if the group holds no pairs
   */
  public double maxScore() {
    return pairs.stream().mapToDouble(DuplicatePair::score).max().orElse(Double.NaN);
  }

  /**
   * A member's pair with the representative.
   *
   * @param member a member other than the representative
   * @return the pair of {@code member} and the representative, with its similarity and score
   * @throws IllegalArgumentException if {@code member} is not a non-representative member
   */
  public DuplicatePair pairOf(int member) {
    for (DuplicatePair p : pairs) {
      if (member != representative && (p.first() == member || p.second() == member)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        member + " is not a member of this group other than its representative " + representative);
  }
}
