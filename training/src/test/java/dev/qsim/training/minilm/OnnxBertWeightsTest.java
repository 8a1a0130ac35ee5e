package dev.qsim.training.minilm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initializer-to-parameter mapping on the real ONNX file and on small hand-made graphs. */
class OnnxBertWeightsTest {

  private static final MiniLmConfig CONFIG = MiniLmConfig.ALL_MINILM_L6_V2;

  /** A two-layer geometry small enough to build by hand. */
  private static final MiniLmConfig TINY = new MiniLmConfig(2, 4, 2, 8, 10, 6, 2, 1e-12f);

  private static ModelProto bundled;

  @BeforeAll
  static void parseBundled() throws Exception {
    try (InputStream in =
        OnnxBertWeightsTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      bundled = OnnxBertWeights.parse(in, "bundled");
    }
  }

  @Test
  void everyAnonymousMatMulWeightIsNamedThroughItsConsumingNode() {
    Map<String, String> names = OnnxBertWeights.parameterNames(bundled.getGraph(), "bundled");
    long anonymous = names.keySet().stream().filter(n -> n.startsWith("onnx::MatMul")).count();
    assertThat(anonymous).isEqualTo(36);
    assertThat(names.values()).containsAll(OnnxBertWeights.expectedShapes(CONFIG).keySet());
    // read off the graph by hand (Inspect of the node list): MatMul_787 feeds layer 0's query, 864
    // layer 5's output
    assertThat(names)
        .containsEntry("onnx::MatMul_787", "encoder.layer.0.attention.self.query.weight")
        .containsEntry("onnx::MatMul_791", "encoder.layer.0.attention.self.value.weight")
        .containsEntry("onnx::MatMul_798", "encoder.layer.0.intermediate.dense.weight")
        .containsEntry("onnx::MatMul_864", "encoder.layer.5.output.dense.weight")
        .containsEntry("embeddings.LayerNorm.bias", "embeddings.LayerNorm.bias");
  }

  @Test
  void readsAllHundredAndOneTensorsWithTheirShapes() {
    Map<String, OnnxBertWeights.Tensor> tensors = OnnxBertWeights.read(bundled, CONFIG, "bundled");
    assertThat(tensors).hasSize(5 + 6 * 16);
    // the graph stores [in, out]; the block's Linear layout is [out, in]
    assertThat(tensors.get("encoder.layer.3.intermediate.dense.weight").shape())
        .containsExactly(1536, 384);
    assertThat(tensors.get("encoder.layer.3.output.dense.weight").shape())
        .containsExactly(384, 1536);
    long total = tensors.values().stream().mapToLong(t -> t.values().length).sum();
    assertThat(total)
        .isEqualTo(
            22_565_376L); // by hand: 30522*384 word + 512*384 position + 2*384 type + 2*384 norm
    // + 6 layers * (4*(384*384+384) + 2*2*384 + 384*1536+1536 + 1536*384+384) = 22,565,376
    // LayerNorm gains sit near 1, not a transposed or shifted read
    float[] gain = tensors.get("embeddings.LayerNorm.weight").values();
    double mean = 0;
    for (float g : gain) {
      mean += g / gain.length;
    }
    assertThat(mean).isBetween(0.3, 3.0);
  }

  @Test
  void writeBackReplacesOnlyTheNamedTensorsAndKeepsTheGraph() {
    ModelProto model = tinyModel(true);
    Map<String, float[]> values = new HashMap<>();
    values.put("encoder.layer.1.attention.self.key.weight", ramp(16, 100f));
    values.put("embeddings.LayerNorm.bias", ramp(4, -1f));
    ModelProto updated = OnnxBertWeights.withValues(model, values, "tiny");
    assertThat(updated.getGraph().getNodeList()).isEqualTo(model.getGraph().getNodeList());
    Map<String, OnnxBertWeights.Tensor> read = OnnxBertWeights.read(updated, TINY, "tiny");
    assertThat(read.get("encoder.layer.1.attention.self.key.weight").values())
        .containsExactly(ramp(16, 100f));
    assertThat(read.get("embeddings.LayerNorm.bias").values()).containsExactly(ramp(4, -1f));
    assertThat(read.get("encoder.layer.1.attention.self.query.weight").values())
        .containsExactly(
            OnnxBertWeights.read(model, TINY, "tiny")
                .get("encoder.layer.1.attention.self.query.weight")
                .values());
  }

