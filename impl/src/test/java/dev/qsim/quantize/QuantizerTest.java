package dev.qsim.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.qsim.Embedding;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantiser on small real ONNX graphs built here (a word-embedding table followed by a linear
 * layer, served with the bundled WordPiece tokenizer): the int8 copy loads through the public API,
 * agrees with fp32, records its precision, and graphs it cannot help are refused with a message
 * that says why.
 */
class QuantizerTest {
  private static final int VOCAB = 30522;
  private static final int IN = 32;
  private static final int OUT = 24;
  private static final List<String> QUESTIONS =
      List.of(
          "How do I learn Java quickly?",
          "What is the fastest way to learn Java?",
          "Why is the sky blue?",
          "Est-ce que le café est bon pour la santé ?",
          "How can I stop my depression?");

  @TempDir Path tmp;

  @Test
  void matMulWithBiasAddIsQuantisedAndAgreesWithFp32() throws IOException {
    Path fp32 = modelDirectory("matmul", matMulGraph(), Pooling.MEAN);
    Path int8 = tmp.resolve("matmul-int8");
    ModelMetadata md = Quantizer.quantize(fp32, int8);

    assertThat(md.precision()).isEqualTo(Precision.INT8);
    assertThat(ModelMetadata.read(int8.resolve(ModelMetadata.FILE_NAME)).precision())
        .isEqualTo(Precision.INT8);
    ModelProto rewritten = ModelProto.parseFrom(Files.readAllBytes(int8.resolve("model.onnx")));
    List<String> ops =
        rewritten.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    // One integer product; the fp32 MatMul is gone and the bias is added to its rescaled result.
    assertThat(ops).containsOnlyOnce("MatMulInteger").doesNotContain("MatMul", "Gemm");
    assertThat(ops.get(ops.size() - 1)).isEqualTo("Add");
    assertThat(rewritten.getGraph().getInitializerList())
        .extracting(TensorProto::getName)
        .doesNotContain("w");
    assertAgrees(fp32, int8, 0.999);
  }

  @Test
  void gemmWithTransposedWeightsIsQuantisedAndAgreesWithFp32() throws IOException {
    Path fp32 = modelDirectory("gemm", gemmGraph(), Pooling.NONE);
    Path int8 = tmp.resolve("gemm-int8");
    Quantizer.quantize(fp32, int8);
    ModelProto rewritten = ModelProto.parseFrom(Files.readAllBytes(int8.resolve("model.onnx")));
    List<String> ops =
        rewritten.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertThat(ops.subList(0, 2)).containsExactly("Gather", "ReduceMean");
    assertThat(ops).containsOnlyOnce("MatMulInteger").doesNotContain("MatMul", "Gemm");
    assertAgrees(fp32, int8, 0.999);
  }

  @Test
  void anInt8VectorDoesNotDependOnTheOtherQuestionsOfTheCall() throws IOException {
    Path fp32 = modelDirectory("rows", matMulGraph(), Pooling.MEAN);
    Path int8 = tmp.resolve("rows-int8");
    Quantizer.quantize(fp32, int8);
    try (OnnxQuestionSimilarity m =
        OnnxQuestionSimilarity.builder().setModelDirectory(int8).build()) {
      List<Embedding> together = m.embedAll(QUESTIONS);
      for (int i = 0; i < QUESTIONS.size(); i++) {
        // Each token's activations have their own scale: a question's vector is the same to the
        // last bit alone and beside questions whose activations are larger or smaller.
        assertThat(m.embed(QUESTIONS.get(i)).vector())
            .as("question %d alone and in a batch of %d", i, QUESTIONS.size())
            .containsExactly(together.get(i).vector());
      }
    }
  }

  @Test
  void aGraphWithoutConstantMatrixProductsIsRefused() throws IOException {
    Path dir = modelDirectory("no-matmul", noMatMulGraph(), Pooling.NONE);
    Path target = tmp.resolve("no-matmul-int8");
    assertThatThrownBy(() -> Quantizer.quantize(dir, target))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(dir.resolve("model.onnx").toString())
        .hasMessageContaining("no MatMul, Gemm or LSTM node with constant fp32 weights");
    assertThat(target).doesNotExist();
  }

