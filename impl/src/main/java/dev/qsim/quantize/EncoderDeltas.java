package dev.qsim.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An encoder stored as a base ONNX file plus the weights that training changed
 * (docs/model-format.md, {@code encoder_delta}): {@link #diff} finds the float tensors in which a
 * fine-tuned ONNX file differs from its base and writes them as a safetensors file; {@link #apply}
 * puts them back into the base when a model is loaded. {@link DeltaPacker} writes a whole model
 * directory that way.
 *
 * <p>A changed tensor of two or more dimensions is stored, with {@link Encoding#INT8}, as the
 * difference from the base in int8 with one scale per row (the first dimension): {@code weight =
 * base + scale[row] * q}, where {@code q} is in [-127, 127]. Its name in the file is the
 * initializer's, and its scales are {@code <name>:delta_scale}. A changed tensor of one dimension
 * (biases, layer norms), and every changed tensor with {@link Encoding#FP32}, is stored as its new
 * values. A fine-tune that freezes the lower layers changes only the upper ones, so only those are
 * stored.
 *
 * <p>Stateless and thread-safe.
 */
public final class EncoderDeltas {
  /** The suffix of a tensor's per-row scales in the delta file. */
  static final String SCALE_SUFFIX = ":delta_scale";

  private static final String FORMAT = "qsim-encoder-delta";

  /** How changed tensors are stored. */
  public enum Encoding {
    /** New values in fp32: the loaded weights equal the fine-tuned ones exactly. */
    FP32,
    /** Differences from the base in int8 with one scale per row (a quarter of the size). */
    INT8
  }

  /**
   * What {@link #diff} stored.
   *
   * @param delta the safetensors file's bytes
   * @param baseSha256 the base encoder's fingerprint, for {@code encoder_delta.base_sha256}
   * @param changedTensors how many initializers differ from the base
   * @param changedValues how many weights those tensors hold
   * @param unchangedTensors how many float initializers are identical to the base
   * @param maxError the largest difference between a stored weight, as {@link #apply} rebuilds it,
   *     and the fine-tuned weight (0 with {@link Encoding#FP32})
   */
  public record Delta(
      byte[] delta,
      String baseSha256,
      int changedTensors,
      long changedValues,
      int unchangedTensors,
      double maxError) {}

  private EncoderDeltas() {}

  /**
   * Finds the weights in which {@code tuned} differs from {@code base}.
   *
   * @param base the base ONNX file's bytes
   * @param tuned the fine-tuned ONNX file's bytes: the same graph with other weights
   * @param encoding how to store changed tensors
   * @param baseName the base file, for messages
   * @param tunedName the fine-tuned file, for messages
   * @return the delta file and what it holds
   * @throws QsimException if the two files are not the same graph (other nodes, inputs, outputs,
   *     initializer names, shapes or types): the fine-tuned file is then not a change of weights
   */
  public static Delta diff(
      byte[] base, byte[] tuned, Encoding encoding, String baseName, String tunedName) {
    Objects.requireNonNull(encoding, "encoding");
    GraphProto b = parse(base, baseName).getGraph();
    GraphProto t = parse(tuned, tunedName).getGraph();
    String notSame = tunedName + " is not " + baseName + " with other weights: ";
    if (!b.getNodeList().equals(t.getNodeList())) {
      throw new QsimException(notSame + "their graph nodes differ");
    }
    if (!b.getInputList().equals(t.getInputList())
        || !b.getOutputList().equals(t.getOutputList())) {
      throw new QsimException(notSame + "their inputs or outputs differ");
    }
    Map<String, TensorProto> baseTensors = byName(b);
    Map<String, TensorProto> tunedTensors = byName(t);
    if (!baseTensors.keySet().equals(tunedTensors.keySet())) {
      throw new QsimException(notSame + "their initializer names differ");
    }
    SortedMap<String, SafeTensors.Tensor> stored = new TreeMap<>();
    int changed = 0;
    int unchanged = 0;
    long values = 0;
    double maxError = 0;
    for (Map.Entry<String, TensorProto> e : baseTensors.entrySet()) {
      String name = e.getKey();
      TensorProto bt = e.getValue();
      TensorProto tt = tunedTensors.get(name);
      if (bt.getDataType() != tt.getDataType() || !bt.getDimsList().equals(tt.getDimsList())) {
        throw new QsimException(notSame + "initializer '" + name + "' has another type or shape");
      }
      if (bt.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        if (!bt.equals(tt)) {
          throw new QsimException(
              notSame + "initializer '" + name + "' (not float) has other values");
        }
        continue;
      }
      if (name.endsWith(SCALE_SUFFIX)) {
        throw new QsimException(
            baseName + " has an initializer named '" + name + "', which the delta format reserves");
      }
      float[] bv = Int8Rewriter.floats(bt);
      float[] tv = Int8Rewriter.floats(tt);
      if (Arrays.equals(bv, tv)) {
        unchanged++;
        continue;
      }
      changed++;
      values += tv.length;
      long[] shape = bt.getDimsList().stream().mapToLong(Long::longValue).toArray();
      if (encoding == Encoding.FP32 || shape.length < 2) {
        stored.put(name, SafeTensors.Tensor.of(shape, tv));
        continue;
      }
      int rows = (int) shape[0];
      int cols = tv.length / rows;
      float[] scales = new float[rows];
      byte[] q = new byte[tv.length];
      for (int r = 0; r < rows; r++) {
        float max = 0;
        for (int c = r * cols; c < (r + 1) * cols; c++) {
          max = Math.max(max, Math.abs(tv[c] - bv[c]));
        }
        scales[r] = max / 127f;
        for (int c = r * cols; c < (r + 1) * cols; c++) {
          q[c] = scales[r] == 0 ? 0 : (byte) Math.round((tv[c] - bv[c]) / scales[r]);
          maxError = Math.max(maxError, Math.abs(rebuild(bv[c], scales[r], q[c]) - tv[c]));
        }
      }
      stored.put(name, SafeTensors.Tensor.of(shape, q));
      stored.put(name + SCALE_SUFFIX, SafeTensors.Tensor.of(new long[] {rows}, scales));
    }
    String sha = sha256(base);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FORMAT);
    metadata.put("format_version", "1");
    metadata.put("base_sha256", sha);
    metadata.put("encoding", encoding.name().toLowerCase(java.util.Locale.ROOT));
    return new Delta(
        SafeTensors.write(stored, metadata), sha, changed, values, unchanged, maxError);
  }

  /**
   * Puts the stored weights into the base encoder.
   *
   * @param base the base ONNX file's bytes
   * @param delta the safetensors file's bytes
   * @param baseSha256 the fingerprint the model's metadata expects of the base
   * @param baseName the base file, for messages
   * @param deltaName the delta file, for messages
   * @return the ONNX file with the changed weights
   * @throws ModelLoadException if the base is not the one the delta was made against, or the delta
   *     file is malformed or names a tensor the base lacks or shapes it otherwise
   */
  public static byte[] apply(
      byte[] base, byte[] delta, String baseSha256, String baseName, String deltaName) {
    String sha = sha256(base);
    if (!sha.equals(baseSha256)) {
      throw new ModelLoadException(
          deltaName
              + " was made against a base encoder with "
              + baseSha256
              + ", but "
              + baseName
              + " has "
              + sha
              + " (another version of the base is on the class path or in the directory)");
    }
    SafeTensors.Contents contents = SafeTensors.read(delta, deltaName);
    if (!FORMAT.equals(contents.metadata().get("format"))) {
      throw new ModelLoadException(
          deltaName
              + " is not a qsim encoder delta (its __metadata__ lacks format="
              + FORMAT
              + ")");
    }
    if (!sha.equals(contents.metadata().get("base_sha256"))) {
      throw new ModelLoadException(
          deltaName
              + " records base "
              + contents.metadata().get("base_sha256")
              + " but its model metadata says "
              + baseSha256);
    }
    ModelProto model = parse(base, baseName);
    GraphProto.Builder graph = model.getGraph().toBuilder();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      index.put(graph.getInitializer(i).getName(), i);
    }
    for (Map.Entry<String, SafeTensors.Tensor> e : contents.tensors().entrySet()) {
      String name = e.getKey();
      SafeTensors.Tensor stored = e.getValue();
      if (name.endsWith(SCALE_SUFFIX)) {
        String of = name.substring(0, name.length() - SCALE_SUFFIX.length());
        if (!contents.tensors().containsKey(of)) {
          throw new ModelLoadException(deltaName + " has scales '" + name + "' for no tensor");
        }
        continue;
      }
      Integer at = index.get(name);
      if (at == null) {
        throw new ModelLoadException(
            deltaName + " changes tensor '" + name + "', which " + baseName + " does not have");
      }
      TensorProto bt = graph.getInitializer(at);
      long[] shape = bt.getDimsList().stream().mapToLong(Long::longValue).toArray();
      if (bt.getDataType() != TensorProto.DataType.FLOAT_VALUE
          || !Arrays.equals(shape, stored.shape())) {
        throw new ModelLoadException(
            deltaName
                + " gives tensor '"
                + name
                + "' shape "
                + Arrays.toString(stored.shape())
                + ", but in "
                + baseName
                + " it is "
                + (bt.getDataType() == TensorProto.DataType.FLOAT_VALUE ? "float " : "not float ")
                + Arrays.toString(shape));
      }
      float[] values;
      if (stored.f32() != null) {
        values = stored.f32();
      } else {
        values = Int8Rewriter.floats(bt);
        SafeTensors.Tensor scales = contents.tensors().get(name + SCALE_SUFFIX);
        int rows = (int) shape[0];
        if (scales == null || scales.f32() == null || scales.f32().length != rows) {
          throw new ModelLoadException(
              deltaName + " stores '" + name + "' in int8 without " + rows + " F32 row scales");
        }
        int cols = values.length / rows;
        for (int i = 0; i < values.length; i++) {
          values[i] = rebuild(values[i], scales.f32()[i / cols], stored.i8()[i]);
        }
      }
      ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(values);
      graph.setInitializer(
          at, bt.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(raw.array())));
    }
    return model.toBuilder().setGraph(graph).build().toByteArray();
  }

  /**
   * {@return {@code "sha256:"} and the lower-case hex SHA-256 of {@code bytes}}
   *
   * @param bytes the bytes to hash
   */
  public static String sha256(byte[] bytes) {
    try {
      return dev.qsim.model.ModelChecksums.sha256(new java.io.ByteArrayInputStream(bytes));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array cannot fail to read
    }
  }

  private static float rebuild(float base, float scale, byte q) {
    return base + scale * q;
  }

  private static Map<String, TensorProto> byName(GraphProto graph) {
    Map<String, TensorProto> out = new TreeMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      out.put(t.getName(), t);
    }
    return out;
  }

  private static ModelProto parse(byte[] onnx, String name) {
    try {
      ModelProto model = ModelProto.parseFrom(onnx);
      if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
        throw new ModelLoadException(name + " is not an ONNX model: it has no graph nodes");
      }
      for (TensorProto t : model.getGraph().getInitializerList()) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
          throw new ModelLoadException(
              name
                  + " keeps tensor '"
                  + t.getName()
                  + "' in an external file; qsim needs one file");
        }
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(name + " is not an ONNX model: " + e.getMessage(), e);
    }
  }
}
