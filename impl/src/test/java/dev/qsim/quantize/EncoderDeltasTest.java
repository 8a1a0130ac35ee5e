package dev.qsim.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.qsim.Embedding;
import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fine-tuned encoder stored as the bundled base plus its changed weights: made here by changing
 * the weights of the bundled all-MiniLM-L6-v2's last layer (a real fine-tune changes the upper
 * layers the same way), written as a full model directory, packed, and loaded through the public
 * API. The packed model must embed as the full one does (exactly with fp32, closely with int8) and
 * unlike the base; a wrong base, a damaged delta and a changed graph are refused by name.
 */
class EncoderDeltasTest {
  private static final ClassLoader LOADER = EncoderDeltasTest.class.getClassLoader();
  private static final List<String> QUESTIONS =
      List.of(
          "How do I learn Java quickly?",
          "What is the fastest way to learn Java?",
          "Why is the sky blue?",
          "How can I stop my depression?",
          "Which is the best laptop for programming under $1000?");

  @TempDir static Path tmp;
  private static byte[] base;
  private static Path full;
  private static Path packedFp32;
  private static List<Embedding> fromFull;
  private static List<Embedding> fromBase;

  @BeforeAll
  static void writeFineTune() throws IOException {
    ModelMetadata bundled = bundledMetadata();
    base = resource(bundled.encoderFile());
    full = tmp.resolve("full");
    Files.createDirectories(full);
    Files.write(full.resolve("model.onnx"), perturbLastLayer(base));
    Files.write(full.resolve("tokenizer.json"), resource(bundled.tokenizerFile()));
    Files.writeString(full.resolve("pair-head.json"), resourceText(bundled.pairHeadFile()));
    bundled.toBuilder()
        .encoderFile("model.onnx")
        .tokenizerFile("tokenizer.json")
        .pairHead("pair-head.json", bundled.pairHeadThreshold())
        .build()
        .write(full.resolve(ModelMetadata.FILE_NAME));
    packedFp32 = tmp.resolve("packed-fp32");
    DeltaPacker.pack(
        full, LOADER, OnnxQuestionSimilarity.BASE_MODEL, EncoderDeltas.Encoding.FP32, packedFp32);
    fromFull = embed(full);
    fromBase = embed(null);
  }

  @Test
  void fp32DeltaEmbedsExactlyAsTheFullModelAndUnlikeTheBase() {
    ModelMetadata md = ModelMetadata.read(packedFp32.resolve(ModelMetadata.FILE_NAME));
    assertThat(packedFp32.resolve("model.onnx")).doesNotExist();
    assertThat(md.encoderFile()).startsWith("/");
    assertThat(md.tokenizerFile()).as("same tokenizer: the base's is used").startsWith("/");
    assertThat(md.encoderDelta().baseSha256()).isEqualTo(EncoderDeltas.sha256(base));
    assertThat(md.provenance().get("encoder_delta").toString()).contains("changed_tensors=16");
    List<Embedding> fromDelta = embed(packedFp32);
    for (int i = 0; i < QUESTIONS.size(); i++) {
      assertThat(fromDelta.get(i).vector()).containsExactly(fromFull.get(i).vector());
      assertThat(cosine(fromDelta.get(i), fromBase.get(i)))
          .as("the change of the last layer shows in question %d", i)
          .isLessThan(0.999);
    }
  }

  @Test
  void int8DeltaIsAQuarterOfTheSizeAndEmbedsCloseToTheFullModel() throws IOException {
    Path fp32 = packedFp32;
    Path int8 = tmp.resolve("size-int8");
    ModelMetadata md =
        DeltaPacker.pack(
            full, LOADER, OnnxQuestionSimilarity.BASE_MODEL, EncoderDeltas.Encoding.INT8, int8);
    long fp32Size = Files.size(fp32.resolve("encoder-delta.safetensors"));
    long int8Size = Files.size(int8.resolve(md.encoderDelta().file()));
    // six 2-D weights (1.77M values) shrink 4x; biases and norms stay fp32; one scale per row.
    assertThat((double) int8Size / fp32Size).isBetween(0.25, 0.27);
    List<Embedding> fromDelta = embed(int8);
    for (int i = 0; i < QUESTIONS.size(); i++) {
      assertThat(cosine(fromDelta.get(i), fromFull.get(i))).isGreaterThan(0.9999);
    }
  }

