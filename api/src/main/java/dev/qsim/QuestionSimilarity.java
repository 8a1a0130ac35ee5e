package dev.qsim;

import java.util.List;

/**
 * Tells whether questions mean the same thing. One encoder — the same weights for every question,
 * the two branches of a siamese network — turns each question into an {@link Embedding}; a {@link
 * SimilarityFunction} compares two embeddings; a calibrated threshold (or the model's learned pair
 * head) turns a score into a duplicate decision.
 *
 * <p>{@link #embedAll(List)} does the work in batches; the single-question and single-pair methods
 * are conveniences built on the batch methods.
 *
 * <p><b>Inputs.</b> Questions must be non-null ({@link NullPointerException} naming the argument or
 * index) and not blank ({@link IllegalArgumentException} naming the argument or index). Blank means
 * no visible character ({@link TextRules#isBlankQuestion(CharSequence)}): white space, but also
 * text made only of no-break spaces, zero-width characters, byte-order marks or control characters.
 * A question the model cannot read ({@link #readability(List)}: at least {@link
 * TextRules#UNREADABLE_SHARE} of its words unknown to the model's tokenizer, such as emoji only or
 * a script the model does not know) is refused like a blank one, with an {@link
 * UnreadableQuestionException} (an {@link IllegalArgumentException}) naming the argument or index:
 * it is never embedded or scored, so two such questions are never called duplicates. Questions
 * longer than {@link #maxSequenceLength()} tokens are truncated, never rejected. Any other Unicode
 * text is accepted.
 *
 * <p><b>Text rules.</b> {@link TextRules}, with {@link #readability(List)}, is the one rule set of
 * qsim: the API's argument checks, the command line's question files, a question index and the
 * Spark jobs all call it.
 *
 * <p><b>Thread safety.</b> Implementations are thread-safe: one instance should be shared by all
 * threads of an application. {@link #close()} releases native memory; calls after it throw {@link
 * IllegalStateException}.
 */
public interface QuestionSimilarity extends AutoCloseable {

  /**
   * Embeds questions, in batches. The result has one embedding per question, in input order.
   *
   * @param questions the questions; none null or blank
   * @return the embeddings, {@code result.get(i)} for {@code questions.get(i)}
   * @throws NullPointerException if the list or an element is null (naming the index)
   * @throws IllegalArgumentException if an element is blank (naming the index)
   * @throws UnreadableQuestionException if an element is unreadable (naming the index)
   * @throws InferenceException if the encoder fails
   */
  List<Embedding> embedAll(List<String> questions);

  /**
   * Embeds one question.
   *
   * @param question the question; not null or blank
   * @return its embedding
   */
  default Embedding embed(String question) {
    return embedAll(List.of(TextRules.checkQuestion(question, "question"))).get(0);
  }

  /**
   * The similarity of each pair, in the model's {@link #similarityFunction()}. Symmetric: swapping
   * a pair's questions gives the same score. Questions repeated across pairs are embedded once.
   *
   * @param pairs the pairs to score
   * @return one score per pair, in input order
   */
  double[] similarities(List<QuestionPair> pairs);

  /**
   * The similarity of two questions in the model's {@link #similarityFunction()}; for the default
   * cosine, {@code 1} for a question compared with itself.
   *
   * @param q1 the first question
   * @param q2 the second question
   * @return their similarity; symmetric in {@code q1} and {@code q2}
   */
  default double similarity(String q1, String q2) {
    return similarities(
        List.of(
            new QuestionPair(
                TextRules.checkQuestion(q1, "q1"), TextRules.checkQuestion(q2, "q2"))))[0];
  }

  /**
   * The score that the duplicate decision thresholds, per pair: the pair head's duplicate
   * probability when the model decides with its pair head ({@link #decision()}), else the {@link
   * #similarities(List) similarity}. Symmetric. Every duplicate decision of this interface goes
   * through the same scores.
   *
   * @param pairs the pairs to score
   * @return one score per pair, in input order
   */
  double[] duplicateScores(List<QuestionPair> pairs);

  /**
   * The decision scores of pairs whose embeddings the caller already holds (from {@link
   * #embedAll(List)}, stored in a database or an index): nothing is embedded again. The texts are
   * read only by decisions that look at both texts; the scores equal {@link #duplicateScores(List)}
   * of the same pairs.
   *
   * @param pairs the pairs' texts
   * @param firstEmbeddings {@code firstEmbeddings.get(i)} is the embedding of {@code
   *     pairs.get(i).first()}
   * @param secondEmbeddings {@code secondEmbeddings.get(i)} is the embedding of {@code
   *     pairs.get(i).second()}
   * @return one score per pair, in input order
   * @throws IllegalArgumentException if the lists differ in size or an embedding's dimension is not
   *     {@link #dimension()} (naming the index)
   */
  double[] duplicateScores(
      List<QuestionPair> pairs, List<Embedding> firstEmbeddings, List<Embedding> secondEmbeddings);

