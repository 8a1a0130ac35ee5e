package dev.qsim.eval;

import dev.qsim.Embedding;
import dev.qsim.InferenceException;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.TextRules;
import dev.qsim.data.LabelledPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Measures a {@link QuestionSimilarity} on labelled pairs or on a list with known duplicate groups.
 *
 * <pre>{@code
 * PairDataset dev = PairReader.read(Path.of("quora/dev.tsv"), PairFormat.BIMPM);
 * BinaryEvaluation r = Evaluator.of(model).evaluateBinary(dev.pairs());
 * System.out.println(r.modelDecision().accuracy() + " AP " + r.averagePrecision());
 * }</pre>
 *
 * <p>Pairs are scored in batches of {@link #batchSize()} (default {@value #DEFAULT_BATCH_SIZE})
 * through the model's batch methods, and progress is reported after each batch under the stage
 * {@code "scoring"} (or {@code "embedding"} and {@code "ranking"} for retrieval). The evaluator
 * does not own the model and never closes it.
 *
 * <p>Instances are immutable; they are thread-safe because {@link QuestionSimilarity} is.
 */
public final class Evaluator {
  /** The default number of pairs per scoring call. */
  public static final int DEFAULT_BATCH_SIZE = 1024;

  private final QuestionSimilarity model;
  private final int batchSize;
  private final ProgressListener progress;

  private Evaluator(QuestionSimilarity model, int batchSize, ProgressListener progress) {
    this.model = model;
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /**
   * An evaluator of {@code model} with the default batch size and no progress reporting.
   *
   * @param model the model to measure
   * @return the evaluator
   */
  public static Evaluator of(QuestionSimilarity model) {
    return new Evaluator(
        Objects.requireNonNull(model, "model"), DEFAULT_BATCH_SIZE, ProgressListener.NONE);
  }

  /**
   * Returns a copy that scores {@code size} pairs per call.
   *
   * @param size at least 1
   * @return the changed evaluator
   * @throws IllegalArgumentException if {@code size < 1}
   */
  public Evaluator withBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + size);
    }
    return new Evaluator(model, size, progress);
  }

  /**
   * Returns a copy that reports progress to {@code listener} after every batch.
   *
   * @param listener receives {@code (stage, done, total)}
   * @return the changed evaluator
   */
  public Evaluator withProgress(ProgressListener listener) {
    return new Evaluator(model, batchSize, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The number of pairs per scoring call.
   *
   * @return the batch size
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Evaluates binary pairs with {@link #evaluateBinary(List)} when every label is 0 or 1, and
   * graded pairs with {@link #evaluateGraded(List)} otherwise.
   *
   * @param pairs the labelled pairs
   * @return the binary or graded evaluation
   */
  public EvaluationResult evaluate(List<LabelledPair> pairs) {
    checkPairs(pairs);
    for (LabelledPair p : pairs) {
      if (p.label() != 0 && p.label() != 1) {
        return evaluateGraded(pairs);
      }
    }
    return evaluateBinary(pairs);
  }

  /**
   * Scores the pairs with {@link QuestionSimilarity#duplicateScores(List)} and measures the model's
   * own decision at {@link QuestionSimilarity#duplicateThreshold()}, the ranking metrics, and the
   * best thresholds fitted on these pairs.
   *
   * @param pairs labelled pairs with labels 0 or 1
   * @return the evaluation
   * @throws IllegalArgumentException if the list is empty, a question is blank or a label is not 0
   *     or 1 (naming the index and the row's file and line)
   * @throws InferenceException if the model fails or returns a wrong number of scores or a NaN
   */
  public BinaryEvaluation evaluateBinary(List<LabelledPair> pairs) {
    checkPairs(pairs);
    double[] labels = new double[pairs.size()];
    for (int i = 0; i < labels.length; i++) {
      double label = pairs.get(i).label();
      if (label != 0 && label != 1) {
        throw new IllegalArgumentException(
            "pair "
                + i
                + " ("
                + pairs.get(i).location()
                + ") has label "
                + label
                + ": binary evaluation needs 0 or 1");
      }
      labels[i] = label;
    }
    double[] scores = score(pairs, true);
    return BinaryEvaluation.of(
        BinaryMetrics.of(scores, labels), model.duplicateThreshold(), model.hasPairHead());
  }

  /**
   * Scores the pairs with {@link QuestionSimilarity#similarities(List)} and correlates the
   * similarities with the graded labels.
   *
   * @param pairs labelled pairs, at least two
   * @return Pearson's and Spearman's correlations
   * @throws IllegalArgumentException if there are fewer than two pairs or a question is blank
   * @throws InferenceException if the model fails or returns a wrong number of scores or a NaN
   */
  public GradedEvaluation evaluateGraded(List<LabelledPair> pairs) {
    checkPairs(pairs);
    if (pairs.size() < 2) {
      throw new IllegalArgumentException(
          "graded evaluation needs at least 2 pairs, got " + pairs.size());
    }
    double[] labels = new double[pairs.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = pairs.get(i).label();
    }
    double[] similarities = similarities(pairs);
    return new GradedEvaluation(
        pairs.size(),
        Correlation.pearson(similarities, labels),
        Correlation.spearman(similarities, labels));
  }

  /**
   * The model's similarity of every pair, scored {@link #batchSize()} pairs per call with progress
   * reported as {@code "scoring"} — for callers that measure the similarity themselves, such as
   * threshold calibration.
   *
   * @param pairs the pairs to score, none with a blank question
   * @return one similarity per pair, in input order
   * @throws IllegalArgumentException if the list is empty or a question is blank
   * @throws InferenceException if the model fails or returns a wrong number of scores or a NaN
   */
  public double[] similarities(List<LabelledPair> pairs) {
    checkPairs(pairs);
    return score(pairs, false);
  }

  /**
   * The model's duplicate decision score of every pair ({@link
   * QuestionSimilarity#duplicateScores(List)}), batched and reported as {@link #similarities} does.
   *
   * @param pairs the pairs to score, none with a blank question
   * @return one decision score per pair, in input order
   * @throws IllegalArgumentException if the list is empty or a question is blank
   * @throws InferenceException if the model fails or returns a wrong number of scores or a NaN
   */
  public double[] duplicateScores(List<LabelledPair> pairs) {
    checkPairs(pairs);
    return score(pairs, true);
  }

  /**
   * The share of the pairs a decision accepts that its candidate threshold keeps: {@code
   * candidate_threshold} is the similarity above which this share of them lies (0.99).
   */
  public static final double CANDIDATE_COVERAGE = 0.99;

  /**
   * The candidate threshold that keeps a share of the pairs a decision accepts: the largest
   * similarity {@code s} such that at least {@code coverage} of the pairs with {@code
   * decisionScores[i] >= decisionThreshold} have {@code similarities[i] >= s}. Retrieval at that
   * similarity loses at most {@code 1 - coverage} of what verification would accept (on data like
   * the calibration pairs). Labels are not needed.
   *
   * @param similarities each pair's embedding similarity
   * @param decisionScores each pair's decision score
   * @param decisionThreshold the decision's threshold
   * @param coverage the share of accepted pairs to keep, in (0, 1]
   * @return the candidate threshold
   * @throws IllegalArgumentException if the arrays differ in length, coverage is out of range or
   *     the decision accepts no pair
   */
  public static double candidateThreshold(
      double[] similarities, double[] decisionScores, double decisionThreshold, double coverage) {
    if (similarities.length != decisionScores.length) {
      throw new IllegalArgumentException(
          similarities.length + " similarities but " + decisionScores.length + " decision scores");
    }
    if (!(coverage > 0 && coverage <= 1)) {
      throw new IllegalArgumentException("coverage must be in (0, 1], was " + coverage);
    }
    double[] accepted =
        java.util.stream.IntStream.range(0, similarities.length)
            .filter(i -> decisionScores[i] >= decisionThreshold)
            .mapToDouble(i -> similarities[i])
            .sorted()
            .toArray();
    if (accepted.length == 0) {
      throw new IllegalArgumentException(
          "the decision accepts none of the "
              + similarities.length
              + " pairs at threshold "
              + decisionThreshold
              + ": no candidate threshold can be derived");
    }
    int lose = (int) Math.floor((1 - coverage) * accepted.length + 1e-9);
    return accepted[Math.min(lose, accepted.length - 1)];
  }

  private static void checkPairs(List<LabelledPair> pairs) {
    Objects.requireNonNull(pairs, "pairs");
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no pairs to evaluate");
    }
    for (int i = 0; i < pairs.size(); i++) {
      LabelledPair p = pairs.get(i);
      if (p == null) {
        throw new NullPointerException("pair at index " + i + " is null");
      }
      if (TextRules.isBlankQuestion(p.first()) || TextRules.isBlankQuestion(p.second())) {
        throw new IllegalArgumentException(
            "pair " + i + " (" + p.location() + ") has a blank question");
      }
    }
  }

  private double[] score(List<LabelledPair> pairs, boolean duplicateScores) {
    int n = pairs.size();
    double[] out = new double[n];
    progress.update("scoring", 0, n);
    List<QuestionPair> batch = new ArrayList<>(Math.min(batchSize, n));
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      batch.clear();
      for (int i = start; i < end; i++) {
        batch.add(pairs.get(i).questions());
      }
      double[] scores = duplicateScores ? model.duplicateScores(batch) : model.similarities(batch);
      if (scores == null || scores.length != batch.size()) {
        throw new InferenceException(
            "the model returned "
                + (scores == null ? "null" : scores.length + " scores")
                + " for the batch of pairs "
                + start
                + ".."
                + (end - 1)
                + " ("
                + batch.size()
                + " pairs)");
      }
      for (int i = 0; i < scores.length; i++) {
        if (!Double.isFinite(scores[i])) {
          throw new InferenceException(
              "the model returned the score "
                  + scores[i]
                  + " for pair "
                  + (start + i)
                  + " ("
                  + pairs.get(start + i).location()
                  + ")");
        }
        out[start + i] = scores[i];
      }
      progress.update("scoring", end, n);
    }
    return out;
  }

  /**
   * Measures how well the model retrieves known duplicates from a list: each question with a known
   * duplicate is a query against all other questions, ranked by the model's similarity (ties by
   * lower index, as {@link QuestionSimilarity#mostSimilar} does). Embeds the list once in batches
   * and keeps no N×N matrix: time grows with N², memory with N.
   *
   * @param questions the list; none null or blank
   * @param groups one group id per question; equal non-negative ids mark known duplicates, a
   *     negative id none
   * @return MRR, recall@1 and recall@10 over the queries
   * @throws IllegalArgumentException if the lengths differ
   * @throws InferenceException if the model fails or returns a wrong number of embeddings
   */
  public RetrievalMetrics evaluateRetrieval(List<String> questions, int[] groups) {
    Objects.requireNonNull(questions, "questions");
    Objects.requireNonNull(groups, "groups");
    if (questions.size() != groups.length) {
      throw new IllegalArgumentException(
          "questions and groups differ in length: " + questions.size() + " vs " + groups.length);
    }
    int n = questions.size();
    int[] sizes = RetrievalMetrics.groupSizes(groups);
    List<Embedding> embeddings = new ArrayList<>(n);
    progress.update("embedding", 0, n);
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      List<Embedding> batch = model.embedAll(questions.subList(start, end));
      if (batch == null || batch.size() != end - start) {
        throw new InferenceException(
            "the model returned "
                + (batch == null ? "null" : batch.size() + " embeddings")
                + " for the questions "
                + start
                + ".."
                + (end - 1));
      }
      embeddings.addAll(batch);
      progress.update("embedding", end, n);
    }
    SimilarityFunction function = model.similarityFunction();
    RetrievalMetrics.Accumulator acc = new RetrievalMetrics.Accumulator();
    double[] s = new double[n];
    int queries = 0;
    for (int q = 0; q < n; q++) {
      if (sizes[q] >= 2) {
        queries++;
      }
    }
    int done = 0;
    progress.update("ranking", 0, queries);
    for (int q = 0; q < n; q++) {
      if (sizes[q] < 2) {
        continue;
      }
      Embedding query = embeddings.get(q);
      int best = -1; // the first known duplicate in ranking order
      for (int c = 0; c < n; c++) {
        if (c == q) {
          continue;
        }
        s[c] = query.similarity(embeddings.get(c), function);
        if (groups[c] == groups[q] && (best < 0 || s[c] > s[best])) {
          best = c;
        }
      }
      int firstRank = 1;
      for (int c = 0; c < n; c++) {
        if (c != q && ahead(s, c, best)) {
          firstRank++;
        }
      }
      // Count known duplicates among the top 10 by walking a small sorted prefix.
      int[] top = topK(s, q, n, 10);
      int at1 = 0;
      int at10 = 0;
      for (int r = 0; r < top.length; r++) {
        if (groups[top[r]] == groups[q]) {
          if (r == 0) {
            at1++;
          }
          at10++;
        }
      }
      acc.add(firstRank, at1, at10, sizes[q] - 1);
      done++;
      progress.update("ranking", done, queries);
    }
    return acc.result();
  }

  /**
   * Whether candidate {@code a} ranks before candidate {@code b}: higher score, then lower index.
   */
  private static boolean ahead(double[] s, int a, int b) {
    return s[a] > s[b] || (s[a] == s[b] && a < b);
  }

  /** The indices of the {@code k} best candidates other than {@code q}, best first. */
  private static int[] topK(double[] s, int q, int n, int k) {
    int[] top = new int[Math.max(0, Math.min(k, n - 1))];
    if (top.length == 0) {
      return top;
    }
    int size = 0;
    for (int c = 0; c < n; c++) {
      if (c == q) {
        continue;
      }
      if (size == top.length && !ahead(s, c, top[size - 1])) {
        continue;
      }
      int pos = size == top.length ? size - 1 : size++;
      while (pos > 0 && ahead(s, c, top[pos - 1])) {
        top[pos] = top[pos - 1];
        pos--;
      }
      top[pos] = c;
    }
    return top;
  }
}
