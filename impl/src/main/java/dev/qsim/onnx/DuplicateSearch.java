package dev.qsim.onnx;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.ProgressListener;
import dev.qsim.SearchMode;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One run of {@code findDuplicates} over embedded questions: candidates by similarity (exact or
 * clustered search), verification of each candidate by the model's {@link PairDecision}, then
 * groups that do not chain ({@link DuplicateGrouping}).
 *
 * <p>Immutable; {@link #run} may be called from several threads.
 */
final class DuplicateSearch {
  static final Comparator<DuplicatePair> PAIR_ORDER =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  private final PairDecision decision;
  private final SimilarityFunction function;
  private final double candidateThreshold;
  private final DuplicateOptions options;
  private final int threads;

  DuplicateSearch(
      PairDecision decision,
      SimilarityFunction function,
      double candidateThreshold,
      DuplicateOptions options,
      int threads) {
    this.decision = decision;
    this.function = function;
    this.candidateThreshold = candidateThreshold;
    this.options = options;
    this.threads = threads;
  }

  /** The search that {@code mode} picks for {@code n} questions. */
  static SearchMode resolve(SearchMode mode, int n) {
    if (mode != SearchMode.AUTO) {
      return mode;
    }
    return n <= DuplicateOptions.AUTO_EXACT_LIMIT ? SearchMode.EXACT : SearchMode.APPROXIMATE;
  }

  Duplicates run(float[][] vectors, ProgressListener progress) {
    int n = vectors.length;
    if (n < 2) {
      return Duplicates.none(n, decision.kind(), decision.threshold(), candidateThreshold);
    }
    List<DuplicatePair> candidates = candidates(vectors, progress);
    List<DuplicatePair> verified = verify(vectors, candidates, progress);
    verified.sort(PAIR_ORDER);
    boolean truncated = verified.size() > options.maxPairs();
    List<DuplicatePair> kept = truncated ? verified.subList(0, options.maxPairs()) : verified;
    List<DuplicateGroup> groups = DuplicateGrouping.group(kept, (a, b) -> verify(vectors, a, b));
    return new Duplicates(
        n,
        decision.kind(),
        decision.threshold(),
        candidateThreshold,
        candidates.size(),
        kept,
        groups,
        truncated);
  }

  private List<DuplicatePair> candidates(float[][] vectors, ProgressListener progress) {
    switch (resolve(options.search(), vectors.length)) {
      case EXACT:
      case APPROXIMATE:
        return DuplicateFinder.candidates(
            vectors, function, candidateThreshold, options.topKPerQuestion(), threads, progress);
      default:
        throw new AssertionError(options.search());
    }
  }

  /** The pair {@code a < b} if the decision calls it a duplicate, else {@code null}. */
  private DuplicatePair verify(float[][] vectors, int a, int b) {
    double similarity = function.compare(vectors[a], vectors[b]);
    double score = decision.score(vectors[a], vectors[b], similarity);
    return decision.accepts(score) ? new DuplicatePair(a, b, similarity, score) : null;
  }

  private List<DuplicatePair> verify(
      float[][] vectors, List<DuplicatePair> candidates, ProgressListener progress) {
    List<DuplicatePair> verified = new ArrayList<>();
    long total = candidates.size();
    long done = 0;
    for (DuplicatePair c : candidates) {
      double score = decision.score(vectors[c.first()], vectors[c.second()], c.similarity());
      if (decision.accepts(score)) {
        verified.add(new DuplicatePair(c.first(), c.second(), c.similarity(), score));
      }
      if (++done % 10_000 == 0) {
        progress.update("verifying", done, total);
      }
    }
    progress.update("verifying", total, total);
    return verified;
  }
}
