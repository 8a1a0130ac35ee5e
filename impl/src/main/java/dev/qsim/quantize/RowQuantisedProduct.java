package dev.qsim.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.qsim.QsimException;
import dev.qsim.quantize.Int8Rewriter.QuantisedWeight;
import java.util.ArrayList;
import java.util.List;

/**
 * One matrix product {@code A · W (+ bias)} with int8 weights, written as ONNX nodes that quantise
 * the activations <b>per row</b>: each row of A (one token's vector) gets its own scale, {@code max
 * |a| / 127}, and is stored as uint8 around the zero point 128; ONNX Runtime's {@code
 * MatMulInteger} multiplies it with the int8 weights, and the int32 result is scaled back by the
 * row's and the weight column's scales. A row's result therefore depends on that row alone, never
 * on the other questions of a call (ONNX Runtime's fused {@code DynamicQuantizeMatMul} takes one
 * scale over the whole batch, so a question's int8 vector moved with its neighbours). Operator set
 * {@value #MIN_OPSET} or later.
 *
 * <p>Stateless; not a public API.
 */
final class RowQuantisedProduct {
  /**
   * The integer products' weights are padded with zero columns to a multiple of this many: ONNX
   * Runtime 1.21.1's {@code MatMulInteger} returns wrong values in the last columns when the count
   * of columns modulo 32 is above 16 (measured for 17-31, 56 and 120 columns; right for 1, 8, 16,
   * 32, 40, 384 and 1536), and the padded columns are sliced off its result.
   */
  static final int PANEL = 32;

  /**
   * The first ONNX operator set with {@code MatMulInteger} and negative axes ({@code ReduceMax},
   * {@code Slice}).
   */
  static final int MIN_OPSET = 11;

  /** Largest magnitude of a quantised activation (8-bit symmetric, one scale per row). */
  static final int ACTIVATION_MAX = 127;

  /** The activations' zero point: a quantised activation is stored as uint8 {@code q + 128}. */
  private static final int ZERO_POINT_VALUE = 128;

  /**
   * The least row maximum a scale is taken from: an all-zero row gets a finite scale (whose
   * reciprocal is finite too) and quantises to zeros.
   */
  private static final float TINY_VALUE = 1e-30f;

  // Constants the products share.
  private static final String INV_ACTIVATION_MAX = "qsim_int8_inv_activation_max";
  private static final String TINY = "qsim_int8_tiny";
  private static final String LAST_AXIS = "qsim_int8_last_axis";
  private static final String ZERO = "qsim_int8_zero";
  private static final String ZERO_POINT = "qsim_int8_zero_point";
  private static final String ZERO_POINT_F = "qsim_int8_zero_point_float";

  private RowQuantisedProduct() {}

  /**
   * The nodes of the product named {@code p} (its weights are {@link #weights}).
   *
   * @param p the prefix of every name the product adds
   * @param a the activations' value name
   * @param bias the bias vector's initializer name, or {@code null}
   * @param output the name of the product's result
   * @param axesAsInput whether {@code ReduceMax} takes its axes as an input (operator set 18+)
   * @param padded whether the weights were padded to whole panels (the result is sliced)
   * @return the nodes, in order
   */
  static List<NodeProto> nodes(
      String p, String a, String bias, String output, boolean axesAsInput, boolean padded) {
    List<NodeProto> nodes = new ArrayList<>();
    nodes.add(node("Abs", p + "_abs", List.of(a), p + "_abs"));
    NodeProto.Builder max =
        NodeProto.newBuilder().setName(p + "_rowmax").setOpType("ReduceMax").addInput(p + "_abs");
    if (axesAsInput) {
      max.addInput(LAST_AXIS);
    } else {
      max.addAttribute(
          AttributeProto.newBuilder()
              .setName("axes")
              .setType(AttributeProto.AttributeType.INTS)
              .addInts(-1));
    }
    max.addAttribute(
        AttributeProto.newBuilder()
            .setName("keepdims")
            .setType(AttributeProto.AttributeType.INT)
            .setI(1));
    nodes.add(max.addOutput(p + "_rowmax").build());
    nodes.add(node("Max", p + "_rowmax_pos", List.of(p + "_rowmax", TINY), p + "_rowmax_pos"));
    nodes.add(
        node(
            "Mul", p + "_a_scale", List.of(p + "_rowmax_pos", INV_ACTIVATION_MAX), p + "_a_scale"));
    nodes.add(node("Reciprocal", p + "_a_inv", List.of(p + "_a_scale"), p + "_a_inv"));
    nodes.add(node("Mul", p + "_a_div", List.of(a, p + "_a_inv"), p + "_a_div"));
    // + 128.5, then Cast truncates toward zero: round(a / scale) + 128, in [1, 255]
    nodes.add(node("Add", p + "_a_shift", List.of(p + "_a_div", ZERO_POINT_F), p + "_a_shift"));
    nodes.add(cast(p + "_a_uint8", p + "_a_shift", TensorProto.DataType.UINT8_VALUE));
    nodes.add(
        node(
            "MatMulInteger",
            p + "_int32",
            List.of(p + "_a_uint8", p + "_W_int8", ZERO_POINT),
            p + "_int32"));
    String products = p + "_int32";
    if (padded) {
      products = p + "_int32_cols";
      nodes.add(
          node("Slice", products, List.of(p + "_int32", ZERO, p + "_cols", LAST_AXIS), products));
    }
    nodes.add(cast(p + "_float", products, TensorProto.DataType.FLOAT_VALUE));
    nodes.add(node("Mul", p + "_row", List.of(p + "_float", p + "_a_scale"), p + "_row"));
    String scaled = bias == null ? output : p + "_scaled";
    nodes.add(node("Mul", p + "_scaled", List.of(p + "_row", p + "_W_scale"), scaled));
    if (bias != null) {
      nodes.add(node("Add", p + "_bias", List.of(scaled, bias), output));
    }
    return nodes;
  }

