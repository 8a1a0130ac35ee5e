package dev.qsim;

/**
 * Which of a model's scores decides that two questions are duplicates. Every duplicate decision of
 * a {@link QuestionSimilarity} — {@link QuestionSimilarity#isDuplicate(String, String)}, {@link
 * QuestionSimilarity#findDuplicates(java.util.List, DuplicateOptions) findDuplicates}, {@link
 * QuestionSimilarity#mostSimilar(String, java.util.List, int) mostSimilar} and a question index —
 * goes through the same decision, so they never disagree about a pair.
 *
 * <p>Thread-safe (an enum).
 */
public enum DuplicateDecision {
  /**
   * The model's best decision: its cascade when it has a pair head, a verifier and a cascade band
   * (and both are enabled), else its cross-encoder verifier when it has one (and it is enabled),
   * else its pair head when it has one (and it is enabled), else the similarity threshold.
   */
  AUTO,
  /**
   * The learned pair head: a classifier over both embeddings whose duplicate probability (in [0,
   * 1]) is compared with the model's calibrated pair-head threshold. Only for models that have one.
   */
  PAIR_HEAD,
  /**
   * The similarity of the two embeddings, in the model's {@link SimilarityFunction}, compared with
   * the model's calibrated similarity threshold.
   */
  SIMILARITY,
  /**
   * The cross-encoder verifier: a network that reads both questions in one sequence; its duplicate
   * probability (in [0, 1]; the pair read in one fixed order, so it is symmetric) is compared with
   * the model's calibrated verifier threshold. Only for models that have one. Candidates are still
   * retrieved by the similarity of the embeddings; the verifier decides.
   */
  VERIFIER,
  /**
   * The pair head, then the cross-encoder verifier: the pair head decides the pairs whose
   * probability lies outside the model's cascade band (where it is sure), the verifier decides the
   * pairs inside it. The score is on the pair head's scale (in [0, 1]) and is compared with the
   * pair head's threshold; inside the band it is the verifier's probability mapped into the band so
   * that the verifier's threshold falls on the head's. Only for models with a pair head, a verifier
   * and a band ({@code verifier.cascade} in the model metadata).
   */
  CASCADE
}
