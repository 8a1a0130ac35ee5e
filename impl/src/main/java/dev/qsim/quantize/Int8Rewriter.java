package dev.qsim.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.qsim.QsimException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rewrites an fp32 ONNX graph so that its matrix products with constant weights run in int8 on ONNX
 * Runtime's integer kernels:
 *
 * <ul>
 *   <li>{@code MatMul(A, W)} and {@code Gemm(A, W, c)} (no {@code transA}, {@code alpha = beta =
 *       1}, bias absent or a vector) become a {@link RowQuantisedProduct}: {@code MatMulInteger} on
 *       activations quantised per row; a following {@code Add} of a constant vector becomes its
 *       bias;
 *   <li>{@code LSTM(X, W, R, ...)} becomes {@code DynamicQuantizeLSTM} with both weight tensors
 *       quantised.
 * </ul>
 *
 * <p>Weights are quantised symmetrically to the range [-63, 63] with one scale per output column
 * (per direction and gate column for an LSTM), zero point 0. The 7-bit range keeps ONNX Runtime's
 * u8·s8 kernels exact on CPUs without VNNI, where two products of 255 · 127 would overflow the
 * 16-bit intermediate sums. A product's activations are quantised per row ({@link
 * RowQuantisedProduct}); an LSTM's per call by ONNX Runtime's kernel, over the whole batch.
 *
 * <p>Stateless; not a public API.
 */
final class Int8Rewriter {
  /** Largest magnitude of a quantised weight (7-bit symmetric, see the class comment). */
  static final int WEIGHT_MAX = 63;

  static final String MS_DOMAIN = "com.microsoft";

  private static final Set<String> ALREADY_QUANTISED =
      Set.of(
          "DynamicQuantizeMatMul",
          "MatMulInteger",
          "MatMulIntegerToFloat",
          "DynamicQuantizeLinear",
          "QuantizeLinear",
          "DequantizeLinear",
          "DynamicQuantizeLSTM",
          "QLinearMatMul",
          "ConvInteger",
          "QAttention");

  private Int8Rewriter() {}

  /** What a rewrite produced. */
  record Result(
      byte[] model, int matMuls, int lstms, long weights, Map<String, Integer> leftFp32) {}