  @Test
  void anUnchangedEncoderHasAnEmptyDeltaAndEmbedsAsTheBase() throws IOException {
    Path same = tmp.resolve("same");
    Files.createDirectories(same);
    Files.write(same.resolve("model.onnx"), base);
    Files.copy(full.resolve("tokenizer.json"), same.resolve("tokenizer.json"));
    ModelMetadata.read(full.resolve(ModelMetadata.FILE_NAME)).toBuilder()
        .pairHead(null, Double.NaN)
        .build()
        .write(same.resolve(ModelMetadata.FILE_NAME));
    Path packed = tmp.resolve("same-packed");
    ModelMetadata md =
        DeltaPacker.pack(
            same, LOADER, OnnxQuestionSimilarity.BASE_MODEL, EncoderDeltas.Encoding.INT8, packed);
    assertThat(md.provenance().get("encoder_delta").toString()).contains("changed_tensors=0");
    assertThat(md.pairHeadFile()).isNull();
    List<Embedding> fromDelta = embed(packed);
    for (int i = 0; i < QUESTIONS.size(); i++) {
      assertThat(fromDelta.get(i).vector()).containsExactly(fromBase.get(i).vector());
    }
  }

  @Test
  void aDeltaMadeAgainstAnotherBaseIsRefusedNamingBothFingerprints() throws IOException {
    Path packed = packedCopy("other-base");
    ModelMetadata md = ModelMetadata.read(packed.resolve(ModelMetadata.FILE_NAME));
    String other = "sha256:" + "0".repeat(64);
    Files.delete(packed.resolve(ModelMetadata.FILE_NAME));
    md.toBuilder()
        .encoderDelta(new ModelMetadata.EncoderDelta(md.encoderDelta().file(), other))
        .build()
        .write(packed.resolve(ModelMetadata.FILE_NAME));
    assertThatThrownBy(() -> embed(packed))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(other)
        .hasMessageContaining(EncoderDeltas.sha256(base))
        .hasMessageContaining("encoder-delta.safetensors");
  }

  @Test
  void aTruncatedDeltaIsRefusedNamingTheFile() throws IOException {
    Path packed = packedCopy("truncated");
    Path delta = packed.resolve("encoder-delta.safetensors");
    byte[] bytes = Files.readAllBytes(delta);
    Files.write(delta, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> embed(packed))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(delta.toString())
        .hasMessageContaining("Model file damaged");
    // Without the checksums (a directory written before they were recorded) the parser finds it.
    Path metadata = packed.resolve(ModelMetadata.FILE_NAME);
    ModelMetadata.read(metadata).toBuilder().build().write(metadata);
    assertThatThrownBy(() -> embed(packed))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(delta.toString())
        .hasMessageContaining("not a valid safetensors file")
        .hasMessageContaining("data_offsets");
  }

