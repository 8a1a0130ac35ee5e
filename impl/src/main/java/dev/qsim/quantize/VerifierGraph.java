package dev.qsim.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;

/**
 * The graph of a cross-encoder verifier (docs/model-format.md, {@code verifier}): a BERT-style
 * encoder graph with inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} and
 * output {@code last_hidden_state}, followed by the mean of the token vectors over the attention
 * mask and a linear classifier ({@code Gemm}) giving {@value #OUTPUT} {@code [batch, 1]}, the only
 * output. Training writes a verifier with {@link #append}; a verifier stored as the weights
 * training changed is the {@link #skeleton} of its base encoder with a delta ({@link
 * EncoderDeltas}) applied, which {@link #rebuild} does.
 *
 * <p>Stateless and thread-safe.
 */
public final class VerifierGraph {
  /** The verifier's output: one logit per pair, {@code [batch, 1]}. */
  public static final String OUTPUT = "logits";

  /** The classifier's weight initializer, {@code [1, hidden]}. */
  public static final String WEIGHT = "verifier.classifier.weight";

  /** The classifier's bias initializer, {@code [1]}. */
  public static final String BIAS = "verifier.classifier.bias";

  private static final String HIDDEN = "last_hidden_state";

  private VerifierGraph() {}

  /**
   * The encoder graph followed by the mean pooling and the classifier.
   *
   * @param encoder the encoder graph (its weights are kept)
   * @param weight the classifier's weights, one per hidden unit
   * @param bias the classifier's bias
   * @param source the encoder's name, for messages
   * @return the verifier's graph
   * @throws QsimException if the graph lacks {@code last_hidden_state} or {@code token_type_ids},
   *     or a classifier value is not finite
   */
  public static ModelProto append(ModelProto encoder, float[] weight, float bias, String source) {
    GraphProto graph = encoder.getGraph();
    for (float v : weight) {
      if (!Float.isFinite(v) || !Float.isFinite(bias)) {
        throw new QsimException(
            "parameter " + WEIGHT + " or " + BIAS + " holds a non-finite value");
      }
    }
    if (isVerifier(encoder)) {
      return withClassifier(encoder, weight, bias);
    }
    if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(HIDDEN))
        || graph.getInputList().stream().noneMatch(i -> i.getName().equals("token_type_ids"))) {
      throw new QsimException(
          source
              + ": the graph needs the output last_hidden_state and the input token_type_ids to"
              + " become a verifier");
    }
    long opset = 0;
    for (OperatorSetIdProto o : encoder.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    GraphProto.Builder g = graph.toBuilder().clearOutput();
    g.addInitializer(Int8Rewriter.floatTensor(WEIGHT, weight, 1, weight.length));
    g.addInitializer(Int8Rewriter.floatTensor(BIAS, new float[] {bias}, 1));
    g.addInitializer(Int8Rewriter.floatTensor("verifier/one", new float[] {1f}));
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
    g.addNode(node("MatMul", "verifier/sum_b1h", "verifier/mask_b1t", HIDDEN));
    g.addNode(node("Reshape", "verifier/sum", "verifier/sum_b1h", "verifier/shape_bh"));
    g.addNode(count);
    g.addNode(node("Max", "verifier/count_floor", "verifier/count", "verifier/one"));
    g.addNode(node("Div", "verifier/mean", "verifier/sum", "verifier/count_floor"));
    g.addNode(
        node("Gemm", OUTPUT, "verifier/mean", WEIGHT, BIAS)
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
    return encoder.toBuilder()
        .setGraph(g)
        .setDocString("qsim cross-encoder verifier: [CLS] q1 [SEP] q2 [SEP] -> logit")
        .build();
  }

  /**
   * Whether the graph already is a verifier (it holds the classifier's weights): training that
   * continues from a verifier starts from its classifier too.
   *
   * @param model an ONNX model
   * @return whether it has the {@value #WEIGHT} initializer
   */
  public static boolean isVerifier(ModelProto model) {
    return model.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals(WEIGHT));
  }

  /**
   * A verifier's classifier: its weights, one per hidden unit, followed by its bias.
   *
   * @param verifier a verifier graph ({@link #isVerifier})
   * @return {@code hidden + 1} values
   * @throws QsimException if the graph has no classifier
   */
  public static float[] classifier(ModelProto verifier) {
    float[] weight = null;
    float[] bias = null;
    for (TensorProto t : verifier.getGraph().getInitializerList()) {
      if (t.getName().equals(WEIGHT)) {
        weight = Int8Rewriter.floats(t);
      } else if (t.getName().equals(BIAS)) {
        bias = Int8Rewriter.floats(t);
      }
    }
    if (weight == null || bias == null || bias.length != 1) {
      throw new QsimException(
          "the graph has no verifier classifier (" + WEIGHT + ", " + BIAS + ")");
    }
    float[] out = java.util.Arrays.copyOf(weight, weight.length + 1);
    out[weight.length] = bias[0];
    return out;
  }

  /** The verifier with other classifier values; the rest of the graph as it was. */
  private static ModelProto withClassifier(ModelProto verifier, float[] weight, float bias) {
    GraphProto.Builder g = verifier.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      String name = g.getInitializer(i).getName();
      if (name.equals(WEIGHT)) {
        g.setInitializer(i, Int8Rewriter.floatTensor(WEIGHT, weight, 1, weight.length));
      } else if (name.equals(BIAS)) {
        g.setInitializer(i, Int8Rewriter.floatTensor(BIAS, new float[] {bias}, 1));
      }
    }
    return verifier.toBuilder().setGraph(g).build();
  }

  /**
   * The verifier graph of an untrained classifier (weights and bias 0) over a base encoder: what a
   * verifier delta is made against and applied to.
   *
   * @param baseEncoder the base encoder's ONNX bytes
   * @param baseName the base encoder's name, for messages
   * @return the skeleton's ONNX bytes (the same bytes for the same base)
   */
  public static byte[] skeleton(byte[] baseEncoder, String baseName) {
    ModelProto base;
    try {
      base = ModelProto.parseFrom(baseEncoder);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(baseName + " is not an ONNX model: " + e.getMessage(), e);
    }
    int hidden = hiddenSize(base, baseName);
    return append(base, new float[hidden], 0f, baseName).toByteArray();
  }

  /**
   * A verifier stored as a delta: the skeleton of its base encoder with the stored weights put in.
   *
   * @param baseEncoder the base encoder's ONNX bytes
   * @param delta the delta file's bytes
   * @param baseSha256 the skeleton's fingerprint that the metadata records
   * @param baseName the base encoder, for messages
   * @param deltaName the delta file, for messages
   * @return the verifier's ONNX bytes
   * @throws ModelLoadException if the delta was made against another base or is malformed
   */
  public static byte[] rebuild(
      byte[] baseEncoder, byte[] delta, String baseSha256, String baseName, String deltaName) {
    return EncoderDeltas.apply(
        skeleton(baseEncoder, baseName),
        delta,
        baseSha256,
        "the verifier skeleton of " + baseName,
        deltaName);
  }

  /** The hidden size: the last dimension of the word-embedding table (the first 2-D gather). */
  private static int hiddenSize(ModelProto model, String name) {
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (t.getName().contains("word_embeddings") && t.getDimsCount() == 2) {
        return (int) t.getDims(1);
      }
    }
    throw new ModelLoadException(
        name + " has no word_embeddings initializer; cannot tell its hidden size");
  }

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
}
