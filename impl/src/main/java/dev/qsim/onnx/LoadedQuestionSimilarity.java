package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.SimilarityFunction;
import dev.qsim.TextRules;
import dev.qsim.duplicates.ExactRepeats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@link QuestionSimilarity} calls of a loaded model ({@link LoadedModel}): the questions are
 * checked, embedded by its encoder and decided by its duplicate decision, and every call holds a
 * permit of the {@link CloseGuard} that frees the model's native memory after the last call. The
 * public type is {@link OnnxQuestionSimilarity}, which adds the loading and the model's files.
 *
 * <p>Thread-safe, as {@link OnnxQuestionSimilarity} states.
 */
abstract sealed class LoadedQuestionSimilarity implements QuestionSimilarity
    permits OnnxQuestionSimilarity {
  /** Questions embedded at a time by {@code findDuplicates} before their vectors go off-heap. */
  private static final int EMBED_CHUNK = 16_384;

  final LoadedModel model;
  final CloseGuard guard;

  LoadedQuestionSimilarity(LoadedModel model) {
    this.model = model;
    this.guard = new CloseGuard("This OnnxQuestionSimilarity", model::close);
  }

  @Override
  public List<Embedding> embedAll(List<String> questions) {
    return embedAll(questions, ProgressListener.NONE);
  }

  /**
   * Embeds questions as {@link #embedAll(List)} does, reporting {@code "embedding"} progress after
   * each batch.
   *
   * @param questions the questions; none null or blank
   * @param progress receives progress updates from the calling thread
   * @return the embeddings, in input order
   */
  public List<Embedding> embedAll(List<String> questions, ProgressListener progress) {
    try (CloseGuard.Permit call = guard.enter()) {
      float[][] vectors = vectors(questions, "questions", progress);
      List<Embedding> out = new ArrayList<>(vectors.length);
      for (float[] v : vectors) {
        out.add(Embedding.of(v));
      }
      return out;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Unreadable here means: at least {@link TextRules#UNREADABLE_SHARE} of the words this model's
   * tokenizer makes of the question (after truncation to {@link #maxSequenceLength()}) hold its
   * unknown token ({@code [UNK]}); see {@link TextRules#isUnreadable(int, int)}.
   */
  @Override
  public List<Readability> readability(List<String> questions) {
    Objects.requireNonNull(questions, "questions");
    for (int i = 0; i < questions.size(); i++) {
      if (questions.get(i) == null) {
        throw new NullPointerException("questions[" + i + "]");
      }
    }
    return List.of(model.encoder().readability(questions));
  }

  @Override
  public Embedding embed(String question) {
    TextRules.checkQuestion(question, "question");
    try (CloseGuard.Permit call = guard.enter()) {
      return Embedding.of(
          model.encoder().encode(List.of(question), i -> "question", ProgressListener.NONE)[0]);
    }
  }

  @Override
  public double similarity(String q1, String q2) {
    requireReadablePair(q1, q2);
    return QuestionSimilarity.super.similarity(q1, q2);
  }

  @Override
  public double duplicateScore(String q1, String q2) {
    requireReadablePair(q1, q2);
    return QuestionSimilarity.super.duplicateScore(q1, q2);
  }

  /** Refuses a blank or unreadable {@code q1} or {@code q2}, naming it as such. */
  private void requireReadablePair(String q1, String q2) {
    TextRules.checkQuestion(q1, "q1");
    TextRules.checkQuestion(q2, "q2");
    model.encoder().requireReadable(List.of(q1, q2), i -> i == 0 ? "q1" : "q2");
  }

  @Override
  public double[] similarities(List<QuestionPair> pairs) {
    return scorePairs(pairs, false);
  }

  @Override
  public double[] duplicateScores(List<QuestionPair> pairs) {
    return scorePairs(pairs, true);
  }

  private double[] scorePairs(List<QuestionPair> pairs, boolean decide) {
    try (CloseGuard.Permit call = guard.enter()) {
      return PairScoring.scores(model, pairs, decide);
    }
  }

  @Override
  public double[] duplicateScores(
      List<QuestionPair> pairs, List<Embedding> firstEmbeddings, List<Embedding> secondEmbeddings) {
    Objects.requireNonNull(pairs, "pairs");
    float[][] first = embeddings(firstEmbeddings, "firstEmbeddings", pairs.size());
    float[][] second = embeddings(secondEmbeddings, "secondEmbeddings", pairs.size());
    Arguments.checkPairs(pairs);
    try (CloseGuard.Permit call = guard.enter()) {
      return model
          .decision()
          .scores(PairScoring.firsts(pairs), PairScoring.seconds(pairs), first, second);
    }
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress) {
    // Held over the search too: the search's ONNX Runtime session runs inside this call.
    try (CloseGuard.Permit call = guard.enter()) {
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(progress, "progress");
      DuplicateSearch search = model.search(options);
      Arguments.checkTexts(questions, "questions");
      ensureOpen();
      // Exact repeats are embedded and searched once, as their first occurrence.
      ExactRepeats repeats = ExactRepeats.of(questions);
      List<String> distinct = repeats.distinctTexts(questions);
      try (VectorStore store = VectorStore.create(distinct.size(), model.metadata().dimension())) {
        embedDistinct(distinct, repeats, store, progress);
        return search.run(store, distinct, repeats, progress);
      }
    }
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
    return findDuplicates(questions, embeddings, options, ProgressListener.NONE);
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions,
      List<Embedding> embeddings,
      DuplicateOptions options,
      ProgressListener progress) {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(options, "options");
    Arguments.checkTexts(questions, "questions");
    DuplicateSearch search = model.search(options);
    // Exact repeats are searched once, with their first occurrence's embedding.
    ExactRepeats repeats = ExactRepeats.of(questions);
    try (CloseGuard.Permit call = guard.enter();
        VectorStore store = VectorStore.create(repeats.distinct(), model.metadata().dimension())) {
      Arguments.copyEmbeddings(embeddings, repeats, store);
      return search.run(store, repeats.distinctTexts(questions), repeats, progress);
    }
  }

  /**
   * Embeds the distinct questions in chunks straight into an off-heap store: the heap holds one
   * chunk's vectors. An unreadable question is refused as {@code questions[i]}, its first index.
   */
  private void embedDistinct(
      List<String> distinct, ExactRepeats repeats, VectorStore store, ProgressListener progress) {
    int n = distinct.size();
    for (int from = 0; from < n; from += EMBED_CHUNK) {
      int to = Math.min(n, from + EMBED_CHUNK);
      int offset = from;
      float[][] chunk =
          model
              .encoder()
              .encode(
                  distinct.subList(from, to),
                  i -> "questions[" + repeats.first(offset + i) + "]",
                  (stage, done, total) -> progress.update(stage, offset + done, n));
      for (int i = 0; i < chunk.length; i++) {
        store.set(from + i, chunk[i]);
      }
    }
  }

  /** The model's duplicate decision (for tests in this package). */
  PairDecision pairDecision() {
    return model.decision();
  }

  @Override
  public List<Match> mostSimilar(String query, List<String> candidates, int k) {
    try (CloseGuard.Permit call = guard.enter()) {
      TextRules.checkQuestion(query, "query");
      Arguments.checkTexts(candidates, "candidates");
      Arguments.atLeastOne("k", k);
      List<String> all = new ArrayList<>(candidates.size() + 1);
      all.add(query);
      all.addAll(candidates);
      float[][] vectors =
          model
              .encoder()
              .encode(
                  all,
                  i -> i == 0 ? "query" : "candidates[" + (i - 1) + "]",
                  ProgressListener.NONE);
      List<float[]> rest = Arrays.asList(vectors).subList(1, vectors.length);
      return BestMatches.of(model, query, vectors[0], candidates, rest, k);
    }
  }

  @Override
  public List<Match> mostSimilar(
      String query,
      Embedding queryEmbedding,
      List<String> candidates,
      List<Embedding> candidateEmbeddings,
      int k) {
    TextRules.checkQuestion(query, "query");
    Objects.requireNonNull(queryEmbedding, "queryEmbedding");
    float[] q = embeddings(List.of(queryEmbedding), "queryEmbedding", 1)[0];
    Arguments.checkTexts(candidates, "candidates");
    float[][] vectors = embeddings(candidateEmbeddings, "candidateEmbeddings", candidates.size());
    Arguments.atLeastOne("k", k);
    try (CloseGuard.Permit call = guard.enter()) {
      return BestMatches.of(model, query, q, candidates, Arrays.asList(vectors), k);
    }
  }

  @Override
  public SimilarityFunction similarityFunction() {
    ensureOpen();
    return model.metadata().similarityFunction();
  }

  @Override
  public double similarityThreshold() {
    ensureOpen();
    return model.metadata().similarityThreshold();
  }

  @Override
  public double candidateThreshold() {
    ensureOpen();
    return model.candidateThreshold();
  }

  @Override
  public DuplicateDecision decision() {
    ensureOpen();
    return model.decision().kind();
  }

  @Override
  public boolean hasPairHead() {
    ensureOpen();
    return model.pairHeadDecision() != null;
  }

  @Override
  public DuplicateOptions resolve(DuplicateOptions options) {
    ensureOpen();
    return model.search(Objects.requireNonNull(options, "options")).resolvedOptions();
  }

  @Override
  public double duplicateThreshold() {
    ensureOpen();
    return model.decision().threshold();
  }

  @Override
  public int dimension() {
    ensureOpen();
    return model.metadata().dimension();
  }

  @Override
  public int maxSequenceLength() {
    ensureOpen();
    return model.encoder().maxLength();
  }

  /**
   * Refuses new calls and frees the native memory once the calls in flight have returned (at once
   * if there are none). Idempotent; does not wait.
   */
  @Override
  public void close() {
    guard.close();
  }

  /** Whether the native memory has been freed: closed, and no call in flight any more. */
  boolean isReleased() {
    return guard.isReleased();
  }

  private float[][] vectors(List<String> questions, String argument, ProgressListener progress) {
    Arguments.checkTexts(questions, argument);
    return model.encoder().encode(questions, i -> argument + "[" + i + "]", progress);
  }

  private float[][] embeddings(List<Embedding> embeddings, String argument, int expected) {
    return Arguments.checkEmbeddings(embeddings, argument, expected, model.metadata().dimension());
  }

  void ensureOpen() {
    guard.ensureOpen();
  }
}
