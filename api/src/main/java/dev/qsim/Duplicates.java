package dev.qsim;

import java.util.List;
import java.util.Objects;

/**
 * The duplicates that {@link QuestionSimilarity#findDuplicates} found in a list of questions.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param questionCount how many questions were searched
 * @param threshold the similarity a pair had to reach
 * @param pairs the kept pairs, highest score first (ties by {@code first}, then {@code second})
 * @param groups the clusters the pairs form, largest first (ties by smallest member)
 * @param truncated {@code true} if more pairs qualified than {@link DuplicateOptions#maxPairs()}
 *     allowed, so that the lowest-scoring ones were left out
 */
public record Duplicates(
    int questionCount,
    double threshold,
    List<DuplicatePair> pairs,
    List<DuplicateGroup> groups,
    boolean truncated) {
  /** Copies the lists. */
  public Duplicates {
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
  }
}
