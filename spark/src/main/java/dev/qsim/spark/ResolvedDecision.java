package dev.qsim.spark;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import java.io.Serializable;
import java.util.List;

/**
 * The duplicate decision of one run, resolved on the driver by the SDK itself (so that options mean
 * exactly what they mean to {@code findDuplicates}) and shipped to the executors.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind {@link DuplicateDecision#VERIFIER}, {@link DuplicateDecision#PAIR_HEAD} or {@link
 *     DuplicateDecision#SIMILARITY}
 * @param threshold the decision score a pair must reach
 * @param candidateThreshold the similarity a candidate must reach
 */
record ResolvedDecision(DuplicateDecision kind, double threshold, double candidateThreshold)
    implements Serializable {

  /**
   * The decision that {@code model.findDuplicates(..., options)} uses ({@link
   * QuestionSimilarity#resolve}, which validates the options the same way).
   */
  static ResolvedDecision of(QuestionSimilarity model, DuplicateOptions options) {
    DuplicateOptions resolved = model.resolve(options);
    return new ResolvedDecision(
        resolved.decision(),
        resolved.threshold().getAsDouble(),
        resolved.candidateThreshold().getAsDouble());
  }

  /**
   * The decision scores of candidate pairs whose embeddings and similarities are at hand, as the
   * SDK computes them: the verifier's probability of the texts or the pair head's of the embeddings
   * (both through {@code duplicateScores}), or the similarity itself.
   */
  double[] scores(
      QuestionSimilarity model,
      List<QuestionPair> pairs,
      List<Embedding> first,
      List<Embedding> second,
      double[] similarities) {
    if (kind == DuplicateDecision.SIMILARITY) {
      return similarities.clone();
    }
    return model.duplicateScores(pairs, first, second);
  }

  boolean accepts(double score) {
    return score >= threshold;
  }
}
