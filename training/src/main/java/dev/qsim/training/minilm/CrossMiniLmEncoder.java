package dev.qsim.training.minilm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.qsim.QsimException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.training.QuestionTokenizer;
import dev.qsim.training.TrainableEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
  public static final String OUTPUT = "logits";

  private final MiniLmEncoder encoder;
  private final CrossBlock block;
  private final BaseModelFiles base;

  private CrossMiniLmEncoder(Builder b) {
    this.base = BaseModelFiles.of(b.baseModel);
    this.encoder = b.encoder.build();
    try {
      int hidden = encoder.dimension();
      Random random = new Random(b.seed);
      float[] w = new float[hidden];
      for (int i = 0; i < hidden; i++) {
        w[i] = (float) (random.nextGaussian() * 0.02);
      }
      NDManager manager = encoder.manager();
      NDArray weight = manager.create(w, new Shape(1, hidden));
      NDArray bias = manager.create(new float[] {0f}, new Shape(1));
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
  public ModelMetadata.Builder exportInto(Path directory, QuestionTokenizer tokenizer)
      throws IOException {
    ModelMetadata.Builder metadata = base.copyInto(directory);
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
    ModelProto model = encoder.trainedGraph();
    GraphProto graph = model.getGraph();
    String hidden = "last_hidden_state";
    if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(hidden))
        || graph.getInputList().stream().noneMatch(i -> i.getName().equals("token_type_ids"))) {
      throw new QsimException(
          encoder.source()
              + ": the graph needs the output last_hidden_state and the input token_type_ids to"
              + " become a verifier");
    }
    long opset = 0;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    int h = encoder.dimension();
    GraphProto.Builder g = graph.toBuilder().clearOutput();
    g.addInitializer(floats(CrossBlock.WEIGHT, block.weight().getArray().toFloatArray(), 1, h));
    g.addInitializer(floats(CrossBlock.BIAS, block.bias().getArray().toFloatArray(), 1));
    g.addInitializer(floats("verifier/one", new float[] {1f}));
    g.addInitializer(longs("verifier/shape_b1t", 0, 1, -1));
    g.addInitializer(longs("verifier/shape_bh", 0, -1));
    NodeProto.Builder count =
        node("ReduceSum", "verifier/count", "verifier/mask")
            .addAttribute(intAttribute("keepdims", 1));
    if (opset >= 13) {
      g.addInitializer(longs("verifier/axes", 1));
      count.addInput("verifier/axes");
    } else {
      count.addAttribute(
          AttributeProto.newBuilder()
              .setName("axes")
              .setType(AttributeProto.AttributeType.INTS)
              .addInts(1));
    }
    g.addNode(
        node("Cast", "verifier/mask", "attention_mask")
            .addAttribute(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
    g.addNode(node("Reshape", "verifier/mask_b1t", "verifier/mask", "verifier/shape_b1t"));
    g.addNode(node("MatMul", "verifier/sum_b1h", "verifier/mask_b1t", hidden));
    g.addNode(node("Reshape", "verifier/sum", "verifier/sum_b1h", "verifier/shape_bh"));
    g.addNode(count);
    g.addNode(node("Max", "verifier/count_floor", "verifier/count", "verifier/one"));
    g.addNode(node("Div", "verifier/mean", "verifier/sum", "verifier/count_floor"));
    g.addNode(
        node("Gemm", OUTPUT, "verifier/mean", CrossBlock.WEIGHT, CrossBlock.BIAS)
            .addAttribute(intAttribute("transB", 1)));
    g.addOutput(
        ValueInfoProto.newBuilder()
            .setName(OUTPUT)
            .setType(
                TypeProto.newBuilder()
                    .setTensorType(
                        TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.FLOAT_VALUE)
                            .setShape(
                                TensorShapeProto.newBuilder()
                                    .addDim(
                                        TensorShapeProto.Dimension.newBuilder()
                                            .setDimParam("batch"))
                                    .addDim(
                                        TensorShapeProto.Dimension.newBuilder().setDimValue(1))))));
    return model.toBuilder()
        .setGraph(g)
        .setDocString("qsim cross-encoder verifier: [CLS] q1 [SEP] q2 [SEP] -> logit")
        .build();
  }

  /** A node whose name is also its output's name unless {@code output} differs. */
  private static NodeProto.Builder node(String op, String output, String... inputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String i : inputs) {
      n.addInput(i);
    }
    return n;
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new QsimException("parameter " + name + " holds a non-finite value");
      }
      b.putFloat(v);
    }
    b.flip();
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static TensorProto longs(String name, long... values) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
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
    private float dropout = 0.1f;
    private long seed = 42;

    private Builder() {}

    /**
     * Starts from the weights of this ONNX file (all-MiniLM-L6-v2 layout) instead of the bundled
     * ones.
     *
     * @param onnxFile the file
     * @return this builder
     */
    public Builder optModelFile(Path onnxFile) {
      encoder.optModelFile(onnxFile);
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