  /**
   * The duplicate score of one pair; see {@link #duplicateScores(List)}.
   *
   * @param q1 the first question
   * @param q2 the second question
   * @return the score that {@link #isDuplicate(String, String)} compares with {@link
   *     #duplicateThreshold()}
   */
  default double duplicateScore(String q1, String q2) {
    return duplicateScores(
        List.of(
            new QuestionPair(
                TextRules.checkQuestion(q1, "q1"), TextRules.checkQuestion(q2, "q2"))))[0];
  }

  /**
   * Whether two questions mean the same thing, by the model's own calibrated decision: {@code
   * duplicateScore(q1, q2) >= duplicateThreshold()}. {@link #findDuplicates(List)}, {@link
   * #mostSimilar(String, List, int)} and a question index decide the same way.
   *
   * @param q1 the first question
   * @param q2 the second question
   * @return {@code true} if the model judges them duplicates
   */
  default boolean isDuplicate(String q1, String q2) {
    return duplicateScore(q1, q2) >= duplicateThreshold();
  }

  /**
   * Finds the duplicate pairs in a list and groups them, without building an N×N matrix: candidate
   * pairs by embedding similarity (at least {@link #candidateThreshold()}), each verified by the
   * duplicate decision; groups never chain (see {@link DuplicateGroup}).
   *
   * @param questions the list to search; none null or blank
   * @param options decision, thresholds, search, per-question top-k and cap on pairs
   * @return pairs highest first and the groups they form
   */
  default Duplicates findDuplicates(List<String> questions, DuplicateOptions options) {
    return findDuplicates(questions, options, ProgressListener.NONE);
  }

  /**
   * Finds duplicates with {@link DuplicateOptions#defaults()}: the model's own decision at its
   * calibrated thresholds.
   *
   * @param questions the list to search
   * @return pairs highest first and the groups they form
   */
  default Duplicates findDuplicates(List<String> questions) {
    return findDuplicates(questions, DuplicateOptions.defaults());
  }

