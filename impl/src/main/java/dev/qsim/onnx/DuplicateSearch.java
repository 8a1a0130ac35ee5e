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
 * clustered search), verification of each candidate by the model's {@link PairDecision} (the pair
 * head or similarity on the vectors, or the cross-encoder verifier on the texts), then groups that
 * do not chain ({@link DuplicateGrouping}).
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

  /** Runs on in-heap vectors (copied off the heap first), for an embedding decision. */
  Duplicates run(float[][] vectors, ProgressListener progress) {
    try (VectorStore store = VectorStore.of(vectors)) {
      return run(store, null, progress);
    }
  }

  /** Runs over the stored vectors, for an embedding decision. */
  Duplicates run(VectorStore vectors, ProgressListener progress) {
    return run(vectors, null, progress);
  }

  /**
   * Candidates, verification and grouping over the stored vectors; progress stages {@code
   * "clustering"} and {@code "assigning"} (approximate search only), {@code "searching"}, {@code
   * "verifying"} and {@code "grouping"}, each reported from the calling thread.
   *
   * @param texts the questions, by index; needed when the decision reads texts (a verifier)
   */
  Duplicates run(VectorStore vectors, List<String> texts, ProgressListener progress) {
    int n = vectors.size();
    if (n < 2) {
      return Duplicates.none(n, decision.kind(), decision.threshold(), candidateThreshold);
    }
    CandidatePairs candidates;
    List<DuplicatePair> verified;
    try (GemmWorkers workers = new GemmWorkers(threads)) {
      candidates = candidates(vectors, workers, progress);
      verified = new PairVerifier(decision).verify(vectors, texts, candidates, workers, progress);
    }
    int candidateCount = candidates.size();
    candidates = null;
    progress.update("grouping", 0, verified.size());
    verified.sort(PAIR_ORDER);
    boolean truncated = verified.size() > options.maxPairs();
    List<DuplicatePair> kept =
        truncated ? new ArrayList<>(verified.subList(0, options.maxPairs())) : verified;
    List<DuplicateGroup> groups =
        DuplicateGrouping.group(kept, new GroupCheck(decision, function, vectors, texts));
    progress.update("grouping", kept.size(), kept.size());
    return new Duplicates(
        n,
        decision.kind(),
        decision.threshold(),
        candidateThreshold,
        candidateCount,
        kept,
        groups,
        truncated);
  }

  private CandidatePairs candidates(
      VectorStore vectors, GemmWorkers workers, ProgressListener progress) {
    int topK = options.topKPerQuestion();
    switch (resolve(options.search(), vectors.size())) {
      case EXACT:
        return DuplicateFinder.candidates(
            vectors, function, candidateThreshold, topK, workers, progress);
      case APPROXIMATE:
        return ClusteredSearch.defaults()
            .candidates(vectors, function, candidateThreshold, topK, workers, progress);
      default:
        throw new AssertionError(options.search());
    }
  }
}
