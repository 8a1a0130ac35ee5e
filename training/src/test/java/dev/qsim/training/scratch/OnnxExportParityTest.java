package dev.qsim.training.scratch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.training.QuestionTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported ONNX graph, run by ONNX Runtime, gives the DJL block's embeddings within 1e-4 on a
 * padded batch of real questions of mixed lengths (including one shorter than the widest CNN
 * kernel), and padding never changes a question's embedding.
 */
class OnnxExportParityTest {

  private static final double TOLERANCE = 1e-4;

  private static QuestionTokenizer tokenizer;
  private static TokenBatch batch;
  private static List<String> questions;

  @TempDir Path dir;

  @BeforeAll
  static void readQuestions() {
    Path data = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
    List<LabelledPair> pairs =
        PairReader.read(
                data.resolve("quora/dev.tsv"),
                PairFormat.BIMPM,
                ReadOptions.defaults().withLimit(8))
            .pairs();
    questions = new ArrayList<>();
    for (LabelledPair pair : pairs) {
      questions.add(pair.first());
      questions.add(pair.second());
    }
    questions.add("Why?");
    questions.add(
        "What is the best way to learn Java, and which books on generics and streams help?");
    tokenizer = QuestionTokenizer.bundled(48);
    batch = TokenBatch.of(tokenizer, questions);
  }

  @AfterAll
  static void closeTokenizer() {
    tokenizer.close();
  }

  @Test
  void batchHasMixedLengthsAndPadding() {
    long shortest = Long.MAX_VALUE;
    long longest = 0;
    for (long[] row : batch.mask()) {
      long length = java.util.Arrays.stream(row).sum();
      shortest = Math.min(shortest, length);
      longest = Math.max(longest, length);
    }
    // "Why?" is [CLS] why ? [SEP]: shorter than the CNN test's widest kernel (5)
    assertThat(shortest).isEqualTo(4);
    assertThat(longest).isGreaterThan(15);
  }

  @Test
  void bilstmMaxPoolingMatchesOnnxRuntime() throws Exception {
    try (BiLstmEncoder encoder = BiLstmEncoder.builder().optSeed(7).build()) {
      assertParity(encoder);
    }
  }

  @Test
  void bilstmMeanPoolingMatchesOnnxRuntime() throws Exception {
    try (BiLstmEncoder encoder =
        BiLstmEncoder.builder()
            .optPooling(BiLstmEncoder.Pooling.MEAN)
            .optHiddenSize(64)
            .optDimension(96)
            .optSeed(11)
            .build()) {
      assertParity(encoder);
    }
  }

  @Test
  void cnnMatchesOnnxRuntime() throws Exception {
    try (CnnEncoder encoder = CnnEncoder.builder().optKernelWidths(2, 3, 5).optSeed(3).build()) {
      assertParity(encoder);
    }
  }

  private void assertParity(ScratchEncoder encoder) throws OrtException, java.io.IOException {
    float[][] djl = encoder.encode(batch.ids(), batch.mask());
    assertThat(djl).hasNumberOfRows(questions.size());
    for (float[] row : djl) {
      assertThat(row).hasSize(encoder.dimension());
      double norm = 0;
      for (float v : row) {
        norm += v * v;
      }
      assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }

    // Padding invariance: each question alone gives its row of the padded batch.
    for (int i : new int[] {0, questions.size() - 2, questions.size() - 1}) {
      TokenBatch alone = TokenBatch.of(tokenizer, List.of(questions.get(i)));
      float[] single = encoder.encode(alone.ids(), alone.mask())[0];
      assertClose(single, djl[i], "question " + i + " alone vs in the padded batch");
    }

    Path file = dir.resolve(encoder.getClass().getSimpleName() + ".onnx");
    encoder.exportOnnx(file);
    assertThat(Files.size(file)).isGreaterThan(4L * ScratchEncoder.VOCABULARY_SIZE);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor ids = OnnxTensor.createTensor(env, batch.ids());
        OnnxTensor mask = OnnxTensor.createTensor(env, batch.mask());
        OrtSession.Result result =
            session.run(
                Map.of(OnnxGraph.INPUT_IDS, ids, OnnxGraph.ATTENTION_MASK, mask),
                java.util.Set.of(OnnxGraph.OUTPUT))) {
      assertThat(session.getInputNames())
          .containsExactlyInAnyOrder(OnnxGraph.INPUT_IDS, OnnxGraph.ATTENTION_MASK);
      float[][] onnx = (float[][]) result.get(0).getValue();
      assertThat(onnx).hasNumberOfRows(djl.length);
      for (int i = 0; i < djl.length; i++) {
        assertClose(onnx[i], djl[i], "row " + i + " (" + questions.get(i) + ")");
      }
    }
  }

  private static void assertClose(float[] actual, float[] expected, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    double worst = 0;
    for (int j = 0; j < expected.length; j++) {
      worst = Math.max(worst, Math.abs(actual[j] - expected[j]));
    }
    assertThat(worst).as(what + ": largest difference").isLessThan(TOLERANCE);
  }
}