  @Test
  void denseWeightsAreTransposedFromTheGraphsInOutLayout() {
    ModelProto model = tinyModel(true);
    // intermediate.dense of TINY: the graph holds [in 4, out 8] = ramp(32, s); the block wants [out
    // 8, in 4]
    TensorProto stored =
        model.getGraph().getInitializerList().stream()
            .filter(t -> t.getDimsList().equals(List.of(4L, 8L)))
            .findFirst()
            .orElseThrow();
    ByteBuffer b = stored.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] graph = new float[32];
    b.asFloatBuffer().get(graph);
    Map<String, OnnxBertWeights.Tensor> read = OnnxBertWeights.read(model, TINY, "tiny");
    OnnxBertWeights.Tensor block = read.get("encoder.layer.0.intermediate.dense.weight");
    assertThat(block.shape()).containsExactly(8, 4);
    for (int in = 0; in < 4; in++) {
      for (int out = 0; out < 8; out++) {
        assertThat(block.values()[out * 4 + in]).isEqualTo(graph[in * 8 + out]);
      }
    }
    // and back: writing the block layout restores the graph layout bit for bit
    ModelProto again =
        OnnxBertWeights.withValues(
            model, Map.of("encoder.layer.0.intermediate.dense.weight", block.values()), "tiny");
    assertThat(again).isEqualTo(model);
  }

  @Test
  void readsFloatDataAsWellAsRawData() {
    ModelProto model = tinyModel(false);
    Map<String, OnnxBertWeights.Tensor> read = OnnxBertWeights.read(model, TINY, "tiny");
    assertThat(read).hasSize(5 + 2 * 16);
    assertThat(read.get("embeddings.word_embeddings.weight").values()).hasSize(40);
  }

  @Test
  void aMissingTensorIsAnErrorNamingTheSourceAndParameter() {
    ModelProto model = tinyModel(true);
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("encoder.layer.1.output.LayerNorm.bias")) {
        g.removeInitializer(i);
        break;
      }
    }
    ModelProto broken = model.toBuilder().setGraph(g).build();
    assertThatThrownBy(() -> OnnxBertWeights.read(broken, TINY, "tiny.onnx"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tiny.onnx")
        .hasMessageContaining("encoder.layer.1.output.LayerNorm.bias");
  }

  @Test
  void aWrongShapeIsAnErrorNamingTheInitializerAndBothShapes() {
    assertThatThrownBy(() -> OnnxBertWeights.read(tinyModel(true), CONFIG, "tiny.onnx"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tiny.onnx")
        .hasMessageContaining("embeddings.word_embeddings.weight")
        .hasMessageContaining("[10, 4]")
        .hasMessageContaining("[30522, 384]");
  }

  @Test
  void anAnonymousWeightNotFeedingAMatMulIsRejected() {
    ModelProto model = tinyModel(true);
    GraphProto g =
        model.getGraph().toBuilder()
            .addInitializer(tensor("onnx::MatMul_999", new long[] {1}, new float[] {1f}, true))
            .build();
    assertThatThrownBy(() -> OnnxBertWeights.parameterNames(g, "tiny.onnx"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("onnx::MatMul_999");
  }

  @Test
  void nonFiniteValuesAreNotExported() {
    float[] bad = ramp(4, 0f);
    bad[2] = Float.NaN;
    assertThatThrownBy(
            () ->
                OnnxBertWeights.withValues(
                    tinyModel(true), Map.of("embeddings.LayerNorm.bias", bad), "tiny"))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("embeddings.LayerNorm.bias")
        .hasMessageContaining("index 2");
    assertThatThrownBy(
            () ->
                OnnxBertWeights.withValues(
                    tinyModel(true), Map.of("embeddings.LayerNorm.bias", ramp(5, 0f)), "tiny"))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("5 floats");
  }

  @Test
  void notAModelFileIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("junk.onnx");
    Files.writeString(file, "this is not a protobuf at all \u0000\u00ff");
    assertThatThrownBy(() -> OnnxBertWeights.parse(file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(file.toString());
  }

  private static float[] ramp(int n, float start) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i * 0.25f;
    }
    return v;
  }

  /**
   * A graph with the initializers of {@link #TINY} laid out as PyTorch exports BERT: named
   * embeddings, biases and norms, and anonymous MatMul weights consumed by named MatMul nodes.
   */
  private static ModelProto tinyModel(boolean raw) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    int counter = 700;
    float start = 0f;
    for (Map.Entry<String, long[]> e : OnnxBertWeights.expectedShapes(TINY).entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue();
      int n = (int) java.util.Arrays.stream(shape).reduce(1L, (a, b) -> a * b);
      float[] values = ramp(n, start);
      start += 1f;
      boolean anonymous =
          name.startsWith("encoder.") && name.endsWith(".weight") && !name.contains("LayerNorm");
      if (anonymous) {
        String init = "onnx::MatMul_" + counter++;
        String node =
            "/"
                + name.substring(0, name.length() - ".weight".length()).replace('.', '/')
                + "/MatMul";
        // PyTorch's names keep "layer.0" with a dot: encoder/layer.0/...
        node = node.replaceAll("/layer/(\\d+)/", "/layer.$1/");
        // the graph stores dense weights [in, out]
        g.addInitializer(tensor(init, new long[] {shape[1], shape[0]}, values, raw));
        g.addNode(
            NodeProto.newBuilder()
                .setName(node)
                .setOpType("MatMul")
                .addAllInput(List.of("x", init))
                .addOutput(node + "_output_0"));
      } else {
        g.addInitializer(tensor(name, shape, values, raw));
      }
    }
    return ModelProto.newBuilder().setIrVersion(6).setGraph(g).build();
  }

  private static TensorProto tensor(String name, long[] shape, float[] values, boolean raw) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : shape) {
      t.addDims(d);
    }
    if (raw) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      b.flip();
      t.setRawData(ByteString.copyFrom(b));
    } else {
      for (float v : values) {
        t.addFloatData(v);
      }
    }
    return t.build();
  }
}
