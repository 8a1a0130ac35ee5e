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
 * @param candidates how many candidate pairs were verified (an exact repeat of a question counts as
 *     one candidate, with its first occurrence)
 * @param verified how many candidate pairs the decision accepted, before any {@link
 *     DuplicateOptions#maxPairs()} cap
 * @param pairs the verified pairs kept, highest score first (ties by {@code first}, then {@code
 *     second})
 * @param groups the groups the pairs form, largest first (ties by smallest member)
 * @param truncated {@code true} if more pairs qualified than {@link DuplicateOptions#maxPairs()}
 *     allowed, so that the lowest-scoring ones ({@link #dropped()}) were left out
 */
public record Duplicates(
    int questionCount,
    DuplicateDecision decision,
    double threshold,
    double candidateThreshold,
    long candidates,
    long verified,
    List<DuplicatePair> pairs,
    List<DuplicateGroup> groups,
    boolean truncated) {
  /**
   * Copies the lists and validates the decision and the counts.
   *
   * @param questionCount how many questions were searched
   * @param decision the decision that verified the candidates: {@link DuplicateDecision#PAIR_HEAD}
   *     or {@link DuplicateDecision#SIMILARITY}, never {@code AUTO}
   * @param threshold the decision score a pair had to reach
   * @param candidateThreshold the similarity a candidate pair had to reach
   * @param candidates how many candidate pairs were verified (an exact repeat of a question counts
   *     as one candidate, with its first occurrence)
   * @param verified how many candidate pairs the decision accepted, before any {@link
   *     DuplicateOptions#maxPairs()} cap
   * @param pairs the verified pairs kept, highest score first (ties by {@code first}, then {@code
   *     second})
   * @param groups the groups the pairs form, largest first (ties by smallest member)
   * @param truncated {@code true} if more pairs qualified than {@link DuplicateOptions#maxPairs()}
   *     allowed, so that the lowest-scoring ones ({@link #dropped()}) were left out
   */
  public Duplicates {
    Objects.requireNonNull(decision, "decision");
    if (decision == DuplicateDecision.AUTO) {
      throw new IllegalArgumentException("decision must be the one used, not AUTO");
    }
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
    if (verified < pairs.size()) {
      throw new IllegalArgumentException(
          "verified (" + verified + ") must be at least the pairs kept (" + pairs.size() + ")");
    }
  }

  /**
   * A result whose verified pairs were all kept or, with {@code truncated}, cut to {@code pairs}
   * (the verified count is then unknown and taken as the pairs kept).
   *
   * @param questionCount how many questions were searched
   * @param decision the decision used
   * @param threshold its threshold
   * @param candidateThreshold the candidate threshold
   * @param candidates how many candidate pairs were verified
   * @param pairs the verified pairs kept
   * @param groups their groups
   * @param truncated whether pairs were left out
   */
  public Duplicates(
      int questionCount,
      DuplicateDecision decision,
      double threshold,
      double candidateThreshold,
      long candidates,
      List<DuplicatePair> pairs,
      List<DuplicateGroup> groups,
      boolean truncated) {
    this(
        questionCount,
        decision,
        threshold,
        candidateThreshold,
        candidates,
        Objects.requireNonNull(pairs, "pairs").size(),
        pairs,
        groups,
        truncated);
  }

  /**
   * How many verified pairs the {@link DuplicateOptions#maxPairs()} cap left out.
   *
   * @return {@code verified - pairs.size()}
   */
  public long dropped() {
    return verified - pairs.size();
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
        questionCount, decision, threshold, candidateThreshold, 0, 0, List.of(), List.of(), false);
  }
}
