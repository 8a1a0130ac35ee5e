package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.Match;
import dev.qsim.ModelLoadException;
import dev.qsim.QuestionPair;
import dev.qsim.data.LabelledPair;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cross-encoder verifier, trained for a few steps by {@code qsim-train --encoder
 * cross-minilm} on real Quora pairs and written by {@link ModelExporter}, loaded by {@code
 * qsim-impl}: the metadata it records, and that the verifier is the one duplicate decision of
 * {@code isDuplicate}, {@code duplicateScores}, {@code findDuplicates} and {@code mostSimilar}.
 */
class VerifierModelTest {
  @TempDir static Path temp;

  private static Path model;
  private static OnnxQuestionSimilarity sim;
  private static List<LabelledPair> pairs;

  @BeforeAll
  static void train() {
    model = temp.resolve("cross");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String data = TestPairs.DATA.resolve("quora/dev.tsv").toString();
    int status =
        TrainCommand.run(
            new String[] {
              "--train",
              data,
              "--limit",
              "64",
              "--encoder",
              "cross-minilm",
              "--frozen-layers",
              "5",
              "--lr",
              "5e-4",
              "--epochs",
              "1",
              "--batch-size",
              "16",
              "--max-length",
              "40",
              "--out",
              model.toString(),
              "--quiet"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    sim = OnnxQuestionSimilarity.builder().setModelDirectory(model).optThreads(2).build();
    pairs = TestPairs.quoraDev(24);
  }

  @AfterAll
  static void close() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void metadataRecordsTheVerifierBesideTheBaseModelsThresholds() throws Exception {
    ModelMetadata md = ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME));
    ModelMetadata.Verifier v = md.verifier();
    assertThat(v).isNotNull();
    assertThat(v.file()).isEqualTo("verifier.onnx");
    assertThat(v.threshold()).isBetween(0.0, 1.0);
    assertThat(v.maxSequenceLength()).isEqualTo(40);
    assertThat(v.thresholdCalibration()).contains("balanced accuracy").contains("training pairs");
    assertThat(model.resolve("verifier.onnx")).isRegularFile();
    // Retrieval and the earlier decisions stay the base model's (the plain bundled one by default).
    try (OnnxQuestionSimilarity bundled =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                VerifierModelTest.class.getClassLoader(), OnnxQuestionSimilarity.BASE_MODEL)
            .build()) {
      ModelMetadata base = bundled.metadata();
      assertThat(md.similarityThreshold()).isEqualTo(base.similarityThreshold());
      assertThat(md.pairHeadThreshold()).isEqualTo(base.pairHeadThreshold());
      assertThat(md.candidateThreshold()).isEqualTo(base.candidateThreshold());
      assertThat(md.maxSequenceLength()).isEqualTo(base.maxSequenceLength());
    }
    assertThat(Files.mismatch(model.resolve("pair-head.json"), bundledPairHead())).isEqualTo(-1L);
    assertThat(md.provenance())
        .containsKey("base_model")
        .containsKey("base_model_provenance")
        .containsEntry("encoder", "cross-minilm");
  }

  private static Path bundledPairHead() throws Exception {
    Path copy = temp.resolve("bundled-pair-head.json");
    if (!Files.exists(copy)) {
      try (var in =
          VerifierModelTest.class
              .getClassLoader()
              .getResourceAsStream(OnnxQuestionSimilarity.BASE_MODEL + "/pair-head.json")) {
        Files.copy(in, copy);
      }
    }
    return copy;
  }

  @Test
  void theVerifierIsTheModelsDecision() {
    assertThat(sim.decision()).isEqualTo(DuplicateDecision.VERIFIER);
    assertThat(sim.duplicateThreshold())
        .isEqualTo(
            ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME)).verifier().threshold());
  }

  @Test
  void scoresAreSymmetricProbabilities() {
    List<QuestionPair> forward = new ArrayList<>();
    List<QuestionPair> backward = new ArrayList<>();
    for (LabelledPair p : pairs) {
      forward.add(new QuestionPair(p.first(), p.second()));
      backward.add(new QuestionPair(p.second(), p.first()));
    }
    double[] f = sim.duplicateScores(forward);
    double[] b = sim.duplicateScores(backward);
    assertThat(f).isEqualTo(b);
    assertThat(box(f)).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
    // Not a constant: the verifier reads the pairs.
    assertThat(new HashSet<>(List.of(box(f)))).hasSizeGreaterThan(pairs.size() / 2);
    for (int i = 0; i < 4; i++) {
      assertThat(sim.duplicateScore(forward.get(i).first(), forward.get(i).second()))
          .isEqualTo(sim.duplicateScore(forward.get(i).second(), forward.get(i).first()));
    }
  }

  @Test
  void scoresWithCallerHeldEmbeddingsAreTheVerifiers() {
    // The question index and the Spark job verify through this overload.
    List<QuestionPair> some = new ArrayList<>();
    List<String> firsts = new ArrayList<>();
    List<String> seconds = new ArrayList<>();
    for (LabelledPair p : pairs.subList(0, 8)) {
      some.add(new QuestionPair(p.first(), p.second()));
      firsts.add(p.first());
      seconds.add(p.second());
    }
    assertThat(sim.duplicateScores(some, sim.embedAll(firsts), sim.embedAll(seconds)))
        .isEqualTo(sim.duplicateScores(some));
  }

  @Test
  void aSelfPairIsScoredAndDecidedLikeAnyOther() {
    String q = pairs.get(0).first();
    double s = sim.duplicateScore(q, q);
    assertThat(s).isBetween(0.0, 1.0);
    assertThat(sim.isDuplicate(q, q)).isEqualTo(s >= sim.duplicateThreshold());
  }

  @Test
  void findDuplicatesAndMostSimilarDecideAsIsDuplicate() {
    List<String> questions = new ArrayList<>(new LinkedHashSet<>(questions(10)));
    // Every pair a candidate: the verifier alone decides.
    Duplicates found =
        sim.findDuplicates(questions, DuplicateOptions.defaults().withCandidateThreshold(-1));
    assertThat(found.decision()).isEqualTo(DuplicateDecision.VERIFIER);
    Set<List<Integer>> accepted = new HashSet<>();
    for (DuplicatePair p : found.pairs()) {
      accepted.add(List.of(p.first(), p.second()));
      // Batched with other pairs: equal up to float rounding; the decision itself is exact.
      assertThat(p.score())
          .isCloseTo(
              sim.duplicateScore(questions.get(p.first()), questions.get(p.second())),
              within(1e-5));
    }
    for (int i = 0; i < questions.size(); i++) {
      for (int j = i + 1; j < questions.size(); j++) {
        assertThat(accepted.contains(List.of(i, j)))
            .as("%s / %s", questions.get(i), questions.get(j))
            .isEqualTo(sim.isDuplicate(questions.get(i), questions.get(j)));
      }
    }
    List<Match> matches = sim.mostSimilar(questions.get(0), questions.subList(1, 8), 7);
    for (Match m : matches) {
      assertThat(m.duplicate()).isEqualTo(sim.isDuplicate(questions.get(0), m.question()));
      assertThat(m.score())
          .isCloseTo(sim.duplicateScore(questions.get(0), m.question()), within(1e-5));
    }
  }

  @Test
  void withoutTheVerifierTheModelDecidesAsTheBundledOne() {
    List<QuestionPair> some = new ArrayList<>();
    for (LabelledPair p : pairs.subList(0, 6)) {
      some.add(new QuestionPair(p.first(), p.second()));
    }
    try (OnnxQuestionSimilarity off =
            OnnxQuestionSimilarity.builder()
                .setModelDirectory(model)
                .optVerifier(false)
                .optThreads(2)
                .build();
        OnnxQuestionSimilarity bundled =
            OnnxQuestionSimilarity.builder()
                .setModelResource(
                    VerifierModelTest.class.getClassLoader(), OnnxQuestionSimilarity.BASE_MODEL)
                .build()) {
      assertThat(off.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
      assertThat(off.duplicateScores(some)).isEqualTo(bundled.duplicateScores(some));
    }
    // The verifier model can still be asked for its pair head's decision.
    Duplicates byHead =
        sim.findDuplicates(
            questions(6), DuplicateOptions.defaults().withDecision(DuplicateDecision.PAIR_HEAD));
    assertThat(byHead.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
  }

  @Test
  void aMissingOrBrokenVerifierFileIsAClearError() throws Exception {
    Path dir = temp.resolve("broken");
    Files.createDirectories(dir);
    Files.createSymbolicLink(dir.resolve("model.onnx"), model.resolve("model.onnx"));
    Files.createSymbolicLink(dir.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
    ModelMetadata md = ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME));
    ModelMetadata missing =
        md.toBuilder()
            .pairHead(null, Double.NaN)
            .verifier(new ModelMetadata.Verifier("absent.onnx", 0.5, 64, null))
            .build();
    missing.write(dir.resolve(ModelMetadata.FILE_NAME));
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(dir).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("absent.onnx")
        .hasMessageContaining("verifier.file");
    // A file that is not a verifier network: the bi-encoder itself (one input set, other output).
    md.toBuilder()
        .pairHead(null, Double.NaN)
        .verifier(new ModelMetadata.Verifier("tokenizer.json", 0.5, 64, null))
        .build()
        .write(dir.resolve(ModelMetadata.FILE_NAME));
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(dir).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("verifier")
        .hasMessageContaining("tokenizer.json");
  }

  @Test
  void closedModelRefusesCallsAndClosesTwice() {
    OnnxQuestionSimilarity other =
        OnnxQuestionSimilarity.builder().setModelDirectory(model).optThreads(1).build();
    String q = pairs.get(1).first();
    assertThat(other.duplicateScore(q, pairs.get(1).second())).isBetween(0.0, 1.0);
    other.close();
    other.close();
    assertThatThrownBy(() -> other.duplicateScore(q, q))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void oneClassTrainingDataIsRefused() {
    // quora/train.csv is sorted by label: its first rows are all non-duplicates.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        TrainCommand.run(
            new String[] {
              "--train",
              TestPairs.DATA.resolve("quora/train.csv").toString(),
              "--limit",
              "40",
              "--encoder",
              "cross-minilm",
              "--out",
              temp.resolve("one-class").toString(),
              "--quiet"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Cannot calibrate")
        .contains("non-duplicates");
    assertThat(temp.resolve("one-class")).doesNotExist();
  }

  private static List<String> questions(int n) {
    List<String> out = new ArrayList<>();
    for (LabelledPair p : pairs.subList(0, n / 2)) {
      out.add(p.first());
      out.add(p.second());
    }
    return out;
  }

  private static Double[] box(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
