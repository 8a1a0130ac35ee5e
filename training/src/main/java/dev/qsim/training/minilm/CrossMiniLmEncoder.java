package dev.qsim.training.minilm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.onnx.BundledModel;
import dev.qsim.quantize.VerifierGraph;
import dev.qsim.training.QuestionTokenizer;
import dev.qsim.training.TrainableEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A cross-encoder verifier initialised from the bundled all-MiniLM-L6-v2 (or another ONNX file of
 * its layout): the transformer reads both questions of a pair in one sequence, {@code [CLS] q1
 * [SEP] q2 [SEP]} with token types 0 then 1, and a linear layer over the mean of its token vectors
 * gives one logit ({@link CrossBlock}). Trained by the same {@code SiameseTrainer} loop as every
 * encoder ({@link #readsPairs()} is {@code true}: one logit per pair, binary cross-entropy).
 *
 * <p>The export writes a model directory that is the base bi-encoder model (the bundled model, or
 * {@link Builder#optBaseModel}) unchanged — encoder, tokenizer, pair head and thresholds, so that
 * retrieval stays on the bi-encoder — plus {@value #VERIFIER_FILE}: the source ONNX graph with the
 * trained weights and the pooling and classifier appended, inputs {@code input_ids}, {@code
 * attention_mask}, {@code token_type_ids}, output {@value #OUTPUT} float32 {@code [batch, 1]}.
 *
 * <p>Not thread-safe: one training loop owns an encoder. Closing it frees the parameters.
 */
public final class CrossMiniLmEncoder implements TrainableEncoder {
  /** The verifier's file name inside a model directory. */
  public static final String VERIFIER_FILE = "verifier.onnx";

  /** The exported graph's output: one logit per pair, {@code [batch, 1]}. */
  public static final String OUTPUT = VerifierGraph.OUTPUT;

  private final MiniLmEncoder encoder;
  private final CrossBlock block;
  private final BaseModelFiles base;

  private CrossMiniLmEncoder(Builder b) {
    this.base = BaseModelFiles.of(b.bundledBase, b.baseModel);
    this.encoder = b.encoder.build();
    try {
      int hidden = encoder.dimension();
      float[] w = new float[hidden];
      float b0 = 0f;
      float[] start = encoder.sourceClassifier();
      if (start != null && start.length == hidden + 1) {
        System.arraycopy(start, 0, w, 0, hidden); // continuing a verifier: its classifier too
        b0 = start[hidden];
      } else if (start != null) {
        throw new ModelLoadException(
            encoder.source()
                + ": its classifier has "
                + (start.length - 1)
                + " weights, not "
                + hidden);
      } else {
        Random random = new Random(b.seed);
        for (int i = 0; i < hidden; i++) {
          w[i] = (float) (random.nextGaussian() * 0.02);
        }
      }
      NDManager manager = encoder.manager();
      NDArray weight = manager.create(w, new Shape(1, hidden));
      NDArray bias = manager.create(new float[] {b0}, new Shape(1));
      this.block = new CrossBlock(encoder.miniLmBlock(), weight, bias, b.dropout);
      block.initialize(
          manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  /**
   * A builder: the bundled weights, dropout 0.1, nothing frozen, the bundled model as the base.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public int dimension() {
    return encoder.dimension();
  }

  @Override
  public boolean normalize() {
    return false;
  }

  @Override
  public boolean readsPairs() {
    return true;
  }

  @Override
  public String verifierFile() {
    return VERIFIER_FILE;
  }

  @Override
  public long[][] encodePairs(
      QuestionTokenizer tokenizer, List<String> first, List<String> second) {
    return tokenizer.encodePairs(first, second);
  }

  /**
   * Pads pair sequences into {@code NDList(inputIds, attentionMask, tokenTypeIds)}: type 0 up to
   * and including the first {@code [SEP]} (the last id of every sequence), 1 after it.
   */
  @Override
  public NDList inputs(NDManager manager, List<long[]> sequences) {
    NDList padded = QuestionTokenizer.toInputs(manager, sequences);
    long[] shape = padded.get(0).getShape().getShape();
    int cols = (int) shape[1];
    long[] types = new long[sequences.size() * cols];
    for (int r = 0; r < sequences.size(); r++) {
      long[] row = sequences.get(r);
      long sep = row[row.length - 1];
      boolean second = false;
      for (int c = 0; c < row.length; c++) {
        types[r * cols + c] = second ? 1 : 0;
        if (row[c] == sep) {
          second = true;
        }
      }
    }
    padded.add(manager.create(types, new Shape(shape)));
    return padded;
  }

  @Override
  public void exportOnnx(Path onnxFile) {
    Objects.requireNonNull(onnxFile, "onnxFile");
    OnnxBertWeights.write(verifierGraph(), onnxFile);
  }

  /** Not used: the verifier's metadata names no pooling of its own. */
  @Override
  public String exportedPooling() {
    return "none";
  }

  /**
   * Writes the base bi-encoder model's files and {@value #VERIFIER_FILE}; the caller adds the
   * verifier's entry (threshold, length) to the returned metadata.
   */
  @Override
  public ModelMetadataBuilder exportInto(Path directory, QuestionTokenizer tokenizer)
      throws IOException {
    ModelMetadataBuilder metadata = base.copyInto(directory);
    exportOnnx(directory.resolve(VERIFIER_FILE));
    return metadata;
  }

  /** Where the base model comes from, for provenance. */
  public String baseModel() {
    return base.describe();
  }

  /**
   * The source graph with the trained transformer weights, and after its {@code last_hidden_state}:
   * the mean over the attention mask, then {@code Gemm} with the classifier, giving {@value
   * #OUTPUT} {@code [batch, 1]} as the only output.
   */
  ModelProto verifierGraph() {
    return VerifierGraph.append(
        encoder.trainedGraph(),
        block.weight().getArray().toFloatArray(),
        block.bias().getArray().toFloatArray()[0],
        encoder.source().toString());
  }

  @Override
  public void close() {
    encoder.close();
  }

  /**
   * Builds a {@link CrossMiniLmEncoder}; every value is optional.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final MiniLmEncoder.Builder encoder = MiniLmEncoder.builder();
    private Path baseModel;
    private BundledModel bundledBase;
    private float dropout = 0.1f;
    private long seed = 42;

    private Builder() {}

    /**
     * Starts from the weights of this ONNX file (all-MiniLM-L6-v2 layout) instead of the bundled
     * ones; when the file is itself a verifier ({@code verifier.onnx}), from its classifier too:
     * training continues from that verifier.
     *
     * @param onnxFile the file
     * @return this builder
     */
    public Builder optModelFile(Path onnxFile) {
      encoder.optModelFile(onnxFile).allowVerifierSource();
      return this;
    }

    /**
     * The bi-encoder model directory the verifier is added to (default: the bundled model).
     *
     * @param directory a model directory
     * @return this builder
     */
    public Builder optBaseModel(Path directory) {
      this.baseModel = Objects.requireNonNull(directory, "directory");
      this.bundledBase = null;
      return this;
    }

    /**
     * The bundled model the verifier is added to (default: the plain base, {@link
     * BundledModel#BASE}).
     *
     * @param model a bundled model
     * @return this builder
     */
    public Builder optBaseModel(BundledModel model) {
      this.bundledBase = Objects.requireNonNull(model, "model");
      this.baseModel = null;
      return this;
    }

    /**
     * Starts from a bundled model instead of the plain all-MiniLM-L6-v2: from its verifier
     * (transformer and classifier) when it has one ({@code cascade}), so that training continues
     * from it; else from its encoder weights (the fine-tuned encoder of {@code default}).
     *
     * @param model a bundled model
     * @return this builder
     */
    public Builder optBundledWeights(BundledModel model) {
      if (model.metadata().verifier() != null) {
        encoder.optBundledVerifier(model);
      } else {
        encoder.optBundledWeights(model);
      }
      return this;
    }

    /**
     * Keeps the embeddings and the lowest {@code count} layers fixed.
     *
     * @param count 0 to 6
     * @return this builder
     */
    public Builder optFrozenLayers(int count) {
      encoder.optFrozenLayers(count);
      return this;
    }

    /**
     * Keeps the 30,522 x 384 word-embedding table fixed (position and token-type embeddings and
     * every layer still train), so a packed verifier stores only what the layers learnt.
     *
     * @param freeze whether to freeze the table
     * @return this builder
     */
    public Builder optFreezeWordEmbeddings(boolean freeze) {
      encoder.optFreezeWordEmbeddings(freeze);
      return this;
    }

    /**
     * The dropout rate while training (transformer and pooled vector).
     *
     * @param rate in [0, 1)
     * @return this builder
     */
    public Builder optDropout(float rate) {
      encoder.optDropout(rate);
      this.dropout = rate;
      return this;
    }

    /**
     * Seeds the classifier's initial weights (normal, standard deviation 0.02; bias 0).
     *
     * @param value the seed
     * @return this builder
     */
    public Builder optSeed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Loads the weights.
     *
     * @return the encoder
     */
    public CrossMiniLmEncoder build() {
      return new CrossMiniLmEncoder(this);
    }
  }
}
