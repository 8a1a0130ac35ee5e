package dev.qsim.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.model.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A siamese encoder that DJL can train: ONE block applied to both questions of a pair, whose
 * weights are therefore shared by the two branches.
 *
 * <p>The block's forward takes {@code NDList(inputIds, attentionMask)} — both int64 {@code [batch,
 * tokens]}, padded with id 0 and mask 0 — and returns {@code NDList(embeddings)}, float32 {@code
 * [batch, dimension]}: pooled, and L2-normalised when {@link #normalize()} is true, exactly as the
 * exported model will be served by {@code qsim-impl}.
 *
 * <p>Implementations are not thread-safe: one training loop owns an encoder.
 */
public interface TrainableEncoder extends AutoCloseable {

  /**
   * A frozen encoder to train a pair head over, as {@code qsim-train --encoder frozen-minilm} does:
   * the trainer's loop trains only the head, and the exported model keeps the frozen encoder and
   * tokenizer. Every question is embedded once by {@code qsim-impl} (with a model's own tokenizer
   * and length), when the trainer starts.
   *
   * @param modelDirectory the model directory whose encoder to freeze, or {@code null} for the
   *     bundled base model (plain all-MiniLM-L6-v2)
   * @param cacheDir where embeddings are cached between runs, or {@code null} for no cache
   * @return the encoder, which owns and closes the model it opened
   * @throws dev.qsim.ModelLoadException if the model cannot be loaded
   */
  static TrainableEncoder frozen(Path modelDirectory, Path cacheDir) {
    return FrozenEncoder.open(null, modelDirectory, cacheDir, null);
  }

  /**
   * The block to train (initialised, with its parameters attached to a model's manager by the
   * caller).
   *
   * @return the encoder block
   */
  Block block();

  /**
   * The embedding size the block produces.
   *
   * @return the dimension
   */
  int dimension();

  /**
   * Whether the block L2-normalises its output (recorded as {@code normalize} in the model
   * metadata).
   *
   * @return {@code true} if embeddings are unit length
   */
  boolean normalize();

  /**
   * Writes the trained encoder as an ONNX file that {@code qsim-impl} serves with pooling {@code
   * none} or {@code mean} as {@link #exportedPooling()} says. The file's inputs are a subset of
   * {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 [batch, tokens]).
   *
   * @param onnxFile where to write the encoder (inside a temporary model directory)
   */
  void exportOnnx(Path onnxFile);

  /**
   * The {@code pooling} value of the exported model's metadata: {@code none} if the ONNX graph
   * itself pools (and normalises when {@link #normalize()}), {@code mean} if it outputs token
   * vectors.
   *
   * @return {@code none}, {@code mean} or {@code cls}
   */
  String exportedPooling();

  /**
   * Turns questions into the token ids this encoder's block reads (padding and the attention mask
   * are added per batch). By default the tokenizer's ids; an encoder over precomputed vectors
   * returns one id per question.
   *
   * @param tokenizer the trainer's tokenizer
   * @param questions the questions
   * @return one id sequence per question
   */
  default long[][] encode(QuestionTokenizer tokenizer, List<String> questions) {
    return tokenizer.encode(questions);
  }

  /**
   * Whether the block reads both questions of a pair in one sequence and outputs one logit per pair
   * (a cross-encoder, trained with binary cross-entropy and exported as a verifier) instead of one
   * embedding per question. Then the trainer tokenises pairs with {@link #encodePairs}, pads them
   * with {@link #inputs} and scores pairs by the logit's probability, each pair read in {@code
   * PairOrder}.
   *
   * @return {@code false} by default
   */
  default boolean readsPairs() {
    return false;
  }

  /**
   * For a cross-encoder ({@link #readsPairs()}): the token ids of each pair read in the order
   * given, one sequence per pair.
   *
   * @param tokenizer the trainer's tokenizer
   * @param first the first question of each pair
   * @param second the second question of each pair
   * @return one id sequence per pair
   */
  default long[][] encodePairs(
      QuestionTokenizer tokenizer, List<String> first, List<String> second) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " reads one question");
  }

  /**
   * Pads id sequences into the block's inputs; by default {@code NDList(inputIds, attentionMask)}.
   *
   * @param manager where the arrays live
   * @param sequences the id sequences of one batch
   * @return the block's inputs
   */
  default NDList inputs(NDManager manager, List<long[]> sequences) {
    return QuestionTokenizer.toInputs(manager, sequences);
  }

  /**
   * For a cross-encoder: the verifier file {@link #exportInto} writes, which the exporter records
   * in the metadata; {@code null} otherwise.
   *
   * @return the file name, or {@code null}
   */
  default String verifierFile() {
    return null;
  }

  /**
   * Writes the model directory's files other than the metadata: the ONNX encoder and the tokenizer
   * (by default {@link #exportOnnx} and the trainer's tokenizer), and returns the metadata
   * builder's encoder facts (pooling, normalisation, dimension, max length, output).
   *
   * @param directory the temporary model directory
   * @param tokenizer the trainer's tokenizer
   * @return a builder holding the encoder's facts
   * @throws IOException if a file cannot be written
   */
  default ModelMetadataBuilder exportInto(Path directory, QuestionTokenizer tokenizer)
      throws IOException {
    exportOnnx(directory.resolve("model.onnx"));
    Files.write(directory.resolve("tokenizer.json"), tokenizer.json());
    return ModelMetadata.builder()
        .pooling(Pooling.fromId(exportedPooling()))
        .normalize(normalize())
        .dimension(dimension())
        .maxSequenceLength(tokenizer.maxLength());
  }

  @Override
  void close();
}
