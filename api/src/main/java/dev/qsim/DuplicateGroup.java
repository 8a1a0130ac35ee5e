package dev.qsim;

import java.util.List;
import java.util.Objects;

/**
 * A cluster of questions that are duplicates of one another: the connected component that the kept
 * {@link DuplicatePair}s form. Two questions are in one group when a chain of duplicate pairs links
 * them.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param members the questions' indices in the searched list, ascending; at least two
 * @param pairs the duplicate pairs inside this group, highest score first
 */
public record DuplicateGroup(List<Integer> members, List<DuplicatePair> pairs) {
  /** Copies the lists and validates them. */
  public DuplicateGroup {
    members = List.copyOf(Objects.requireNonNull(members, "members"));
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    if (members.size() < 2) {
      throw new IllegalArgumentException(
          "A duplicate group has at least two members, had " + members.size());
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
}
