package dev.qsim.training.minilm;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the weights of a Hugging Face BERT encoder exported to ONNX by PyTorch (the
 * layout of all-MiniLM-L6-v2): maps every initializer to the Hugging Face parameter name the {@link
 * MiniLmBlock} uses.
 *
 * <p>Named initializers ({@code embeddings.*}, biases, LayerNorm) keep their name. The 36 dense
 * weights are anonymous ({@code onnx::MatMul_NNN}); each is named through the MatMul node that
 * consumes it, e.g. node {@code /encoder/layer.0/attention/self/query/MatMul} gives {@code
 * encoder.layer.0.attention.self.query.weight}. The graph stores them {@code [in, out]} (for {@code
 * x W}); they are transposed on the way in to the {@code [out, in]} layout of a PyTorch or DJL
 * {@code Linear} (and of Hugging Face's checkpoints), and back on the way out.
 *
 * <p>Stateless and thread-safe.
 */
final class OnnxBertWeights {

  /** A float32 tensor: its shape and values in row-major order. */
  record Tensor(long[] shape, float[] values) {}

  private static final String MATMUL_PREFIX = "onnx::MatMul";

  private OnnxBertWeights() {}

  /**
   * The parameter names and shapes of a BERT encoder with this geometry, in a fixed order:
   * embeddings, then each layer.
   *
   * @param config the geometry
   * @return name to shape, in block order
   */
  static Map<String, long[]> expectedShapes(MiniLmConfig config) {
    int h = config.hidden();
    int ff = config.intermediate();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("embeddings.word_embeddings.weight", new long[] {config.vocabulary(), h});
    shapes.put("embeddings.position_embeddings.weight", new long[] {config.maxPositions(), h});
    shapes.put("embeddings.token_type_embeddings.weight", new long[] {config.typeVocabulary(), h});
    shapes.put("embeddings.LayerNorm.weight", new long[] {h});
    shapes.put("embeddings.LayerNorm.bias", new long[] {h});
    for (int i = 0; i < config.layers(); i++) {
      String p = "encoder.layer." + i + ".";
      for (String qkv : List.of("query", "key", "value")) {
        shapes.put(p + "attention.self." + qkv + ".weight", new long[] {h, h});
        shapes.put(p + "attention.self." + qkv + ".bias", new long[] {h});
      }
      shapes.put(p + "attention.output.dense.weight", new long[] {h, h});
      shapes.put(p + "attention.output.dense.bias", new long[] {h});
      shapes.put(p + "attention.output.LayerNorm.weight", new long[] {h});
      shapes.put(p + "attention.output.LayerNorm.bias", new long[] {h});
      shapes.put(p + "intermediate.dense.weight", new long[] {ff, h});
      shapes.put(p + "intermediate.dense.bias", new long[] {ff});
      shapes.put(p + "output.dense.weight", new long[] {h, ff});
      shapes.put(p + "output.dense.bias", new long[] {h});
      shapes.put(p + "output.LayerNorm.weight", new long[] {h});
      shapes.put(p + "output.LayerNorm.bias", new long[] {h});
    }
    return Collections.unmodifiableMap(shapes);
  }

  /**
   * Parses an ONNX model.
   *
   * @param in the serialized {@code ModelProto} (not closed here)
   * @param source the file or resource, for messages
   * @return the model
   */
  static ModelProto parse(InputStream in, String source) {
    try {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      ModelProto model = ModelProto.parseFrom(coded);
      if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0) {
        throw new ModelLoadException(source + ": not an ONNX model with initializers");
      }
      return model;
    } catch (IOException e) {
      throw new ModelLoadException(source + ": cannot parse the ONNX model: " + e.getMessage(), e);
    }
  }

  /**
   * Parses an ONNX model file.
   *
   * @param file the file
   * @return the model
   */
  static ModelProto parse(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(file + ": no such ONNX file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new ModelLoadException(file + ": cannot read the ONNX model: " + e.getMessage(), e);
    }
  }

  /**
   * Maps each initializer name of the graph to its Hugging Face parameter name (identity for named
   * initializers).
   *
   * @param graph the graph
   * @param source the file or resource, for messages
   * @return initializer name to parameter name, for every initializer the block uses
   */
  static Map<String, String> parameterNames(GraphProto graph, String source) {
    Map<String, String> consumer = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      for (String input : node.getInputList()) {
        if (input.startsWith(MATMUL_PREFIX)) {
          String previous = consumer.put(input, node.getName());
          if (previous != null && !previous.equals(node.getName())) {
            throw new ModelLoadException(
                source
                    + ": initializer "
                    + input
                    + " feeds two nodes ("
                    + previous
                    + ", "
                    + node.getName()
                    + "); cannot tell which weight it is");
          }
        }
      }
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      String name = t.getName();
      if (name.startsWith(MATMUL_PREFIX)) {
        String node = consumer.get(name);
        if (node == null || !node.endsWith("/MatMul")) {
          throw new ModelLoadException(
              source
                  + ": initializer "
                  + name
                  + " is not the weight input of a MatMul node (consumer: "
                  + node
                  + ")");
        }
        String path =
            node.substring(node.startsWith("/") ? 1 : 0, node.length() - "/MatMul".length());
        names.put(name, path.replace('/', '.') + ".weight");
      } else {
        names.put(name, name);
      }
    }
    return names;
  }

  /**
   * Reads every parameter the block needs, checking names, types and shapes.
   *
   * @param model the ONNX model
   * @param config the expected geometry
   * @param source the file or resource, for messages
   * @return parameter name to tensor, in {@link #expectedShapes} order
   */
  static Map<String, Tensor> read(ModelProto model, MiniLmConfig config, String source) {
    GraphProto graph = model.getGraph();
    Map<String, String> names = parameterNames(graph, source);
    Map<String, TensorProto> byParameter = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      byParameter.put(names.get(t.getName()), t);
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
      TensorProto t = byParameter.get(e.getKey());
      if (t == null) {
        throw new ModelLoadException(source + ": no initializer for parameter " + e.getKey());
      }
      long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
      boolean transposed = isMatMulWeight(t.getName());
      if (transposed && shape.length == 2) {
        shape = new long[] {shape[1], shape[0]};
      }
      if (!java.util.Arrays.equals(shape, e.getValue())) {
        throw new ModelLoadException(
            source
                + ": initializer "
                + t.getName()
                + " ("
                + e.getKey()
                + ") has shape "
                + java.util.Arrays.toString(t.getDimsList().toArray())
                + ", expected "
                + java.util.Arrays.toString(transposed ? reversed(e.getValue()) : e.getValue()));
      }
      float[] values = floats(t, source);
      if (transposed) {
        values = transpose(values, (int) shape[1], (int) shape[0]);
      }
      out.put(e.getKey(), new Tensor(shape, values));
    }
    return out;
  }

  /**
   * Copies the model, replacing the data of each mapped initializer by the given values and keeping
   * everything else (nodes, inputs, outputs, opset, other initializers) as it was.
   *
   * @param model the original model
   * @param values parameter name to new values (row-major, the initializer's shape)
   * @param source the file or resource, for messages
   * @return the updated model
   */
  static ModelProto withValues(ModelProto model, Map<String, float[]> values, String source) {
    GraphProto graph = model.getGraph();
    Map<String, String> names = parameterNames(graph, source);
    GraphProto.Builder g = graph.toBuilder();
    List<String> written = new ArrayList<>();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      String parameter = names.get(t.getName());
      float[] v = values.get(parameter);
      if (v == null) {
        continue;
      }
      long count = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1L, (a, b) -> a * b);
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || count != v.length) {
        throw new QsimException(
            source
                + ": cannot write "
                + v.length
                + " floats into initializer "
                + t.getName()
                + " ("
                + parameter
                + ")");
      }
      if (isMatMulWeight(t.getName())) {
        v = transpose(v, (int) t.getDims(1), (int) t.getDims(0));
      }
      g.setInitializer(
          i, t.toBuilder().clearFloatData().setRawData(littleEndian(v, parameter)).build());
      written.add(parameter);
    }
    if (written.size() != values.size()) {
      List<String> missing = new ArrayList<>(values.keySet());
      missing.removeAll(written);
      throw new QsimException(source + ": the graph has no initializer for parameters " + missing);
    }
    return model.toBuilder().setGraph(g).build();
  }

  /**
   * Writes a model to a file.
   *
   * @param model the model
   * @param file the target
   */
  static void write(ModelProto model, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      model.writeTo(out);
    } catch (IOException e) {
      throw new QsimException(file + ": cannot write the ONNX model: " + e.getMessage(), e);
    }
  }

  private static boolean isMatMulWeight(String initializer) {
    return initializer.startsWith(MATMUL_PREFIX);
  }

  private static long[] reversed(long[] shape) {
    long[] r = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      r[i] = shape[shape.length - 1 - i];
    }
    return r;
  }

  /** The transpose of a row-major {@code [rows, cols]} matrix. */
  static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  private static float[] floats(TensorProto t, String source) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new ModelLoadException(
          source
              + ": initializer "
              + t.getName()
              + " has data type "
              + t.getDataType()
              + ", expected float32 (1)");
    }
    long count = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1L, (a, b) -> a * b);
    float[] v;
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      v = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(v);
    } else if (t.getFloatDataCount() > 0) {
      v = new float[t.getFloatDataCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatData(i);
      }
    } else {
      throw new ModelLoadException(
          source
              + ": initializer "
              + t.getName()
              + " has no inline data (external data is not supported)");
    }
    if (v.length != count) {
      throw new ModelLoadException(
          source
              + ": initializer "
              + t.getName()
              + " holds "
              + v.length
              + " values, its shape needs "
              + count);
    }
    return v;
  }

  private static ByteString littleEndian(float[] v, String parameter) {
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new QsimException(
            "parameter " + parameter + " holds a non-finite value at index " + i);
      }
      b.putFloat(v[i]);
    }
    b.flip();
    return ByteString.copyFrom(b);
  }
}