  /**
   * The initializers of one product's weights: the int8 values padded to whole panels, one scale
   * per column, and, when padded, the column count the result is sliced to.
   */
  static List<TensorProto> weights(String p, QuantisedWeight q, int rows, int cols) {
    int panels = panels(cols);
    List<TensorProto> out = new ArrayList<>();
    out.add(
        Int8Rewriter.int8Tensor(
            p + "_W_int8", padColumns(q.values(), rows, cols, panels), rows, panels));
    out.add(Int8Rewriter.floatTensor(p + "_W_scale", q.scales(), cols));
    if (panels != cols) {
      out.add(int64Tensor(p + "_cols", cols));
    }
    return out;
  }

  /** The version of the default ONNX operator set the model imports. */
  static long defaultOpset(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return 1;
  }

  /** Whether {@code ReduceMax} takes its axes as an input (operator set 18 on) or an attribute. */
  static boolean axesAsInput(long opset) {
    return opset >= 18;
  }

  /**
   * Refuses a graph whose operator set lacks what the products need.
   *
   * @throws QsimException naming the source and its operator set
   */
  static void requireOpset(long opset, String source) {
    if (opset < MIN_OPSET) {
      throw new QsimException(
          "Cannot quantise "
              + source
              + ": it imports ONNX operator set "
              + opset
              + "; qsim's int8 matrix products need "
              + MIN_OPSET
              + " or later (re-export the model with a newer operator set)");
    }
  }

  /** The weight columns rounded up to whole panels. */
  static int panels(int cols) {
    return (cols + PANEL - 1) / PANEL * PANEL;
  }

  /**
   * The constants the products of one graph share (only those a node reads: ONNX Runtime warns of
   * unused ones).
   */
  static List<TensorProto> constants(boolean axesAsInput, boolean sliced) {
    List<TensorProto> out = new ArrayList<>();
    out.add(Int8Rewriter.floatTensor(INV_ACTIVATION_MAX, new float[] {1f / ACTIVATION_MAX}));
    out.add(Int8Rewriter.floatTensor(TINY, new float[] {TINY_VALUE}));
    out.add(Int8Rewriter.floatTensor(ZERO_POINT_F, new float[] {ZERO_POINT_VALUE + 0.5f}));
    out.add(
        TensorProto.newBuilder()
            .setName(ZERO_POINT)
            .setDataType(TensorProto.DataType.UINT8_VALUE)
            .setRawData(ByteString.copyFrom(new byte[] {(byte) ZERO_POINT_VALUE}))
            .build());
    if (axesAsInput || sliced) {
      out.add(int64Tensor(LAST_AXIS, -1));
    }
    if (sliced) {
      out.add(int64Tensor(ZERO, 0));
    }
    return out;
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setName(name)
        .setOpType(op)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static NodeProto cast(String name, String input, int to) {
    return NodeProto.newBuilder()
        .setName(name)
        .setOpType("Cast")
        .addInput(input)
        .addOutput(name)
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("to")
                .setType(AttributeProto.AttributeType.INT)
                .setI(to))
        .build();
  }

  /** [rows, cols] row-major values as [rows, panels], the columns beyond {@code cols} zero. */
  private static byte[] padColumns(byte[] values, int rows, int cols, int panels) {
    if (panels == cols) {
      return values;
    }
    byte[] out = new byte[rows * panels];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(values, r * cols, out, r * panels, cols);
    }
    return out;
  }

  private static TensorProto int64Tensor(String name, long value) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(1)
        .addInt64Data(value)
        .build();
  }
}