  /**
   * Finds duplicates as {@link #findDuplicates(List, DuplicateOptions)} does, reporting progress of
   * the {@code "embedding"}, {@code "searching"}, {@code "verifying"} and {@code "grouping"} stages
   * (an approximate search reports {@code "clustering"} and {@code "assigning"} before {@code
   * "searching"}).
   *
   * @param questions the list to search
   * @param options decision, thresholds, search, per-question top-k and cap on pairs
   * @param progress receives the stages' updates
   * @return pairs highest first and the groups they form
   */
  Duplicates findDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress);

  /**
   * Finds duplicates among questions whose embeddings the caller already holds: as {@link
   * #findDuplicates(List, DuplicateOptions)}, without embedding anything.
   *
   * @param questions the questions' texts
   * @param embeddings {@code embeddings.get(i)} is the embedding of {@code questions.get(i)}
   * @param options decision, thresholds, search, per-question top-k and cap on pairs
   * @return pairs highest first and the groups they form
   * @throws IllegalArgumentException if the lists differ in size or an embedding has the wrong
   *     dimension (naming the index)
   */
  Duplicates findDuplicates(
      List<String> questions, List<Embedding> embeddings, DuplicateOptions options);

  /**
   * Finds duplicates among questions whose embeddings the caller already holds, as {@link
   * #findDuplicates(List, List, DuplicateOptions)} does, reporting the stages that {@link
   * #findDuplicates(List, DuplicateOptions, ProgressListener)} reports after embedding. The
   * embeddings are read once, in order, so {@code embeddings} may be a list that computes or loads
   * each element on demand. This default reports nothing.
   *
   * @param questions the questions' texts
   * @param embeddings {@code embeddings.get(i)} is the embedding of {@code questions.get(i)}
   * @param options decision, thresholds, search, per-question top-k and cap on pairs
   * @param progress receives the stages' updates
   * @return pairs highest first and the groups they form
   * @throws IllegalArgumentException if the lists differ in size or an embedding has the wrong
   *     dimension (naming the index)
   */
  default Duplicates findDuplicates(
      List<String> questions,
      List<Embedding> embeddings,
      DuplicateOptions options,
      ProgressListener progress) {
    return findDuplicates(questions, embeddings, options);
  }

  /**
   * The {@code k} candidates most similar to a query by embedding similarity, highest first (ties
   * by lower index), each marked with the duplicate decision on (query, candidate).
   *
   * @param query the question to match
   * @param candidates where to look
   * @param k how many to return, at least 1; fewer come back if there are fewer candidates
   * @return the best matches with their indices in {@code candidates}
   */
  List<Match> mostSimilar(String query, List<String> candidates, int k);

  /**
   * As {@link #mostSimilar(String, List, int)}, for a query and candidates whose embeddings the
   * caller already holds: nothing is embedded.
   *
   * @param query the query's text
   * @param queryEmbedding its embedding
   * @param candidates the candidates' texts
   * @param candidateEmbeddings {@code candidateEmbeddings.get(i)} is the embedding of {@code
   *     candidates.get(i)}
   * @param k how many to return, at least 1
   * @return the best matches with their indices in {@code candidates}
   */
  List<Match> mostSimilar(
      String query,
      Embedding queryEmbedding,
      List<String> candidates,
      List<Embedding> candidateEmbeddings,
      int k);

  /**
   * How this model compares embeddings.
   *
   * @return the model's similarity function
   */
  SimilarityFunction similarityFunction();

  /**
   * The calibrated similarity threshold: pairs at or above it are duplicates by similarity alone
   * (the {@link DuplicateDecision#SIMILARITY} decision).
   *
   * @return the threshold, in the range of {@link #similarityFunction()}
   */
  double similarityThreshold();

  /**
   * The recall-oriented similarity threshold for candidate retrieval: {@link #findDuplicates(List)}
   * and a question index verify only pairs at or above it. Calibrated so that nearly all pairs the
   * decision accepts lie above it (see {@code docs/model-format.md}); never above {@link
   * #similarityThreshold()}.
   *
   * @return the candidate threshold, in the range of {@link #similarityFunction()}
   */
  double candidateThreshold();

  /**
   * The decision this model uses by default: {@link DuplicateDecision#VERIFIER} when it has an
   * enabled cross-encoder verifier, else {@link DuplicateDecision#PAIR_HEAD} when it has an enabled
   * pair head, else {@link DuplicateDecision#SIMILARITY}. Never {@code AUTO}.
   *
   * @return the resolved decision
   */
  DuplicateDecision decision();

  /**
   * The threshold {@link #isDuplicate(String, String)} applies to {@link #duplicateScore(String,
   * String)}: the verifier's or the pair head's calibrated probability threshold if the model
   * decides with one of them, else {@link #similarityThreshold()}.
   *
   * @return the decision threshold
   */
  double duplicateThreshold();

  /**
   * Whether the model carries an enabled pair head (a classifier over both embeddings), alone or
   * with a verifier: then {@link DuplicateDecision#PAIR_HEAD} is a decision {@link
   * #findDuplicates(List, DuplicateOptions)} accepts. This default knows only {@link #decision()}:
   * {@code true} for {@link DuplicateDecision#PAIR_HEAD} and {@link DuplicateDecision#CASCADE}
   * (whose scores are on the pair head's scale); implementations that know more override it.
   *
   * @return {@code true} if the model has an enabled pair head
   */
  default boolean hasPairHead() {
    DuplicateDecision d = decision();
    return d == DuplicateDecision.PAIR_HEAD || d == DuplicateDecision.CASCADE;
  }

  /**
   * The options as this model applies them to {@link #findDuplicates(List, DuplicateOptions)}: the
   * decision never {@link DuplicateDecision#AUTO} (what it becomes for this model), its threshold
   * and the candidate threshold set to the values the search will use; the other components
   * unchanged. Nothing is searched; a caller that scores and verifies pairs itself (a distributed
   * job, an index) decides exactly as {@code findDuplicates} does.
   *
   * <p>This default asks {@code findDuplicates} about an empty list; implementations override it.
   *
   * @param options the options to resolve
   * @return the resolved options: {@code decision()} is not {@code AUTO}, {@code threshold()} and
   *     {@code candidateThreshold()} are present
   * @throws IllegalArgumentException if the options do not fit the model (a decision it does not
   *     have, a threshold outside the decision's range), as {@code findDuplicates} reports it
   */
  default DuplicateOptions resolve(DuplicateOptions options) {
    Duplicates none = findDuplicates(List.of(), List.of(), options);
    return options
        .withDecision(none.decision())
        .withThreshold(none.threshold())
        .withCandidateThreshold(none.candidateThreshold());
  }

  /**
   * The number of dimensions of every embedding.
   *
   * @return the embedding dimension
   */
  int dimension();

  /**
   * The most tokens (special tokens included) the encoder reads of a question; longer questions are
   * truncated.
   *
   * @return the maximum sequence length
   */
  int maxSequenceLength();

  /**
   * Releases the encoder's native memory. Idempotent; any other call afterwards throws {@link
   * IllegalStateException}.
   */
  @Override
  void close();

  /**
   * What the text rules make of each question: {@link Readability#BLANK} by {@link
   * TextRules#isBlankQuestion(CharSequence)}, {@link Readability#UNREADABLE} when at least {@link
   * TextRules#UNREADABLE_SHARE} of its words are unknown to this model's tokenizer ({@link
   * TextRules#isUnreadable(int, int)}), else {@link Readability#READABLE}. The questions that every
   * other method refuses are exactly those that are not {@code READABLE}; callers that read many
   * questions (a file, a dataset) use this to skip and count them instead.
   *
   * <p>This default knows no tokenizer: it finds blank questions only. Implementations with a
   * tokenizer override it.
   *
   * @param questions the questions, raw or stripped; none null
   * @return one verdict per question, in input order
   * @throws NullPointerException if the list or an element is null (naming the index)
   */
  default List<Readability> readability(List<String> questions) {
    java.util.Objects.requireNonNull(questions, "questions");
    List<Readability> out = new java.util.ArrayList<>(questions.size());
    for (int i = 0; i < questions.size(); i++) {
      String q = questions.get(i);
      if (q == null) {
        throw new NullPointerException("questions[" + i + "]");
      }
      out.add(TextRules.isBlankQuestion(q) ? Readability.BLANK : Readability.READABLE);
    }
    return out;
  }
}
