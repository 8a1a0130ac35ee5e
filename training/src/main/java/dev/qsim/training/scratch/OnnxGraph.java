package dev.qsim.training.scratch;

import ai.djl.ndarray.NDArray;
import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.qsim.QsimException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Builds an encoder graph with Tribuo's {@link ONNXContext}: the two int64 inputs {@code input_ids}
 * and {@code attention_mask} ({@code [batch, tokens]}), initializers copied from DJL arrays, and
 * one float output {@code [batch, dimension]}.
 *
 * <p>Tribuo only declares float inputs of shape {@code [batch, n]}; the inputs are created as such
 * placeholders and their type is rewritten to int64 {@code [batch, tokens]} when the model is
 * built.
 *
 * <p>Not thread-safe: one export builds one graph.
 */
final class OnnxGraph {

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String OUTPUT = "sentence_embedding";

  /** ONNX IR version 7 is the first that supports opset 13. */
  private static final long IR_VERSION = 7;

  private final ONNXContext context = new ONNXContext();
  private final ONNXPlaceholder inputIds;
  private final ONNXPlaceholder attentionMask;

  OnnxGraph(String name) {
    context.setName(name);
    inputIds = context.floatInput(INPUT_IDS, 1);
    attentionMask = context.floatInput(ATTENTION_MASK, 1);
  }

  ONNXPlaceholder inputIds() {
    return inputIds;
  }

  ONNXPlaceholder attentionMask() {
    return attentionMask;
  }

  /** Adds a node with one output. */
  ONNXNode op(ONNXOperator op, List<? extends ONNXRef<?>> inputs, String output) {
    return op(op, inputs, output, Map.of());
  }

  /** Adds a node with one output and the given attributes. */
  ONNXNode op(
      ONNXOperator op,
      List<? extends ONNXRef<?>> inputs,
      String output,
      Map<String, Object> attributes) {
    return context.operation(op, inputs, List.of(output), attributes).get(0);
  }

  /** A float initializer holding {@code values} with the given dimensions. */
  ONNXInitializer floats(String name, float[] values, long... dims) {
    long size = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    if (size != values.length) {
      throw new IllegalArgumentException(
          "Initializer "
              + name
              + " has "
              + values.length
              + " values for dims "
              + Arrays.toString(dims));
    }
    List<Integer> dimList = new ArrayList<>();
    for (long dim : dims) {
      dimList.add(Math.toIntExact(dim));
    }
    return context.floatTensor(name, dimList, buffer -> buffer.put(values));
  }

  /** A float initializer with the value and shape of a DJL array. */
  ONNXInitializer floats(String name, NDArray array) {
    return floats(name, array.toFloatArray(), array.getShape().getShape());
  }

  /** A 1-D int64 initializer. */
  ONNXInitializer longs(String name, long... values) {
    return context.array(name, values);
  }

  /** A float scalar initializer. */
  ONNXInitializer scalar(String name, float value) {
    return context.constant(name, value);
  }

  /** An int64 scalar initializer. */
  ONNXInitializer scalar(String name, long value) {
    return context.constant(name, value);
  }

  /** {@code Cast(input, to)}. */
  ONNXNode cast(ONNXRef<?> input, DataType to, String output) {
    return op(ONNXOperators.CAST, List.of(input), output, Map.of("to", to.getNumber()));
  }

  /**
   * L2-normalises the rows of a {@code [batch, dimension]} tensor exactly as {@link
   * ScratchBlock#normalise}: {@code y / max(||y||, 1e-12)}.
   */
  ONNXNode l2Normalise(ONNXRef<?> input) {
    ONNXNode norm =
        op(OnnxOp.REDUCE_L2, List.of(input), "norm", Map.of("axes", new int[] {1}, "keepdims", 1));
    ONNXNode clamped =
        op(
            OnnxOp.MAX,
            List.of(norm, scalar("norm_floor", ScratchBlock.NORM_FLOOR)),
            "norm_clamped");
    return op(ONNXOperators.DIV, List.of(input, clamped), "normalised");
  }

  /**
   * Builds the model whose output {@value #OUTPUT} is {@code result} ({@code [batch, dimension]}).
   */
  OnnxMl.ModelProto build(ONNXRef<?> result, int dimension, String docString) {
    ONNXPlaceholder output = context.floatOutput(OUTPUT, dimension);
    context.assignTo(result, output);
    OnnxMl.GraphProto graph = context.buildGraph();
    OnnxMl.GraphProto.Builder fixed = graph.toBuilder().clearInput();
    fixed.addInput(tokenInput(INPUT_IDS));
    fixed.addInput(tokenInput(ATTENTION_MASK));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(ONNXOperators.getOpsetProto())
        .setProducerName("qsim-training")
        .setDocString(docString)
        .setGraph(fixed.build())
        .build();
  }

  /** Writes {@code model} to {@code file}, replacing it. */
  static void write(OnnxMl.ModelProto model, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      model.writeTo(out);
    } catch (IOException e) {
      throw new QsimException(
          "Could not write the ONNX encoder " + file + ": " + e.getMessage(), e);
    }
  }

  private static OnnxMl.ValueInfoProto tokenInput(String name) {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"))
            .build();
    OnnxMl.TypeProto type =
        OnnxMl.TypeProto.newBuilder()
            .setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(DataType.INT64.getNumber())
                    .setShape(shape))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
