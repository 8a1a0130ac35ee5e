package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled model loaded with {@code optPrecision(INT8)}: quantised on first use into the cache,
 * recorded as int8, and close to the fp32 embeddings on real questions. Slow: it quantises the 90
 * MB encoder once (tens of seconds on a busy 2-core machine).
 */
@Tag("slow")
class Int8EncoderTest {
  /** Smallest cosine between an int8 and an fp32 embedding of the same question. */
  static final double MIN_COSINE = 0.97;

  /** Mean cosine between int8 and fp32 embeddings. */
  static final double MEAN_COSINE = 0.99;

  @TempDir static Path cache;
  private static String previous;
  private static OnnxQuestionSimilarity int8;

  @BeforeAll
  static void load() {
    previous = System.setProperty(Int8Cache.CACHE_PROPERTY, cache.toString());
    int8 =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
            .optPrecision(Precision.INT8)
            .build();
  }

  @AfterAll
  static void close() {
    if (int8 != null) {
      int8.close();
    }
    if (previous == null) {
      System.clearProperty(Int8Cache.CACHE_PROPERTY);
    } else {
      System.setProperty(Int8Cache.CACHE_PROPERTY, previous);
    }
  }

  @Test
  void int8EmbeddingsStayWithinTheCosineBoundOfFp32On200DevQuestions() {
    List<String> questions = TestData.devQuestions(200);
    assertThat(questions).hasSize(200);
    List<Embedding> fp32 = SharedModel.get().embedAll(questions);
    List<Embedding> quantised = int8.embedAll(questions);
    double min = 1;
    double sum = 0;
    for (int i = 0; i < questions.size(); i++) {
      double c = cosine(fp32.get(i).vector(), quantised.get(i).vector());
      min = Math.min(min, c);
      sum += c;
    }
    double mean = sum / questions.size();
    System.out.printf(
        "int8 vs fp32 cosine over 200 dev questions: min %.4f, mean %.4f%n", min, mean);
    assertThat(min).as("min cosine").isGreaterThanOrEqualTo(MIN_COSINE);
    assertThat(mean).as("mean cosine").isGreaterThanOrEqualTo(MEAN_COSINE);
    assertThat(min).as("int8 really differs from fp32").isLessThan(0.99999);
  }

  @Test
  void precisionIsRecordedInTheCachedModelDirectory() throws IOException {
    assertThat(int8.metadata().precision()).isEqualTo(Precision.INT8);
    assertThat(SharedModel.get().metadata().precision()).isEqualTo(Precision.FP32);
    List<Path> entries;
    // Each entry is a directory; its .lock file (for racing processes) lies beside it.
    try (Stream<Path> s = Files.list(cache.resolve("int8"))) {
      entries = s.filter(Files::isDirectory).toList();
    }
    assertThat(entries).hasSize(1);
    Path dir = entries.get(0);
    assertThat(dir.getFileName().toString()).endsWith("-" + Int8Cache.QUANTIZER_VERSION);
    assertThat(Files.readString(dir.resolve(ModelMetadata.FILE_NAME)))
        .contains("\"precision\": \"int8\"");
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    assertThat(md.precision()).isEqualTo(Precision.INT8);
    assertThat(md.pairHeadFile()).isEqualTo("pair-head.json");
    assertThat(Files.size(dir.resolve(md.encoderFile())))
        .as(
            "int8 encoder (fp32 word embeddings + int8 matrices) is smaller than the 90 MB fp32 one")
        .isLessThan(70_000_000L);
  }

  @Test
  void aSecondLoadReusesTheCacheEntry() throws IOException {
    try (OnnxQuestionSimilarity again =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
            .optPrecision(Precision.INT8)
            .build()) {
      assertThat(again.embedAll(List.of("How do I learn Java?")).get(0).vector())
          .containsExactly(int8.embedAll(List.of("How do I learn Java?")).get(0).vector());
    }
    try (Stream<Path> s = Files.list(cache.resolve("int8"))) {
      assertThat(s.filter(Files::isDirectory).toList()).hasSize(1);
    }
  }

  @Test
  void int8AndFp32AgreeOnTheDuplicateDecisionForAtLeast97PercentOf1000DevPairs() {
    List<QuestionPair> pairs = new ArrayList<>();
    for (TestData.Row r : TestData.quoraDev(1000)) {
      pairs.add(new QuestionPair(r.q1(), r.q2()));
    }
    double[] fp32 = SharedModel.get().duplicateScores(pairs);
    double[] quantised = int8.duplicateScores(pairs);
    assertThat(int8.duplicateThreshold()).isEqualTo(SharedModel.get().duplicateThreshold());
    double threshold = int8.duplicateThreshold();
    int same = 0;
    for (int i = 0; i < pairs.size(); i++) {
      same += (fp32[i] >= threshold) == (quantised[i] >= threshold) ? 1 : 0;
    }
    System.out.printf("int8 and fp32 decide alike on %d of %d dev pairs%n", same, pairs.size());
    assertThat(same).as("pairs decided alike, of %d", pairs.size()).isGreaterThanOrEqualTo(970);
  }

  @Test
  void anInt8VectorAndAPairsInt8ScoreDoNotDependOnTheRestOfTheCall() {
    // Activations are quantised per token: one scale per call (before) moved a vector by up to
    // 0.025 (1 - cosine) and a pair's probability by up to 0.34 between a call and a call alone.
    List<String> questions = TestData.devQuestions(200);
    List<Embedding> together = int8.embedAll(questions);
    for (int i = 0; i < 40; i++) {
      assertThat(1 - cosine(int8.embed(questions.get(i)).vector(), together.get(i).vector()))
          .as("1 - cosine of question %d alone and among 200", i)
          .isLessThan(1e-6);
    }
    List<QuestionPair> pairs = new ArrayList<>();
    for (TestData.Row r : TestData.quoraDev(200)) {
      pairs.add(new QuestionPair(r.q1(), r.q2()));
    }
    double[] scores = int8.duplicateScores(pairs);
    for (int i = 0; i < 40; i++) {
      QuestionPair p = pairs.get(i);
      assertThat(int8.duplicateScore(p.first(), p.second()))
          .as("pair %d alone and among 200", i)
          .isCloseTo(scores[i], within(1e-6));
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
