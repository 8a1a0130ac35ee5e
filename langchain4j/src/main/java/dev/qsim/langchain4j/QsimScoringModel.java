package dev.qsim.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.TextRules;
import java.util.ArrayList;
import java.util.List;

/**
 * qsim's duplicate decision as a LangChain4j {@link ScoringModel}, for re-ranking retrieved
 * segments (a {@code ReRankingContentAggregator}, say): the score of a segment is qsim's {@link
 * QuestionSimilarity#duplicateScores(List) duplicate score} of (query, segment), the score the
 * model's own decision thresholds, whatever that decision is: the pair head's probability for the
 * bundled model, the cascade's for a model with a cross-encoder verifier, the similarity for a
 * model that decides by similarity alone. A segment is a duplicate of the query when its score is
 * at least {@link #duplicateThreshold()}, exactly as {@link QuestionSimilarity#isDuplicate(String,
 * String)} decides, so {@code minScore(scoringModel.duplicateThreshold())} keeps the duplicates
 * only.
 *
 * <p><b>Batches.</b> {@link #scoreAll(List, String)} scores all segments in one call into qsim; the
 * query is embedded once, and texts repeated among the segments once.
 *
 * <p><b>Inputs.</b> A null or blank query ({@link TextRules#isBlankQuestion(CharSequence)}) throws
 * {@link NullPointerException} or {@link IllegalArgumentException} naming {@code query}; a null or
 * blank segment throws naming its index ({@code segments[2]}); an unreadable one ({@link
 * dev.qsim.UnreadableQuestionException}) names {@code query} or the segment's index. Nothing is
 * scored when one is refused.
 *
 * <p><b>Ownership.</b> As {@link QsimEmbeddingModel}: {@link #QsimScoringModel()} opens the bundled
 * model and {@link #close()} closes it; a model passed to {@link
 * #QsimScoringModel(QuestionSimilarity)} stays the caller's.
 *
 * <p><b>Thread safety.</b> Thread-safe: share one instance between all threads. After {@link
 * #close()} (idempotent) every call throws {@link IllegalStateException}.
 */
public final class QsimScoringModel implements ScoringModel, AutoCloseable {
  /** Package-private for tests. */
  final BackingModel model;

  /**
   * Opens qsim's bundled default model (pair head over the fine-tuned all-MiniLM-L6-v2); {@link
   * #close()} frees it.
   *
   * @throws dev.qsim.ModelLoadException if the model's resources or native libraries are missing
   */
  public QsimScoringModel() {
    this.model = BackingModel.bundled("QsimScoringModel");
  }

  /**
   * Scores with an already loaded qsim model, which stays the caller's: close it after the last use
   * of this one; {@link #close()} does not.
   *
   * @param similarity the model whose duplicate decision scores
   * @throws NullPointerException if {@code similarity} is null
   */
  public QsimScoringModel(QuestionSimilarity similarity) {
    this.model = BackingModel.borrowed(similarity, "QsimScoringModel");
  }

  /**
   * The duplicate score of the query against each segment, in one batched call into qsim.
   *
   * @param segments the segments to score; none null or blank
   * @param query the query; not null or blank
   * @return one score per segment, in input order; higher means more likely the same question
   * @throws NullPointerException if an argument or a segment is null (naming it)
   * @throws IllegalArgumentException if the query or a segment is blank or unreadable (naming it)
   * @throws IllegalStateException if this model was closed
   * @throws dev.qsim.InferenceException if the model fails
   */
  @Override
  public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
    TextRules.checkQuestion(query, "query");
    List<String> texts = BackingModel.texts(segments, "segments");
    QuestionSimilarity similarity = model.get();
    List<QuestionPair> pairs = new ArrayList<>(texts.size());
    for (String text : texts) {
      pairs.add(new QuestionPair(query, text));
    }
    double[] scores =
        BackingModel.renamingUnreadable(
            () -> similarity.duplicateScores(pairs), QsimScoringModel::callersArgument);
    List<Double> out = new ArrayList<>(scores.length);
    for (double s : scores) {
      out.add(s);
    }
    return Response.from(out);
  }

  /**
   * The score at and above which a segment is a duplicate of the query: qsim's {@link
   * QuestionSimilarity#duplicateThreshold()}, for LangChain4j's {@code minScore}.
   *
   * @return the model's calibrated decision threshold
   * @throws IllegalStateException if this model was closed
   */
  public double duplicateThreshold() {
    return model.get().duplicateThreshold();
  }

  /**
   * Refuses further calls and, if this instance opened the model ({@link #QsimScoringModel()}),
   * closes it; a model passed to the constructor stays open. Idempotent.
   */
  @Override
  public void close() {
    model.close();
  }

  /** {@code pairs[i].first} is the query, {@code pairs[i].second} segment {@code i}. */
  private static String callersArgument(String argument) {
    if (argument.startsWith("pairs[") && argument.endsWith("].first")) {
      return "query";
    }
    if (argument.startsWith("pairs[") && argument.endsWith("].second")) {
      return "segments[" + argument.substring("pairs[".length(), argument.indexOf(']')) + "]";
    }
    return argument;
  }
}
