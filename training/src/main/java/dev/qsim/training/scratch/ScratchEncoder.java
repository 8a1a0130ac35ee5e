package dev.qsim.training.scratch;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.qsim.QsimException;
import dev.qsim.onnx.internal.DjlSettings;
import dev.qsim.training.TrainableEncoder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A siamese question encoder trained from scratch over the bundled model's WordPiece vocabulary
 * (30,522 ids): a randomly initialised token embedding, a pooling network ({@link BiLstmEncoder} or
 * {@link CnnEncoder}), a linear projection and L2 normalisation. Its ONNX export is built in Java
 * (Tribuo's ONNX graph builder) and takes {@code input_ids} and {@code attention_mask}; it pools
 * and normalises itself, so the exported model's metadata says {@code pooling: none}.
 *
 * <p>Weights are initialised when the encoder is built, from a Java generator seeded by {@link
 * #seed()} and each parameter's name, so the same settings give the same initial weights. The
 * encoder owns the native memory of its parameters (PyTorch engine) and frees it on {@link
 * #close()}.
 *
 * <p>Not thread-safe: one training loop owns an encoder.
 */
public abstract sealed class ScratchEncoder implements TrainableEncoder
    permits BiLstmEncoder, CnnEncoder {

  /** The size of the bundled WordPiece vocabulary ({@code all-MiniLM-L6-v2}'s tokenizer). */
  public static final int VOCABULARY_SIZE = 30_522;

  private final ScratchBlock block;
  private final long seed;
  private final String name;
  private final NDManager manager;
  private boolean closed;

  ScratchEncoder(String name, ScratchBlock block, long seed) {
    this.name = name;
    this.block = block;
    this.seed = seed;
    this.manager = newManager();
    try {
      block.seed(seed);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static NDManager newManager() {
    DjlSettings.offline();
    try {
      return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    } catch (EngineException | IllegalArgumentException e) {
      throw new QsimException(
          "The DJL PyTorch engine is not available (pytorch-engine, pytorch-jni and "
              + "pytorch-native-cpu must be on the class path): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The encoder block, initialised; its parameters live in this encoder's manager until it is
   * closed.
   *
   * @return the block
   * @throws IllegalStateException if the encoder is closed
   */
  @Override
  public Block block() {
    checkOpen();
    return block;
  }

  @Override
  public int dimension() {
    return block.dimension;
  }

  /**
   * Always {@code true}: the block and its export L2-normalise every embedding.
   *
   * @return {@code true}
   */
  @Override
  public boolean normalize() {
    return true;
  }

  /**
   * Always {@code none}: the exported graph outputs pooled, normalised {@code [batch, dimension]}
   * embeddings.
   *
   * @return {@code none}
   */
  @Override
  public String exportedPooling() {
    return "none";
  }

  /**
   * The seed the initial weights were drawn with.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * The width of the token embedding.
   *
   * @return the embedding size
   */
  public int embeddingSize() {
    return block.embeddingSize;
  }

  /**
   * The dropout rate applied to token embeddings and pooled vectors while training (never at
   * inference or in the export).
   *
   * @return the rate in [0, 1)
   */
  public float dropout() {
    return block.dropout;
  }

  /**
   * Writes the current weights as an ONNX (opset 13) encoder with int64 inputs {@code input_ids}
   * and {@code attention_mask} ({@code [batch, tokens]}) and the float output {@code
   * sentence_embedding} ({@code [batch, dimension]}), replacing {@code onnxFile}.
   *
   * @param onnxFile where to write
   * @throws QsimException naming the file if it cannot be written
   * @throws IllegalStateException if the encoder is closed
   */
  @Override
  public void exportOnnx(Path onnxFile) {
    Objects.requireNonNull(onnxFile, "onnxFile");
    checkOpen();
    OnnxGraph.write(block.toOnnx(name), onnxFile);
  }

  /**
   * Encodes one padded batch without training (no dropout, no gradients): the reference the ONNX
   * export is checked against.
   *
   * @param inputIds token ids, {@code [batch][tokens]}, padded on the right with 0
   * @param attentionMask 1 for a real token and 0 for padding, same shape
   * @return unit-length embeddings, {@code [batch][dimension]}
   */
  public float[][] encode(long[][] inputIds, long[][] attentionMask) {
    checkOpen();
    try (NDManager scope = manager.newSubManager()) {
      // Arrays derived from the parameters land in the scope and are freed with it.
      for (Parameter parameter : block.getParameters().values()) {
        parameter.getArray().tempAttach(scope);
      }
      NDArray ids = scope.create(inputIds);
      NDArray mask = scope.create(attentionMask);
      NDArray out =
          block.forward(new ParameterStore(scope, false), new NDList(ids, mask), false).head();
      int rows = inputIds.length;
      int dim = dimension();
      float[] flat = out.toFloatArray();
      float[][] result = new float[rows][dim];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(flat, i * dim, result[i], 0, dim);
      }
      return result;
    }
  }

  /** Closes the encoder and frees its parameters; later calls do nothing. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This " + name + " encoder is closed.");
    }
  }

  /**
   * The settings every scratch encoder has: vocabulary, token embedding width, output dimension,
   * dropout and seed. {@link BiLstmEncoder.Builder} and {@link CnnEncoder.Builder} add their own.
   * Not thread-safe.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class CommonBuilder<B extends CommonBuilder<B>> {
    int vocabularySize = VOCABULARY_SIZE;
    int embeddingSize = 128;
    int dimension = 256;
    float dropout = 0.1f;
    long seed = 42;

    CommonBuilder() {}

    abstract B self();

    /**
     * Sets the vocabulary size (the largest token id plus one).
     *
     * @param vocabularySize at least 2; default 30,522
     * @return this builder
     */
    public B optVocabularySize(int vocabularySize) {
      this.vocabularySize = vocabularySize;
      return self();
    }

    /**
     * Sets the token embedding width.
     *
     * @param embeddingSize at least 1; default 128
     * @return this builder
     */
    public B optEmbeddingSize(int embeddingSize) {
      this.embeddingSize = embeddingSize;
      return self();
    }

    /**
     * Sets the embedding dimension the projection outputs.
     *
     * @param dimension at least 1; default 256
     * @return this builder
     */
    public B optDimension(int dimension) {
      this.dimension = dimension;
      return self();
    }

    /**
     * Sets the training dropout on token embeddings and on the pooled vector.
     *
     * @param dropout in [0, 1); default 0.1
     * @return this builder
     */
    public B optDropout(float dropout) {
      this.dropout = dropout;
      return self();
    }

    /**
     * Sets the seed of the initial weights.
     *
     * @param seed any value; default 42
     * @return this builder
     */
    public B optSeed(long seed) {
      this.seed = seed;
      return self();
    }

    /** Checks the common settings; throws {@link IllegalArgumentException} naming the bad one. */
    void checkCommon() {
      Settings.atLeast("vocabularySize", vocabularySize, 2);
      Settings.atLeast("embeddingSize", embeddingSize, 1);
      Settings.atLeast("dimension", dimension, 1);
      Settings.dropout(dropout);
    }
  }
}
