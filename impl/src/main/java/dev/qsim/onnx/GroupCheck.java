package dev.qsim.onnx;

import dev.qsim.DuplicatePair;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duplicate decision for two questions of a group being formed ({@link
 * DuplicateGrouping.PairVerifier}), fast for a pair head: each question's share of the first layer
 * ({@link PairHead#project}) is computed once and kept in a bounded cache ({@value #CACHE}
 * questions, least recently used out), so that a pair costs a quarter of {@link
 * PairHead#probability(float[], float[])}; scores within {@link PairVerifier#BORDER} of the
 * threshold are recomputed by that reference formula, so the decision always equals {@code
 * isDuplicate}'s.
 *
 * <p>Not thread-safe: one grouping at a time.
 */
final class GroupCheck implements DuplicateGrouping.PairVerifier {
  static final int CACHE = 20_000;

  private final PairDecision decision;
  private final SimilarityFunction function;
  private final PairHead head;
  private final VectorStore vectors;
  private final List<String> texts;
  private final Map<Integer, float[][]> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, float[][]> eldest) {
          return size() > CACHE;
        }
      };

  /**
   * @param texts the questions by index, for a decision that {@link PairDecision#readsTexts reads
   *     texts} (a verifier, which scores each pair alone); else may be {@code null}
   */
  GroupCheck(
      PairDecision decision, SimilarityFunction function, VectorStore vectors, List<String> texts) {
    this.decision = decision;
    this.function = function;
    this.head = decision.head();
    this.vectors = vectors;
    this.texts = texts;
  }

  @Override
  public DuplicatePair verify(int a, int b) {
    float[][] u = entry(a);
    float[][] v = entry(b);
    double similarity = function.compare(u[0], v[0]);
    double score;
    if (decision.readsTexts()) {
      score = decision.score(texts.get(a), texts.get(b));
    } else if (head == null) {
      score = decision.score(u[0], v[0], similarity);
    } else {
      score = head.probability(u[0], u[1], v[0], v[1]);
      if (Math.abs(score - decision.threshold()) < PairVerifier.BORDER) {
        score = head.probability(u[0], v[0]);
      }
    }
    if (!decision.accepts(score)) {
      return null;
    }
    return new DuplicatePair(Math.min(a, b), Math.max(a, b), similarity, score);
  }

  private float[][] entry(int q) {
    float[][] e = cache.get(q);
    if (e == null) {
      float[] vector = vectors.get(q);
      e = new float[][] {vector, head == null ? null : head.project(vector)};
      cache.put(q, e);
    }
    return e;
  }
}
