package dev.qsim.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.qsim.QuestionSimilarity;
import dev.qsim.TextRules;
import java.util.ArrayList;
import java.util.List;

/**
 * qsim as a LangChain4j {@link EmbeddingModel}: the vectors are exactly those of qsim's own {@link
 * QuestionSimilarity#embedAll(List)} (for the bundled default, all-MiniLM-L6-v2 fine-tuned on Quora
 * question pairs, 384 dimensions, unit length), so an embedding store filled through this model can
 * be searched with qsim's {@code mostSimilar} and the other way round.
 *
 * <pre>{@code
 * EmbeddingModel embeddingModel = new QsimEmbeddingModel();   // was: new AllMiniLmL6V2EmbeddingModel()
 * }</pre>
 *
 * <p><b>Batches.</b> {@link #embedAll(List)} hands all segments to qsim in one call, which
 * tokenises them together and runs them in length-sorted batches on every core; {@code embed(...)}
 * of one text goes through the same call.
 *
 * <p><b>Inputs.</b> qsim's text rules apply: a null segment throws {@link NullPointerException} and
 * a blank one ({@link TextRules#isBlankQuestion(CharSequence)}: no visible character, which
 * includes text made only of zero-width or no-break spaces that LangChain4j's {@link TextSegment}
 * accepts) throws {@link IllegalArgumentException}, each naming the index ({@code
 * textSegments[3]}); a text the model cannot read (emoji only, a script it does not know) throws
 * {@link dev.qsim.UnreadableQuestionException} naming the index. Nothing is embedded when one
 * segment is refused. Texts longer than the model's {@link QuestionSimilarity#maxSequenceLength()}
 * tokens are truncated. No token usage is reported.
 *
 * <p><b>Ownership.</b> {@link #QsimEmbeddingModel()} opens the bundled model and {@link #close()}
 * closes it. {@link #QsimEmbeddingModel(QuestionSimilarity)} runs on the caller's model, which
 * stays the caller's: {@link #close()} leaves it open, so one loaded model can serve this class, a
 * {@link QsimScoringModel} and qsim's own API at once.
 *
 * <p><b>Thread safety.</b> Thread-safe, as qsim's models are: share one instance between all
 * threads. After {@link #close()} (idempotent) every call throws {@link IllegalStateException};
 * calls already inside the model finish normally.
 */
public final class QsimEmbeddingModel implements EmbeddingModel, AutoCloseable {
  /** Package-private for tests. */
  final BackingModel model;

  /**
   * Opens qsim's bundled default model ({@link dev.qsim.onnx.OnnxQuestionSimilarity#bundled()}): no
   * files, no network. It takes seconds and holds native memory, so create one and share it; {@link
   * #close()} frees it.
   *
   * @throws dev.qsim.ModelLoadException if the model's resources or native libraries are missing
   */
  public QsimEmbeddingModel() {
    this.model = BackingModel.bundled("QsimEmbeddingModel");
  }

  /**
   * Embeds with an already loaded qsim model (a model directory of your own, say, or the one that
   * also serves a {@link QsimScoringModel}). The model stays the caller's: close it after the last
   * use of this one; {@link #close()} does not.
   *
   * @param similarity the model to embed with
   * @throws NullPointerException if {@code similarity} is null
   */
  public QsimEmbeddingModel(QuestionSimilarity similarity) {
    this.model = BackingModel.borrowed(similarity, "QsimEmbeddingModel");
  }

  /**
   * Embeds the segments' texts in one batched call into qsim.
   *
   * @param textSegments the segments; none null or blank
   * @return one embedding per segment, in input order
   * @throws NullPointerException if the list or a segment is null (naming the index)
   * @throws IllegalArgumentException if a segment is blank or unreadable (naming the index)
   * @throws IllegalStateException if this model was closed
   * @throws dev.qsim.InferenceException if the encoder fails
   */
  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
    List<String> texts = BackingModel.texts(textSegments, "textSegments");
    QuestionSimilarity similarity = model.get();
    List<dev.qsim.Embedding> vectors =
        BackingModel.renamingUnreadable(
            () -> similarity.embedAll(texts),
            argument -> argument.replace("questions[", "textSegments["));
    List<Embedding> out = new ArrayList<>(vectors.size());
    for (dev.qsim.Embedding v : vectors) {
      out.add(Embedding.from(v.vector()));
    }
    return Response.from(out);
  }

  /**
   * The number of dimensions of every embedding, from the model (nothing is embedded to find it).
   *
   * @return the embedding dimension (384 for the bundled model)
   * @throws IllegalStateException if this model was closed
   */
  @Override
  public int dimension() {
    return model.get().dimension();
  }

  /**
   * The qsim model's name, as its model directory's metadata records it (for the bundled default,
   * {@code "all-MiniLM-L6-v2 fine-tuned on Quora"}); {@code "unknown"}, LangChain4j's default, for
   * a {@link QuestionSimilarity} other than qsim's {@code OnnxQuestionSimilarity}.
   *
   * @return the model's name
   */
  @Override
  public String modelName() {
    return model.name();
  }

  /**
   * Refuses further calls and, if this instance opened the model ({@link #QsimEmbeddingModel()}),
   * closes it; a model passed to the constructor stays open. Idempotent.
   */
  @Override
  public void close() {
    model.close();
  }
}