  @Test
  void aDeltaThatNamesATensorTheBaseLacksIsRefused() {
    byte[] delta =
        SafeTensors.write(
            new java.util.TreeMap<>(
                java.util.Map.of(
                    "encoder.layer.9.output.dense.bias",
                    SafeTensors.Tensor.of(new long[] {384}, new float[384]))),
            java.util.Map.of(
                "format", "qsim-encoder-delta", "base_sha256", EncoderDeltas.sha256(base)));
    assertThatThrownBy(
            () -> EncoderDeltas.apply(base, delta, EncoderDeltas.sha256(base), "base.onnx", "d"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'encoder.layer.9.output.dense.bias', which base.onnx does not have");
  }

  @Test
  void aChangedGraphIsNotADeltaOfTheBase() throws IOException {
    ModelProto model = ModelProto.parseFrom(base);
    GraphProto graph = model.getGraph().toBuilder().removeNode(0).build();
    byte[] other = model.toBuilder().setGraph(graph).build().toByteArray();
    assertThatThrownBy(
            () ->
                EncoderDeltas.diff(base, other, EncoderDeltas.Encoding.INT8, "base", "tuned.onnx"))
        .isInstanceOf(QsimException.class)
        .hasMessage("tuned.onnx is not base with other weights: their graph nodes differ");
  }

  @Test
  @org.junit.jupiter.api.Tag("slow")
  void aDeltaModelQuantisesToInt8LikeTheFullModel() {
    Path packed = packedCopy("to-int8");
    Path deltaInt8 = tmp.resolve("to-int8-q");
    Path fullInt8 = tmp.resolve("full-q");
    Quantizer.quantize(packed, deltaInt8);
    Quantizer.quantize(full, fullInt8);
    assertThat(ModelMetadata.read(deltaInt8.resolve(ModelMetadata.FILE_NAME)).encoderDelta())
        .isNull();
    List<Embedding> a = embed(deltaInt8);
    List<Embedding> b = embed(fullInt8);
    for (int i = 0; i < QUESTIONS.size(); i++) {
      assertThat(a.get(i).vector()).containsExactly(b.get(i).vector());
    }
  }

  /** A copy of the fp32-packed directory, for a test to change. */
  private static Path packedCopy(String name) {
    Path packed = tmp.resolve(name);
    try {
      Files.createDirectory(packed);
      try (var files = Files.list(packedFp32)) {
        for (Path f : files.toList()) {
          Files.copy(f, packed.resolve(f.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return packed;
  }

  /** Adds seeded noise (2% of each tensor's spread) to every float weight of layer 5. */
  private static byte[] perturbLastLayer(byte[] onnx) throws IOException {
    ModelProto model = ModelProto.parseFrom(onnx);
    GraphProto.Builder graph = model.getGraph().toBuilder();
    List<TensorProto> all = graph.getInitializerList();
    List<String> matMuls =
        all.stream()
            .map(TensorProto::getName)
            .filter(n -> n.startsWith("onnx::MatMul_"))
            .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(13))))
            .toList();
    List<String> lastSix = matMuls.subList(matMuls.size() - 6, matMuls.size());
    Random random = new Random(7);
    for (int i = 0; i < all.size(); i++) {
      TensorProto t = all.get(i);
      if (!t.getName().startsWith("encoder.layer.5.") && !lastSix.contains(t.getName())) {
        continue;
      }
      float[] v = Int8Rewriter.floats(t);
      float spread = 0;
      for (float x : v) {
        spread = Math.max(spread, Math.abs(x));
      }
      ByteBuffer raw = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float x : v) {
        raw.putFloat(x + (float) (random.nextGaussian() * 0.02 * spread));
      }
      graph.setInitializer(
          i, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(raw.array())));
    }
    return model.toBuilder().setGraph(graph).build().toByteArray();
  }

  private static List<Embedding> embed(Path dir) {
    OnnxQuestionSimilarity.Builder b = OnnxQuestionSimilarity.builder();
    if (dir == null) {
      b.setModelResource(LOADER, OnnxQuestionSimilarity.BASE_MODEL);
    } else {
      b.setModelDirectory(dir);
    }
    try (OnnxQuestionSimilarity model = b.build()) {
      return model.embedAll(QUESTIONS);
    }
  }

  private static double cosine(Embedding a, Embedding b) {
    double dot = 0;
    for (int k = 0; k < a.vector().length; k++) {
      dot += (double) a.vector()[k] * b.vector()[k];
    }
    return dot;
  }

  private static ModelMetadata bundledMetadata() throws IOException {
    try (InputStream in =
            LOADER.getResourceAsStream(
                OnnxQuestionSimilarity.BASE_MODEL + "/" + ModelMetadata.FILE_NAME);
        java.io.Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
      return ModelMetadata.parse(r, "bundled");
    }
  }

  private static byte[] resource(String name) throws IOException {
    String path =
        name.startsWith("/") ? name.substring(1) : OnnxQuestionSimilarity.BASE_MODEL + "/" + name;
    try (InputStream in = LOADER.getResourceAsStream(path)) {
      return in.readAllBytes();
    }
  }

  private static String resourceText(String name) throws IOException {
    return new String(resource(name), StandardCharsets.UTF_8);
  }
}
