package dev.qsim;

import java.util.List;
import java.util.Objects;

/**
 * The duplicates that {@link QuestionSimilarity#findDuplicates} found in a list of questions.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param questionCount how many questions were searched
 * @param decision the decision that verified the candidates: {@link DuplicateDecision#PAIR_HEAD} or
 *     {@link DuplicateDecision#SIMILARITY}, never {@code AUTO}
 * @param threshold the decision score a pair had to reach
 * @param candidateThreshold the similarity a candidate pair had to reach
 * @param candidates how many candidate pairs were verified
 * @param pairs the verified pairs, highest score first (ties by {@code first}, then {@code second})
 * @param groups the groups the pairs form, largest first (ties by smallest member)
 * @param truncated {@code true} if more pairs qualified than {@link DuplicateOptions#maxPairs()}
 *     allowed, so that the lowest-scoring ones were left out
 */
public record Duplicates(
    int questionCount,
    DuplicateDecision decision,
    double threshold,
    double candidateThreshold,
    long candidates,
    List<DuplicatePair> pairs,
    List<DuplicateGroup> groups,
    boolean truncated) {
  /** Copies the lists and validates the decision. */
  public Duplicates {
    Objects.requireNonNull(decision, "decision");
    if (decision == DuplicateDecision.AUTO) {
      throw new IllegalArgumentException("decision must be the one used, not AUTO");
    }
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
  }

  /**
   * The result of searching fewer than two questions: nothing found.
   *
   * @param questionCount 0 or 1
   * @param decision the decision that would have been used
   * @param threshold its threshold
   * @param candidateThreshold the candidate threshold
   * @return an empty result
   */
  public static Duplicates none(
      int questionCount, DuplicateDecision decision, double threshold, double candidateThreshold) {
    return new Duplicates(
        questionCount, decision, threshold, candidateThreshold, 0, List.of(), List.of(), false);
  }
}