  static Result rewrite(byte[] onnx, String source) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw new QsimException(source + " is not an ONNX model: " + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new QsimException(source + " is not an ONNX model: it has no graph nodes");
    }
    GraphProto graph = model.getGraph();
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        throw new QsimException(
            "Cannot quantise "
                + source
                + ": tensor '"
                + t.getName()
                + "' is stored in an external data file; qsim quantises self-contained .onnx files");
      }
      initializers.put(t.getName(), t);
    }
    Map<String, Integer> uses = new HashMap<>();
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      if (ALREADY_QUANTISED.contains(n.getOpType())) {
        throw new QsimException(
            "Cannot quantise "
                + source
                + ": it is already quantised (node '"
                + n.getName()
                + "' is a "
                + n.getOpType()
                + ")");
      }
      for (String in : n.getInputList()) {
        uses.merge(in, 1, Integer::sum);
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG() || a.getGraphsCount() > 0) {
          // A subgraph may read any initializer by name: count them as used elsewhere.
          countSubgraphUses(a, uses);
        }
      }
    }
    Set<String> graphOutputs = new HashSet<>();
    graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));

    GraphProto.Builder out = graph.toBuilder().clearNode();
    Set<String> replaced = new HashSet<>();
    Set<NodeProto> folded = new HashSet<>();
    List<TensorProto> added = new ArrayList<>();
    long opset = RowQuantisedProduct.defaultOpset(model);
    boolean axesAsInput = RowQuantisedProduct.axesAsInput(opset);
    boolean sliced = false;
    int matMuls = 0;
    int lstms = 0;
    long weights = 0;
    Map<String, Integer> left = new TreeMap<>();
    for (NodeProto n : graph.getNodeList()) {
      if (folded.contains(n)) {
        continue;
      }
      String op = n.getOpType();
      boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
      TensorProto w =
          n.getInputCount() > 1 ? constantFloat(initializers, n.getInput(1), source) : null;
      if (defaultDomain && (op.equals("MatMul") || op.equals("Gemm")) && w != null) {
        Linear linear = op.equals("MatMul") ? matMul(n, w) : gemm(n, w, initializers, source);
        if (linear != null) {
          String prefix = uniqueName(n, "dqmm" + matMuls);
          String bias = linear.bias;
          String output = n.getOutput(0);
          if (bias == null && op.equals("MatMul") && !graphOutputs.contains(output)) {
            List<NodeProto> next = consumers.getOrDefault(output, List.of());
            if (next.size() == 1 && isBiasAdd(next.get(0), output, initializers, linear.cols)) {
              NodeProto add = next.get(0);
              bias = add.getInput(0).equals(output) ? add.getInput(1) : add.getInput(0);
              output = add.getOutput(0);
              folded.add(add);
            }
          }
          QuantisedWeight q = quantise(linear.values, linear.rows, linear.cols, 1);
          added.addAll(RowQuantisedProduct.weights(prefix, q, linear.rows, linear.cols));
          boolean padded = RowQuantisedProduct.panels(linear.cols) != linear.cols;
          sliced |= padded;
          out.addAllNode(
              RowQuantisedProduct.nodes(prefix, n.getInput(0), bias, output, axesAsInput, padded));
          replaced.add(n.getInput(1));
          matMuls++;
          weights += (long) linear.rows * linear.cols;
          continue;
        }
      }
      if (defaultDomain && op.equals("LSTM")) {
        NodeProto lstm = lstm(n, initializers, source, added, lstms);
        if (lstm != null) {
          out.addNode(lstm);
          replaced.add(n.getInput(1));
          replaced.add(n.getInput(2));
          lstms++;
          weights += elements(initializers.get(n.getInput(1)));
          weights += elements(initializers.get(n.getInput(2)));
          continue;
        }
      }
      if (op.equals("MatMul")
          || op.equals("Gemm")
          || op.equals("LSTM")
          || op.equals("Conv")
          || op.equals("GRU")
          || op.equals("RNN")) {
        left.merge(op, 1, Integer::sum);
      }
      out.addNode(n);
    }
    if (matMuls + lstms == 0) {
      throw new QsimException(
          "Cannot quantise "
              + source
              + ": it has no MatMul, Gemm or LSTM node with constant fp32 weights"
              + (left.isEmpty() ? "" : " (it has " + describe(left) + ", left in fp32)")
              + "; qsim's int8 path quantises only those, so there is nothing to gain");
    }
    // Drop fp32 weights that only the replaced nodes read.
    out.clearInitializer();
    for (TensorProto t : graph.getInitializerList()) {
      if (!(replaced.contains(t.getName()) && uses.getOrDefault(t.getName(), 0) <= 1)) {
        out.addInitializer(t);
      }
    }
    out.addAllInitializer(added);
    if (matMuls > 0) {
      RowQuantisedProduct.requireOpset(opset, source);
      out.addAllInitializer(RowQuantisedProduct.constants(axesAsInput, sliced));
    }
    ModelProto.Builder result = model.toBuilder().setGraph(out);
    boolean hasMs = false;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      hasMs |= o.getDomain().equals(MS_DOMAIN);
    }
    if (!hasMs) {
      result.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    return new Result(result.build().toByteArray(), matMuls, lstms, weights, left);
  }

  private static void countSubgraphUses(AttributeProto a, Map<String, Integer> uses) {
    List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
    if (a.hasG()) {
      graphs.add(a.getG());
    }
    for (GraphProto g : graphs) {
      for (NodeProto n : g.getNodeList()) {
        for (String in : n.getInputList()) {
          uses.merge(in, 2, Integer::sum);
        }
        for (AttributeProto inner : n.getAttributeList()) {
          countSubgraphUses(inner, uses);
        }
      }
    }
  }

  private static String describe(Map<String, Integer> ops) {
    StringBuilder b = new StringBuilder();
    ops.forEach(
        (op, count) -> b.append(b.length() == 0 ? "" : ", ").append(count).append(" ").append(op));
    return b.toString();
  }

  private static String uniqueName(NodeProto n, String fallback) {
    String base = n.getName().isEmpty() ? fallback : n.getName();
    return base + "_quant";
  }

  /** A weight as a [rows = K, cols = N] row-major matrix, with an optional bias name. */
  private record Linear(float[] values, int rows, int cols, String bias) {}

  private static Linear matMul(NodeProto n, TensorProto w) {
    if (w.getDimsCount() != 2) {
      return null;
    }
    return new Linear(floats(w), (int) w.getDims(0), (int) w.getDims(1), null);
  }

  private static Linear gemm(
      NodeProto n, TensorProto w, Map<String, TensorProto> initializers, String source) {
    if (w.getDimsCount() != 2
        || intAttribute(n, "transA", 0) != 0
        || floatAttribute(n, "alpha", 1f) != 1f
        || floatAttribute(n, "beta", 1f) != 1f) {
      return null;
    }
    int d0 = (int) w.getDims(0);
    int d1 = (int) w.getDims(1);
    float[] values = floats(w);
    boolean transB = intAttribute(n, "transB", 0) != 0;
    int rows = transB ? d1 : d0;
    int cols = transB ? d0 : d1;
    if (transB) {
      float[] t = new float[values.length];
      for (int i = 0; i < d0; i++) {
        for (int j = 0; j < d1; j++) {
          t[j * d0 + i] = values[i * d1 + j];
        }
      }
      values = t;
    }
    String bias = null;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      TensorProto c = constantFloat(initializers, n.getInput(2), source);
      if (c == null || c.getDimsCount() != 1 || c.getDims(0) != cols) {
        return null; // a bias that is not a plain vector: leave the Gemm in fp32
      }
      bias = n.getInput(2);
    }
    return new Linear(values, rows, cols, bias);
  }

  private static boolean isBiasAdd(
      NodeProto add, String input, Map<String, TensorProto> initializers, int cols) {
    if (!add.getOpType().equals("Add") || add.getInputCount() != 2 || !add.getDomain().isEmpty()) {
      return false;
    }
    String other = add.getInput(0).equals(input) ? add.getInput(1) : add.getInput(0);
    TensorProto b = initializers.get(other);
    return b != null
        && b.getDataType() == TensorProto.DataType.FLOAT_VALUE
        && b.getDimsCount() == 1
        && b.getDims(0) == cols;
  }

  private static NodeProto lstm(
      NodeProto n,
      Map<String, TensorProto> initializers,
      String source,
      List<TensorProto> added,
      int index) {
    if (n.getInputCount() < 3 || intAttribute(n, "layout", 0) != 0) {
      return null;
    }
    TensorProto w = constantFloat(initializers, n.getInput(1), source);
    TensorProto r = constantFloat(initializers, n.getInput(2), source);
    if (w == null || r == null || w.getDimsCount() != 3 || r.getDimsCount() != 3) {
      return null;
    }
    String prefix = uniqueName(n, "dqlstm" + index);
    int dirs = (int) w.getDims(0);
    int gates = (int) w.getDims(1);
    // ONNX LSTM weights are [dirs, 4H, in]; DynamicQuantizeLSTM wants [dirs, in, 4H].
    QuantisedWeight wq =
        quantise(
            transposeLast(floats(w), dirs, gates, (int) w.getDims(2)),
            (int) w.getDims(2),
            gates,
            dirs);
    QuantisedWeight rq =
        quantise(
            transposeLast(floats(r), dirs, gates, (int) r.getDims(2)),
            (int) r.getDims(2),
            gates,
            dirs);
    added.add(int8Tensor(prefix + "_W_int8", wq.values, dirs, w.getDims(2), gates));
    added.add(floatTensor(prefix + "_W_scale", wq.scales, dirs, gates));
    added.add(int8Tensor(prefix + "_W_zero", new byte[dirs * gates], dirs, gates));
    added.add(int8Tensor(prefix + "_R_int8", rq.values, dirs, r.getDims(2), gates));
    added.add(floatTensor(prefix + "_R_scale", rq.scales, dirs, gates));
    added.add(int8Tensor(prefix + "_R_zero", new byte[dirs * gates], dirs, gates));
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setName(prefix)
            .setOpType("DynamicQuantizeLSTM")
            .setDomain(MS_DOMAIN)
            .addInput(n.getInput(0))
            .addInput(prefix + "_W_int8")
            .addInput(prefix + "_R_int8");
    for (int i = 3; i < 8; i++) {
      node.addInput(i < n.getInputCount() ? n.getInput(i) : "");
    }
    node.addInput(prefix + "_W_scale")
        .addInput(prefix + "_W_zero")
        .addInput(prefix + "_R_scale")
        .addInput(prefix + "_R_zero")
        .addAllOutput(n.getOutputList())
        .addAllAttribute(n.getAttributeList());
    return node.build();
  }

  /** [d][a][b] to [d][b][a]. */
  private static float[] transposeLast(float[] v, int d, int a, int b) {
    float[] t = new float[v.length];
    for (int k = 0; k < d; k++) {
      int base = k * a * b;
      for (int i = 0; i < a; i++) {
        for (int j = 0; j < b; j++) {
          t[base + j * a + i] = v[base + i * b + j];
        }
      }
    }
    return t;
  }

  /** Int8 values of {@code blocks} row-major [rows, cols] matrices, with one scale per column. */
  record QuantisedWeight(byte[] values, float[] scales) {}

  static QuantisedWeight quantise(float[] v, int rows, int cols, int blocks) {
    byte[] q = new byte[v.length];
    float[] scales = new float[blocks * cols];
    for (int blk = 0; blk < blocks; blk++) {
      int base = blk * rows * cols;
      for (int c = 0; c < cols; c++) {
        float max = 0;
        for (int r = 0; r < rows; r++) {
          max = Math.max(max, Math.abs(v[base + r * cols + c]));
        }
        float scale = max > 0 ? max / WEIGHT_MAX : 1f;
        scales[blk * cols + c] = scale;
        for (int r = 0; r < rows; r++) {
          int x = Math.round(v[base + r * cols + c] / scale);
          q[base + r * cols + c] = (byte) Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, x));
        }
      }
    }
    return new QuantisedWeight(q, scales);
  }

  private static TensorProto constantFloat(
      Map<String, TensorProto> initializers, String name, String source) {
    TensorProto t = initializers.get(name);
    if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return null;
    }
    long n = elements(t);
    long stored = t.getRawData().isEmpty() ? t.getFloatDataCount() : t.getRawData().size() / 4L;
    if (stored != n) {
      throw new QsimException(
          "Cannot quantise "
              + source
              + ": initializer '"
              + name
              + "' declares "
              + n
              + " values but stores "
              + stored);
    }
    return t;
  }

  private static long elements(TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n;
  }

  static float[] floats(TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[b.remaining() / 4];
      b.asFloatBuffer().get(v);
      return v;
    }
    float[] v = new float[t.getFloatDataCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatData(i);
    }
    return v;
  }

  static TensorProto int8Tensor(String name, byte[] values, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT8_VALUE)
            .setRawData(ByteString.copyFrom(values));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static long intAttribute(NodeProto n, String name, long fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return fallback;
  }

  private static float floatAttribute(NodeProto n, String name, float fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return fallback;
  }
}
