package dev.qsim.training.minilm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.qsim.Embedding;
import dev.qsim.InferenceException;
import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.training.QuestionTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL block against ONNX Runtime running the original ONNX file (an independent
 * implementation), the export round trip, and a few training steps. Loads the 90 MB model twice;
 * about half a minute on two cores.
 */
class MiniLmEncoderTest {

  private static final Path DATA =
      Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));

  private static NDManager manager;
  private static MiniLmEncoder encoder;
  private static OrtReference ort;
  private static QuestionTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    System.setProperty("ai.djl.offline", "true");
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    encoder = MiniLmEncoder.builder().build();
    ort = OrtReference.bundled();
    tokenizer = QuestionTokenizer.bundled(128);
  }

  @AfterAll
  static void close() throws Exception {
    tokenizer.close();
    ort.close();
    encoder.close();
    manager.close();
  }

  /**
   * The first {@code rows} rows of quora/dev.tsv ({@code label, q1, q2, id}): both questions of
   * each.
   */
  static List<String> devQuestions(int rows) throws IOException {
    List<String> out = new ArrayList<>();
    try (var lines = Files.lines(DATA.resolve("quora/dev.tsv"))) {
      for (String line : lines.limit(rows).collect(Collectors.toList())) {
        String[] cols = line.split("\t", -1);
        out.add(cols[1]);
        out.add(cols[2]);
      }
    }
    return out;
  }

  static long[][] toLongs(NDArray a) {
    long[] flat = a.toLongArray();
    int rows = (int) a.getShape().get(0);
    int cols = (int) a.getShape().get(1);
    long[][] out = new long[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }

  static double maxAbsDiff(float[] djl, float[][] reference) {
    double max = 0;
    int dim = reference[0].length;
    for (int i = 0; i < reference.length; i++) {
      for (int d = 0; d < dim; d++) {
        max = Math.max(max, Math.abs(djl[i * dim + d] - reference[i][d]));
      }
    }
    return max;
  }

  @Test
  void embeddingsMatchOnnxRuntimeOnTwentyRealQuestions() throws Exception {
    List<String> questions = devQuestions(10);
    assertThat(questions).hasSize(20);
    try (NDManager m = manager.newSubManager()) {
      NDList batch = tokenizer.inputs(m, questions);
      long[][] ids = toLongs(batch.get(0));
      long[][] mask = toLongs(batch.get(1));
      assertThat(ids[0][0]).as("[CLS]").isEqualTo(101L);

      float[][][] refHidden = ort.hiddenStates(ids, mask);
      float[][] refPooled = OrtReference.meanPoolNormalize(refHidden, mask);

      NDArray embeddings = encoder.embed(batch.get(0), batch.get(1));
      assertThat(embeddings.getShape()).isEqualTo(new Shape(20, 384));
      assertThat(maxAbsDiff(embeddings.toFloatArray(), refPooled)).isLessThan(1e-4);
      float[] norms = embeddings.norm(new int[] {1}).toFloatArray();
      for (float n : norms) {
        assertThat((double) n).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      }

      NDArray hidden = encoder.hiddenStates(batch.get(0), batch.get(1));
      float[] h = hidden.toFloatArray();
      int tokens = ids[0].length;
      double max = 0;
      for (int b = 0; b < ids.length; b++) {
        for (int t = 0; t < tokens; t++) {
          for (int d = 0; d < 384; d++) {
            max = Math.max(max, Math.abs(h[(b * tokens + t) * 384 + d] - refHidden[b][t][d]));
          }
        }
      }
      assertThat(max).as("last_hidden_state, every position").isLessThan(1e-4);
    }
  }

  @Test
  void paddingInABatchDoesNotChangeAQuestionsEmbedding() throws Exception {
    List<String> questions = devQuestions(4);
    try (NDManager m = manager.newSubManager()) {
      NDList batch = padded(m, tokenizer.encode(questions), 128);
      float[] together = encoder.embed(batch.get(0), batch.get(1)).toFloatArray();
      NDList alone = tokenizer.inputs(m, questions.subList(3, 4));
      assertThat(alone.get(0).getShape().get(1)).isLessThan(batch.get(0).getShape().get(1));
      float[] single = encoder.embed(alone.get(0), alone.get(1)).toFloatArray();
      for (int d = 0; d < 384; d++) {
        assertThat((double) together[3 * 384 + d])
            .isCloseTo(single[d], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void exportWithoutTrainingReproducesTheOriginalModel(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.onnx");
    encoder.exportOnnx(file);
    assertThat(encoder.exportedPooling()).isEqualTo("mean");

    ModelProto original;
    try (var in =
        MiniLmEncoderTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      original = OnnxBertWeights.parse(in, "bundled");
    }
    ModelProto exported = OnnxBertWeights.parse(file);
    assertThat(exported.getGraph().getNodeList()).isEqualTo(original.getGraph().getNodeList());
    assertThat(exported.getGraph().getInputList()).isEqualTo(original.getGraph().getInputList());
    assertThat(exported.getGraph().getOutputList()).isEqualTo(original.getGraph().getOutputList());
    assertThat(exported.getOpsetImportList()).isEqualTo(original.getOpsetImportList());
    List<TensorProto> a = original.getGraph().getInitializerList();
    List<TensorProto> b = exported.getGraph().getInitializerList();
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).getName()).isEqualTo(a.get(i).getName());
      assertThat(b.get(i).getRawData()).as(a.get(i).getName()).isEqualTo(a.get(i).getRawData());
    }

    List<String> questions = devQuestions(3);
    try (NDManager m = manager.newSubManager();
        OrtReference exportedOrt = OrtReference.of(file)) {
      NDList batch = tokenizer.inputs(m, questions);
      long[][] ids = toLongs(batch.get(0));
      long[][] mask = toLongs(batch.get(1));
      float[][][] x = exportedOrt.hiddenStates(ids, mask);
      float[][][] y = ort.hiddenStates(ids, mask);
      assertThat(x).isDeepEqualTo(y);
    }
  }

  @Test
  void trainingStepsLowerTheLossAndTheExportMatchesTheBlock(@TempDir Path dir) throws Exception {
    List<String> questions = devQuestions(8); // 8 pairs
    float[] labels = new float[8];
    try (var lines = Files.lines(DATA.resolve("quora/dev.tsv"))) {
      List<String> rows = lines.limit(8).collect(Collectors.toList());
      for (int i = 0; i < 8; i++) {
        labels[i] = Float.parseFloat(rows.get(i).split("\t", -1)[0]);
      }
    }
    assertThat(labels).contains(0f, 1f);
    Path file = dir.resolve("model.onnx");
    try (MiniLmEncoder trained = MiniLmEncoder.builder().optDropout(0f).build();
        NDManager m = manager.newSubManager();
        QuestionTokenizer shortTokenizer = QuestionTokenizer.bundled(16);
        Model model = Model.newInstance("minilm-test", Device.cpu(), "PyTorch")) {
      model.setBlock(trained.block());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adamW()
                      .optLearningRateTracker(Tracker.fixed(1e-4f))
                      .optWeightDecays(0.01f)
                      .build())
              .optDevices(new Device[] {Device.cpu()});
      NDList batch = shortTokenizer.inputs(m, questions);
      assertThat(batch.get(0).getShape()).isEqualTo(new Shape(16, 16));
      NDArray target = m.create(labels);
      float[] losses = new float[3];
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(16, 16), new Shape(16, 16));
        for (int step = 0; step < losses.length; step++) {
          try (NDManager stepManager = m.newSubManager();
              GradientCollector collector = trainer.newGradientCollector()) {
            NDArray ids = batch.get(0).duplicate();
            NDArray mask = batch.get(1).duplicate();
            ids.attach(stepManager);
            mask.attach(stepManager);
            NDArray e = trainer.forward(new NDList(ids, mask)).singletonOrThrow();
            NDArray u = e.get("0::2");
            NDArray v = e.get("1::2");
            NDArray cosine = u.mul(v).sum(new int[] {1});
            NDArray loss = cosine.sub(target).square().mean();
            losses[step] = loss.getFloat();
            collector.backward(loss);
            trainer.step();
          }
        }
      }
      assertThat(losses[2]).as("loss after two AdamW steps").isLessThan(losses[0]);

      trained.exportOnnx(file);
      NDList eval = tokenizer.inputs(m, questions.subList(0, 6));
      long[][] ids = toLongs(eval.get(0));
      long[][] mask = toLongs(eval.get(1));
      float[] djl = trained.embed(eval.get(0), eval.get(1)).toFloatArray();
      try (OrtReference exportedOrt = OrtReference.of(file)) {
        float[][] exported =
            OrtReference.meanPoolNormalize(exportedOrt.hiddenStates(ids, mask), mask);
        float[][] original = OrtReference.meanPoolNormalize(ort.hiddenStates(ids, mask), mask);
        assertThat(maxAbsDiff(djl, exported)).as("DJL vs exported ONNX").isLessThan(1e-4);
        assertThat(maxAbsDiff(djl, original)).as("training moved the weights").isGreaterThan(1e-3);
      }

      // the same file as a model directory, loaded through the SDK's public API
      Path modelDir = dir.resolve("model");
      Files.createDirectories(modelDir);
      Files.move(file, modelDir.resolve("model.onnx"));
      try (var in =
          getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
        Files.copy(in, modelDir.resolve("tokenizer.json"));
      }
      ModelMetadata.builder()
          .name("minilm-test")
          .pooling(Pooling.MEAN)
          .normalize(true)
          .dimension(384)
          .maxSequenceLength(128)
          .similarityFunction(SimilarityFunction.COSINE)
          .similarityThreshold(0.8)
          .build()
          .write(modelDir.resolve(ModelMetadata.FILE_NAME));
      try (OnnxQuestionSimilarity sdk =
          OnnxQuestionSimilarity.builder().setModelDirectory(modelDir).build()) {
        List<Embedding> served = sdk.embedAll(questions.subList(0, 6));
        float[][] vectors = served.stream().map(Embedding::vector).toArray(float[][]::new);
        assertThat(maxAbsDiff(djl, vectors)).as("DJL vs qsim-impl on the export").isLessThan(1e-4);
      }
    }
  }

  @Test
  void frozenLayersStayFixedWhileTheLayersAboveTrain() throws Exception {
    List<String> questions = devQuestions(4);
    String[] frozen = {
      "embeddings.position_embeddings.weight",
      "embeddings.LayerNorm.weight",
      "encoder.layer.0.attention.self.query.weight",
      "encoder.layer.1.output.dense.weight"
    };
    String[] trained = {
      "encoder.layer.2.attention.self.query.weight", "encoder.layer.5.output.LayerNorm.bias"
    };
    try (MiniLmEncoder partly = MiniLmEncoder.builder().optDropout(0f).optFrozenLayers(2).build();
        NDManager m = manager.newSubManager();
        Model model = Model.newInstance("minilm-frozen-test", Device.cpu(), "PyTorch")) {
      Map<String, Parameter> params = partly.block().getParameters().toMap();
      Map<String, float[]> before = new java.util.HashMap<>();
      for (String name : params.keySet()) {
        before.put(name, params.get(name).getArray().toFloatArray());
      }
      model.setBlock(partly.block());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config);
          GradientCollector collector = trainer.newGradientCollector()) {
        NDList batch = tokenizer.inputs(m, questions);
        NDArray e = trainer.forward(batch).singletonOrThrow();
        NDArray loss = e.get("0::2").mul(e.get("1::2")).sum(new int[] {1}).neg().mean();
        collector.backward(loss);
        trainer.step();
      }
      for (String name : frozen) {
        assertThat(params.get(name).requiresGradient()).as(name).isFalse();
        assertThat(params.get(name).getArray().toFloatArray()).as(name).isEqualTo(before.get(name));
      }
      for (String name : trained) {
        assertThat(params.get(name).getArray().toFloatArray())
            .as(name)
            .isNotEqualTo(before.get(name));
      }
    }
    assertThatThrownBy(() -> MiniLmEncoder.builder().optFrozenLayers(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> MiniLmEncoder.builder().optFrozenLayers(7).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7 but the encoder has 6");
  }

  @Test
  void badInputsAreRejectedNamingTheInput() {
    try (NDManager m = manager.newSubManager()) {
      NDArray ids = m.zeros(new Shape(2, 5), DataType.INT64);
      NDArray shortMask = m.ones(new Shape(2, 4), DataType.INT64);
      assertThatThrownBy(() -> encoder.embed(ids, shortMask))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("input 1")
          .hasMessageContaining("(2, 4)");
      NDArray intMask = m.ones(new Shape(2, 5), DataType.INT32);
      assertThatThrownBy(() -> encoder.embed(ids, intMask))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("int64");
      NDArray longIds = m.zeros(new Shape(1, 513), DataType.INT64);
      NDArray longMask = m.ones(new Shape(1, 513), DataType.INT64);
      assertThatThrownBy(() -> encoder.embed(longIds, longMask))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("513 tokens");
    }
  }

  @Test
  void missingModelFileIsAnErrorNamingThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.onnx");
    assertThatThrownBy(() -> MiniLmEncoder.builder().optModelFile(missing).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(
            () ->
                MiniLmEncoder.builder()
                    .optModelResource(getClass().getClassLoader(), "/no/such.onnx")
                    .build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("classpath:/no/such.onnx");
  }

  @Test
  void closedEncoderRefusesUseAndCloseIsIdempotent() throws Exception {
    try (MiniLmEncoder e = MiniLmEncoder.builder().optModelFile(writeBundled()).build()) {
      assertThat(e.dimension()).isEqualTo(384);
      assertThat(e.normalize()).isTrue();
      e.close();
      e.close();
      assertThatThrownBy(e::block)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  private static Path writeBundled() throws IOException {
    Path file = Files.createTempFile("minilm", ".onnx");
    file.toFile().deleteOnExit();
    try (var in =
        MiniLmEncoderTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /** Token ids and masks padded to {@code width} columns with id 0 and mask 0. */
  private static NDList padded(NDManager m, long[][] rows, int width) {
    long[] ids = new long[rows.length * width];
    long[] mask = new long[ids.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, ids, i * width, rows[i].length);
      java.util.Arrays.fill(mask, i * width, i * width + rows[i].length, 1L);
    }
    Shape shape = new Shape(rows.length, width);
    return new NDList(m.create(ids, shape), m.create(mask, shape));
  }
}
