package dev.qsim.onnx;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import dev.qsim.duplicates.ExactRepeats;
import dev.qsim.duplicates.PairScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One run of {@code findDuplicates} over embedded questions: candidates by similarity (exact or
 * clustered search), verification of each candidate by the model's {@link PairDecision} (the pair
 * head or similarity on the vectors, or the cross-encoder verifier on the texts), then groups that
 * do not chain ({@link DuplicateGrouping}), whose complete-link checks run on the same workers.
 * Exact repeats ({@link ExactRepeats}) are searched once, as their first occurrence, and join its
 * group.
 *
 * <p>Immutable; {@link #run} may be called from several threads.
 */
final class DuplicateSearch {
  static final Comparator<DuplicatePair> PAIR_ORDER =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  /** Bytes the candidate search holds per question and candidate slot ({@link TopKTable}). */
  static final long BYTES_PER_SLOT = 12;

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

  /**
   * The options as this search applies them: its decision (never {@code AUTO}), threshold and
   * candidate threshold.
   */
  DuplicateOptions resolvedOptions() {
    return options
        .withDecision(decision.kind())
        .withThreshold(decision.threshold())
        .withCandidateThreshold(candidateThreshold);
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
   * Runs over questions without repeats set aside; see {@link #run(VectorStore, List, ExactRepeats,
   * ProgressListener)}.
   */
  Duplicates run(VectorStore vectors, List<String> texts, ProgressListener progress) {
    return run(vectors, texts, ExactRepeats.none(vectors.size()), progress);
  }

  /**
   * Candidates, verification and grouping over the stored vectors of the distinct texts; progress
   * stages {@code "clustering"} and {@code "assigning"} (approximate search only), {@code
   * "searching"}, {@code "verifying"} and {@code "grouping"}, each reported from the calling
   * thread.
   *
   * @param vectors one vector per distinct text
   * @param texts the distinct texts, by distinct index; {@code null} when there are none (then the
   *     decision must not read texts)
   * @param repeats the questions' exact repeats, whose distinct texts {@code vectors} holds
   */
  Duplicates run(
      VectorStore vectors, List<String> texts, ExactRepeats repeats, ProgressListener progress) {
    int n = vectors.size();
    if (n != repeats.distinct()) {
      throw new IllegalArgumentException(
          "vectors holds " + n + " vectors, expected " + repeats.distinct() + " distinct texts");
    }
    if (repeats.size() < 2) {
      return Duplicates.none(
          repeats.size(), decision.kind(), decision.threshold(), candidateThreshold);
    }
    try (GemmWorkers workers = new GemmWorkers(threads)) {
      long candidateCount = 0;
      List<DuplicatePair> verified = new ArrayList<>();
      PairVerifier verifier = new PairVerifier(decision);
      PairScores rejected = decision.readsTexts() ? new PairScores(1024) : null;
      if (n >= 2) {
        CandidatePairs candidates = candidates(vectors, workers, progress);
        candidateCount = candidates.size();
        verified = verifier.verify(vectors, texts, candidates, workers, progress, rejected);
      }
      GroupCheck check =
          new GroupCheck(
              decision, verifier, function, candidateThreshold, vectors, texts, workers, rejected);
      double[] self = selfScores(repeats, check);
      List<DuplicatePair> all = new ArrayList<>(verified.size() + repeats.repeats());
      for (DuplicatePair p : verified) {
        all.add(
            new DuplicatePair(
                repeats.first(p.first()), repeats.first(p.second()), p.similarity(), p.score()));
      }
      for (int d = 0; d < repeats.distinct(); d++) {
        if (repeats.count(d) > 1 && !Double.isNaN(self[d])) {
          int[] questions = repeats.questions(d);
          for (int i = 1; i < questions.length; i++) {
            all.add(new DuplicatePair(questions[0], questions[i], 1.0, self[d]));
          }
        }
      }
      all.sort(PAIR_ORDER);
      boolean truncated = all.size() > options.maxPairs();
      List<DuplicatePair> kept =
          truncated ? new ArrayList<>(all.subList(0, options.maxPairs())) : all;
      ExactRepeats grouped = repeats;
      List<DuplicatePair> toGroup = verified;
      if (truncated) {
        BitSet dropped = new BitSet(repeats.size());
        toGroup = new ArrayList<>();
        for (DuplicatePair p : kept) {
          int a = repeats.distinctOf(p.first());
          int b = repeats.distinctOf(p.second());
          if (a != b) {
            toGroup.add(new DuplicatePair(a, b, p.similarity(), p.score()));
          }
        }
        for (DuplicatePair p : all.subList(options.maxPairs(), all.size())) {
          if (repeats.distinctOf(p.first()) == repeats.distinctOf(p.second())) {
            dropped.set(p.second());
          }
        }
        grouped = repeats.without(dropped);
      }
      List<DuplicateGroup> groups =
          DuplicateGrouping.group(toGroup, check, grouped, repeats.any() ? self : null, progress);
      return new Duplicates(
          repeats.size(),
          decision.kind(),
          decision.threshold(),
          candidateThreshold,
          candidateCount + repeats.repeats(),
          all.size(),
          kept,
          groups,
          truncated);
    }
  }

  /**
   * The decision's score of each repeated text with itself ({@code NaN} where it does not call the
   * text a duplicate of itself, or the text is not repeated), in batches.
   */
  private static double[] selfScores(ExactRepeats repeats, GroupCheck check) {
    double[] self = new double[repeats.distinct()];
    Arrays.fill(self, Double.NaN);
    if (!repeats.any()) {
      return self;
    }
    int[] texts = new int[repeats.distinct()];
    int count = 0;
    for (int d = 0; d < repeats.distinct(); d++) {
      if (repeats.count(d) > 1) {
        texts[count++] = d;
      }
    }
    for (int from = 0; from < count; from += PairVerifier.BATCH) {
      int to = Math.min(count, from + PairVerifier.BATCH);
      int[] batch = Arrays.copyOfRange(texts, from, to);
      double[] similarity = new double[batch.length];
      Arrays.fill(similarity, 1.0);
      double[] score = new double[batch.length];
      check.verify(batch, batch, batch.length, similarity, score);
      for (int i = 0; i < batch.length; i++) {
        self[batch[i]] = score[i];
      }
    }
    return self;
  }

  private CandidatePairs candidates(
      VectorStore vectors, GemmWorkers workers, ProgressListener progress) {
    int n = vectors.size();
    int topK = Math.min(options.topKPerQuestion(), n - 1);
    checkHeap(n, topK);
    switch (options.search().forSize(n)) {
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

  /**
   * Refuses a top-k whose candidate table would not fit in half the heap still free, with a message
   * that says what to change, rather than running out of memory.
   */
  static void checkHeap(int n, int topK) {
    long need = BYTES_PER_SLOT * n * topK;
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (need > free / 2) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "topKPerQuestion %,d over %,d distinct questions needs %,d MB of heap for the"
                  + " candidates, more than half of the %,d MB free; lower it or give Java more"
                  + " heap (-Xmx)",
              topK,
              n,
              need >> 20,
              free >> 20));
    }
  }
}
