package dev.qsim.spark;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import java.util.List;

/**
 * The model's duplicate decision as the Spark jobs call it: the same calls the single-machine
 * {@code findDuplicates} makes. Stateless and thread-safe.
 */
final class DuplicateDecision {
  private DuplicateDecision() {}

  /** The recall-oriented similarity that a pair must reach to be verified at all. */
  static double candidateThreshold(QuestionSimilarity model) {
    return model.similarityThreshold();
  }

  /** The decision scores of pairs whose embeddings are at hand. */
  static double[] scores(
      QuestionSimilarity model,
      List<QuestionPair> pairs,
      List<Embedding> first,
      List<Embedding> second) {
    return model.duplicateScores(pairs);
  }
}