  @Test
  void aGraphOfAnOperatorSetWithoutIntegerProductsIsRefused() throws IOException {
    ModelProto opset9 =
        matMulGraph().toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(9))
            .build();
    Path dir = modelDirectory("opset9", opset9, Pooling.MEAN);
    Path target = tmp.resolve("opset9-int8");
    assertThatThrownBy(() -> Quantizer.quantize(dir, target))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(dir.resolve("model.onnx").toString())
        .hasMessageContaining("operator set 9")
        .hasMessageContaining("need 11 or later");
    assertThat(target).doesNotExist();
  }

  @Test
  void anInt8ModelIsNotQuantisedTwiceNorLoadedAsFp32() throws IOException {
    Path fp32 = modelDirectory("twice", matMulGraph(), Pooling.MEAN);
    Path int8 = tmp.resolve("twice-int8");
    Quantizer.quantize(fp32, int8);
    assertThatThrownBy(() -> Quantizer.quantize(int8, tmp.resolve("thrice")))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("precision int8; only fp32 models can be quantised");
    // Even with the metadata claiming fp32, the graph itself gives it away.
    Path lying = tmp.resolve("lying");
    Files.createDirectories(lying);
    Files.copy(int8.resolve("model.onnx"), lying.resolve("model.onnx"));
    Files.copy(int8.resolve("tokenizer.json"), lying.resolve("tokenizer.json"));
    ModelMetadata.read(int8.resolve(ModelMetadata.FILE_NAME)).toBuilder()
        .precision(Precision.FP32)
        .build()
        .write(lying.resolve(ModelMetadata.FILE_NAME));
    assertThatThrownBy(() -> Quantizer.quantize(lying, tmp.resolve("lying-int8")))
        .hasMessageContaining("already quantised")
        .hasMessageContaining("MatMulInteger");
    assertThatThrownBy(
            () ->
                OnnxQuestionSimilarity.builder()
                    .setModelDirectory(int8)
                    .optPrecision(Precision.FP32)
                    .build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("is int8; it cannot be loaded as fp32");
  }

  @Test
  void notAnOnnxFileAndAnExistingTargetAreRefused() throws IOException {
    Path dir = modelDirectory("broken", matMulGraph(), Pooling.MEAN);
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5});
    assertThatThrownBy(() -> Quantizer.quantize(dir, tmp.resolve("broken-int8")))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(dir.resolve("model.onnx").toString())
        .hasMessageContaining("is not an ONNX model");

    Path good = modelDirectory("good", matMulGraph(), Pooling.MEAN);
    Path existing = Files.createDirectories(tmp.resolve("existing"));
    assertThatThrownBy(() -> Quantizer.quantize(good, existing))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> Quantizer.quantize(tmp.resolve("missing"), tmp.resolve("x")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model directory not found");
  }

  @Test
  void weightsAreQuantisedPerColumnWithinHalfAStep() {
    float[] w = {0.5f, -100f, 0.25f, 3f, -0.5f, 50f};
    Int8Rewriter.QuantisedWeight q = Int8Rewriter.quantise(w, 3, 2, 1);
    assertThat(q.scales()[0]).isEqualTo(0.5f / Int8Rewriter.WEIGHT_MAX);
    assertThat(q.scales()[1]).isEqualTo(100f / Int8Rewriter.WEIGHT_MAX);
    for (int i = 0; i < w.length; i++) {
      float back = q.values()[i] * q.scales()[i % 2];
      assertThat(Math.abs(back - w[i])).isLessThanOrEqualTo(q.scales()[i % 2] / 2 + 1e-6f);
      assertThat(Math.abs(q.values()[i])).isLessThanOrEqualTo(Int8Rewriter.WEIGHT_MAX);
    }
  }

  private void assertAgrees(Path fp32, Path int8, double minCosine) {
    try (OnnxQuestionSimilarity a =
            OnnxQuestionSimilarity.builder().setModelDirectory(fp32).build();
        OnnxQuestionSimilarity b =
            OnnxQuestionSimilarity.builder().setModelDirectory(int8).build()) {
      assertThat(b.metadata().precision()).isEqualTo(Precision.INT8);
      List<Embedding> x = a.embedAll(QUESTIONS);
      List<Embedding> y = b.embedAll(QUESTIONS);
      boolean differs = false;
      for (int i = 0; i < QUESTIONS.size(); i++) {
        float[] u = x.get(i).vector();
        float[] v = y.get(i).vector();
        assertThat(SimilarityFunction.COSINE.compare(u, v))
            .as("cosine of fp32 and int8, question %d", i)
            .isGreaterThanOrEqualTo(minCosine);
        differs |= !java.util.Arrays.equals(u, v);
      }
      assertThat(differs).as("the int8 graph really runs different arithmetic").isTrue();
    }
  }

  // ---- model directories and graphs ----

  private Path modelDirectory(String name, ModelProto graph, Pooling pooling) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.write(dir.resolve("model.onnx"), graph.toByteArray());
    try (InputStream in =
        QuantizerTest.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      assertThat(in).as("the bundled tokenizer on the test class path").isNotNull();
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    ModelMetadata.builder()
        .name(name)
        .pooling(pooling)
        .dimension(pooling == Pooling.NONE ? OUT : OUT)
        .maxSequenceLength(32)
        .similarityFunction(SimilarityFunction.COSINE)
        .similarityThreshold(0.5)
        .output("out")
        .build()
        .write(dir.resolve(ModelMetadata.FILE_NAME));
    return dir;
  }

  private static ModelProto matMulGraph() {
    Random r = new Random(7);
    GraphProto.Builder g = base(r);
    g.addInitializer(floats("w", r, IN, OUT))
        .addInitializer(floats("b", r, OUT))
        .addNode(node("MatMul", "mm", List.of("emb", "w"), "h"))
        .addNode(node("Add", "bias", List.of("h", "b"), "out"))
        .addOutput(output("out", 3));
    return model(g);
  }

  private static ModelProto gemmGraph() {
    Random r = new Random(11);
    GraphProto.Builder g = base(r);
    g.addInitializer(floats("w", r, OUT, IN))
        .addInitializer(floats("c", r, OUT))
        .addNode(
            node("ReduceMean", "pool", List.of("emb"), "pooled").toBuilder()
                .addAttribute(ints("axes", 1))
                .addAttribute(
                    AttributeProto.newBuilder()
                        .setName("keepdims")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .build())
        .addNode(
            node("Gemm", "dense", List.of("pooled", "w", "c"), "out").toBuilder()
                .addAttribute(
                    AttributeProto.newBuilder()
                        .setName("transB")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(1))
                .build())
        .addOutput(output("out", 2));
    return model(g);
  }

  private static ModelProto noMatMulGraph() {
    Random r = new Random(3);
    GraphProto.Builder g = base(r);
    g.addNode(
            node("ReduceMean", "pool", List.of("emb"), "out").toBuilder()
                .addAttribute(ints("axes", 1))
                .addAttribute(
                    AttributeProto.newBuilder()
                        .setName("keepdims")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .build())
        .addOutput(output("out", 2));
    return model(g);
  }

  /** input_ids -> Gather(table) = emb [batch, tokens, IN]. */
  private static GraphProto.Builder base(Random r) {
    TypeProto ids =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.INT64_VALUE)
                    .setShape(
                        TensorShapeProto.newBuilder()
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"))))
            .build();
    return GraphProto.newBuilder()
        .setName("test")
        .addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(ids))
        .addInitializer(floats("table", r, VOCAB, IN))
        .addNode(node("Gather", "embed", List.of("table", "input_ids"), "emb"));
  }

  private static ModelProto model(GraphProto.Builder g) {
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("qsim-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(g)
        .build();
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static ValueInfoProto output(String name, int rank) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int i = 0; i < rank; i++) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  private static TensorProto floats(String name, Random r, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < n; i++) {
      b.putFloat((float) r.nextGaussian());
    }
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
}
