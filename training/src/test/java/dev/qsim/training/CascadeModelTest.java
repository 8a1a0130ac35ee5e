package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.ModelLoadException;
import dev.qsim.QuestionPair;
import dev.qsim.data.LabelledPair;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.quantize.DeltaPacker;
import dev.qsim.quantize.EncoderDeltas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cascade decision on a real verifier (trained for a few steps by {@code qsim-train --encoder
 * cross-minilm} over the bundled plain model, which has a pair head): outside the band the pair
 * head decides, inside it the verifier; and a verifier packed as the weights training changed
 * scores as the whole one.
 */
@Tag("slow")
class CascadeModelTest {
  @TempDir static Path temp;

  private static Path model;
  private static List<QuestionPair> pairs;
  private static double[] head;
  private static double[] verifier;
  private static double headThreshold;
  private static double verifierThreshold;

  @BeforeAll
  static void train() {
    model = temp.resolve("cross");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        TrainCommand.run(
            new String[] {
              "--train", TestPairs.DATA.resolve("quora/dev.tsv").toString(),
              "--limit", "64",
              "--encoder", "cross-minilm",
              "--frozen-layers", "5",
              "--lr", "5e-4",
              "--epochs", "1",
              "--batch-size", "16",
              "--max-length", "40",
              "--out", model.toString(),
              "--quiet"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    pairs = new ArrayList<>();
    for (LabelledPair p : TestPairs.quoraDev(40)) {
      pairs.add(p.questions());
    }
    try (OnnxQuestionSimilarity h = open(model, true, false);
        OnnxQuestionSimilarity v = open(model, false, true)) {
      assertThat(h.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
      assertThat(v.decision()).isEqualTo(DuplicateDecision.VERIFIER);
      head = h.duplicateScores(pairs);
      verifier = v.duplicateScores(pairs);
      headThreshold = h.duplicateThreshold();
      verifierThreshold = v.duplicateThreshold();
    }
  }

  private static OnnxQuestionSimilarity open(Path dir, boolean pairHead, boolean verifier) {
    return OnnxQuestionSimilarity.builder()
        .setModelDirectory(dir)
        .optPairHead(pairHead)
        .optVerifier(verifier)
        .optThreads(2)
        .build();
  }

  /** A copy of the trained model whose verifier carries {@code band}. */
  private static Path withBand(String name, ModelMetadata.Cascade band) {
    Path target = temp.resolve(name);
    ModelMetadata md = ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME));
    ModelMetadata written = md.toBuilder().verifier(md.verifier().withCascade(band)).build();
    ModelDirectoryWriter.write(
        target,
        into -> {
          try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
              if (!f.getFileName().toString().equals(ModelMetadata.FILE_NAME)) {
                Files.copy(f, into.resolve(f.getFileName().toString()));
              }
            }
          }
          return written;
        });
    return target;
  }

  /** A band around the head's threshold that holds some of the pairs and leaves others out. */
  private static ModelMetadata.Cascade band() {
    double[] distance = new double[head.length];
    for (int i = 0; i < head.length; i++) {
      distance[i] = Math.abs(head[i] - headThreshold);
    }
    double[] sorted = distance.clone();
    java.util.Arrays.sort(sorted);
    double half = (sorted[head.length / 2 - 1] + sorted[head.length / 2]) / 2;
    return new ModelMetadata.Cascade(
        Math.max(0, headThreshold - half), Math.min(1, headThreshold + half), "test");
  }

  @Test
  void theHeadDecidesOutsideTheBandAndTheVerifierInside() {
    ModelMetadata.Cascade band = band();
    try (OnnxQuestionSimilarity sim = open(withBand("cascade", band), true, true)) {
      assertThat(sim.decision()).isEqualTo(DuplicateDecision.CASCADE);
      assertThat(sim.duplicateThreshold()).isEqualTo(headThreshold);
      double[] scores = sim.duplicateScores(pairs);
      int inside = 0;
      for (int i = 0; i < pairs.size(); i++) {
        QuestionPair p = pairs.get(i);
        boolean duplicate = sim.isDuplicate(p.first(), p.second());
        assertThat(duplicate)
            .as("pair %d: isDuplicate and the score agree", i)
            .isEqualTo(scores[i] >= headThreshold);
        if (band.contains(head[i])) {
          inside++;
          assertThat(duplicate)
              .as("pair %d in the band: the verifier's call", i)
              .isEqualTo(verifier[i] >= verifierThreshold);
          assertThat(scores[i])
              .as("pair %d: mapped into the band", i)
              .isBetween(band.lower(), band.upper());
        } else {
          assertThat(scores[i])
              .as("pair %d outside the band: the head's probability", i)
              .isEqualTo(head[i]);
          assertThat(duplicate).isEqualTo(head[i] >= headThreshold);
        }
      }
      assertThat(inside).as("the band holds some pairs, not all").isBetween(1, pairs.size() - 1);
    }
  }

  @Test
  void findDuplicatesDecidesAsIsDuplicate() {
    try (OnnxQuestionSimilarity sim = open(withBand("cascade-find", band()), true, true)) {
      List<String> questions = new ArrayList<>();
      for (QuestionPair p : pairs.subList(0, 16)) {
        questions.add(p.first());
        questions.add(p.second());
      }
      Duplicates found =
          sim.findDuplicates(questions, DuplicateOptions.defaults().withCandidateThreshold(0.0));
      assertThat(found.decision()).isEqualTo(DuplicateDecision.CASCADE);
      for (DuplicatePair d : found.pairs()) {
        assertThat(sim.isDuplicate(questions.get(d.first()), questions.get(d.second())))
            .as("pair %s", d)
            .isTrue();
        assertThat(d.score())
            .isCloseTo(
                sim.duplicateScore(questions.get(d.first()), questions.get(d.second())),
                within(1e-6));
      }
    }
  }

  @Test
  void aBandThatMissesTheHeadsThresholdIsRefused() {
    double lower = Math.min(1, headThreshold + 0.01);
    Path dir = withBand("bad-band", new ModelMetadata.Cascade(lower, 1, null));
    assertThatThrownBy(() -> open(dir, true, true).close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("verifier.cascade")
        .hasMessageContaining("threshold");
  }

  @Test
  void aPackedVerifierScoresAsTheWholeOne() throws IOException {
    Path packed = temp.resolve("packed");
    ModelMetadata md =
        DeltaPacker.pack(
            withBand("to-pack", band()),
            CascadeModelTest.class.getClassLoader(),
            OnnxQuestionSimilarity.BASE_MODEL,
            EncoderDeltas.Encoding.INT8,
            packed);
    assertThat(md.verifier().delta()).isNotNull();
    assertThat(md.verifier().file()).startsWith("/");
    assertThat(md.verifier().cascade()).isNotNull();
    assertThat(packed.resolve("verifier.onnx")).doesNotExist();
    long delta = Files.size(packed.resolve(DeltaPacker.VERIFIER_DELTA_FILE));
    assertThat(delta)
        .as("one trained layer and the classifier, in int8")
        .isLessThan(Files.size(model.resolve("verifier.onnx")) / 10);
    try (OnnxQuestionSimilarity v = open(packed, false, true)) {
      double[] scores = v.duplicateScores(pairs);
      for (int i = 0; i < scores.length; i++) {
        assertThat(scores[i]).as("pair %d", i).isCloseTo(verifier[i], within(0.01));
      }
    }
  }
}
