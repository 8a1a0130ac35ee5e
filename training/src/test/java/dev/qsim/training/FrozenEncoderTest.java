package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.data.LabelledPair;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrozenEncoderTest {
  private static final int DIM = 8;

  @TempDir Path temp;

  /** Embeds "q<i>" as a fixed random vector and "q<i>'" as a slightly perturbed copy of it. */
  static final class FakeModel implements QuestionSimilarity {
    int calls;

    @Override
    public List<Embedding> embedAll(List<String> questions) {
      calls++;
      List<Embedding> out = new ArrayList<>();
      for (String q : questions) {
        boolean variant = q.endsWith("'");
        int id = Integer.parseInt(q.substring(1, variant ? q.length() - 1 : q.length()));
        Random r = new Random(id);
        float[] v = new float[DIM];
        for (int k = 0; k < DIM; k++) {
          v[k] = (float) r.nextGaussian();
        }
        if (variant) {
          Random noise = new Random(id * 31L + 7);
          for (int k = 0; k < DIM; k++) {
            v[k] += (float) (0.2 * noise.nextGaussian());
          }
        }
        double n = 0;
        for (float x : v) {
          n += x * x;
        }
        for (int k = 0; k < DIM; k++) {
          v[k] /= (float) Math.sqrt(n);
        }
        out.add(Embedding.of(v));
      }
      return out;
    }

    @Override
    public double[] similarities(List<QuestionPair> pairs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public double[] duplicateScores(List<QuestionPair> pairs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public double[] duplicateScores(
        List<QuestionPair> pairs, List<Embedding> first, List<Embedding> second) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Duplicates findDuplicates(
        List<String> questions, DuplicateOptions options, dev.qsim.ProgressListener progress) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Duplicates findDuplicates(
        List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Match> mostSimilar(
        String query, Embedding e, List<String> candidates, List<Embedding> es, int k) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Match> mostSimilar(String query, List<String> candidates, int k) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SimilarityFunction similarityFunction() {
      return SimilarityFunction.COSINE;
    }

    @Override
    public double similarityThreshold() {
      return 0.5;
    }

    @Override
    public double duplicateThreshold() {
      return 0.5;
    }

    @Override
    public double candidateThreshold() {
      return 0.5;
    }

    @Override
    public dev.qsim.DuplicateDecision decision() {
      return dev.qsim.DuplicateDecision.SIMILARITY;
    }

    @Override
    public int dimension() {
      return DIM;
    }

    @Override
    public int maxSequenceLength() {
      return 16;
    }

    @Override
    public void close() {}
  }

  /** Duplicates pair a question with its perturbed copy; non-duplicates pair two unrelated ones. */
  private static List<LabelledPair> pairs(int from, int count) {
    List<LabelledPair> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      if (i % 2 == 0) {
        out.add(LabelledPair.of("q" + i, "q" + i + "'", 1));
      } else {
        out.add(LabelledPair.of("q" + i, "q" + (i + 100_000), 0));
      }
    }
    return out;
  }

  private static List<String> questions(List<LabelledPair> pairs) {
    java.util.LinkedHashSet<String> unique = new java.util.LinkedHashSet<>();
    for (LabelledPair p : pairs) {
      unique.add(p.first());
      unique.add(p.second());
    }
    return new ArrayList<>(unique);
  }

  @Test
  void theTrainersLoopLearnsAPairHeadOverTheFrozenEncoder() {
    FakeModel model = new FakeModel();
    List<LabelledPair> train = pairs(0, 400);
    List<LabelledPair> dev = pairs(1000, 200);
    ModelMetadata base =
        ModelMetadata.builder()
            .name("fake")
            .pooling(Pooling.MEAN)
            .dimension(DIM)
            .maxSequenceLength(16)
            .similarityFunction(SimilarityFunction.COSINE)
            .similarityThreshold(0.5)
            .build();
    TrainingConfig config =
        TrainingConfig.builder()
            .loss(PairLoss.SOFTMAX_HEAD)
            .epochs(6)
            .batchSize(32)
            .headLearningRate(0.01)
            .headHidden(16)
            .seed(3)
            .build();
    try (FrozenEncoder encoder = new FrozenEncoder(model, "m1", base, temp, null);
        QuestionTokenizer tokenizer = QuestionTokenizer.bundled(16);
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, config).progressTo(null)) {
      List<LabelledPair> all = new ArrayList<>(train);
      all.addAll(dev);
      encoder.prepare(all);
      assertThat(model.calls).isEqualTo(1);
      TrainingResult result = trainer.train(train, dev);
      // Every question was embedded once, up front: the loop only looks vectors up.
      assertThat(model.calls).isEqualTo(1);
      assertThat(encoder.block().getParameters().isEmpty()).isTrue();
      assertThat(result.epochs()).hasSize(6);
      assertThat(result.epochs().get(5).meanLoss()).isLessThan(result.epochs().get(0).meanLoss());
      assertThat(result.skippedSteps()).isZero();
      assertThat(result.headThreshold()).isBetween(0.0, 1.0);
      assertThat(result.dev().decision().accuracy()).isGreaterThan(0.95);
      assertThat(result.dev().decision().threshold()).isEqualTo(result.headThreshold());
      // Symmetric: swapping the questions of every pair gives the same decisions.
      List<LabelledPair> swapped =
          dev.stream().map(p -> LabelledPair.of(p.second(), p.first(), p.label())).toList();
      Evaluation a = trainer.evaluate(dev, result.similarityThreshold(), result.headThreshold());
      Evaluation b =
          trainer.evaluate(swapped, result.similarityThreshold(), result.headThreshold());
      assertThat(b.decision().accuracy()).isEqualTo(a.decision().accuracy());
      assertThat(b.pairHead().averagePrecision())
          .isCloseTo(a.pairHead().averagePrecision(), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void javaCallersTrainAHeadOverAFrozenEncoderOnTheCommandsPath() {
    List<LabelledPair> train = TestPairs.quoraTrain(200);
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(32);
        TrainableEncoder frozen = TrainableEncoder.frozen(null, null);
        SiameseTrainer trainer =
            new SiameseTrainer(
                    frozen,
                    tokenizer,
                    TrainingConfig.builder()
                        .loss(PairLoss.SOFTMAX_HEAD)
                        .epochs(2)
                        .batchSize(25)
                        .headLearningRate(0.01)
                        .headHidden(8)
                        .seed(5)
                        .build())
                .progressTo(null)) {
      // No prepare call: the trainer embeds the frozen encoder's questions itself.
      TrainingResult result = trainer.train(train, List.of());
      Path dir = ModelExporter.of(trainer, result).name("frozen-java").export(temp.resolve("m"));
      ModelMetadata metadata = ModelMetadata.read(dir.resolve("qsim-model.json"));
      assertThat(metadata.pairHeadFile()).isEqualTo(ModelExporter.PAIR_HEAD_FILE);
      assertThat(metadata.pairHeadThreshold()).isEqualTo(result.headThreshold());
      assertThat(metadata.candidateThreshold()).isEqualTo(result.candidateThreshold());
      try (dev.qsim.onnx.OnnxQuestionSimilarity written =
              dev.qsim.onnx.OnnxQuestionSimilarity.builder().setModelDirectory(dir).build();
          dev.qsim.onnx.OnnxQuestionSimilarity base =
              dev.qsim.onnx.OnnxQuestionSimilarity.builder()
                  .setBundledModel(dev.qsim.onnx.BundledModel.BASE.id())
                  .build()) {
        assertThat(written.decision()).isEqualTo(dev.qsim.DuplicateDecision.PAIR_HEAD);
        assertThat(written.embed("How do I learn Java?").vector())
            .as("the frozen encoder, unchanged")
            .containsExactly(base.embed("How do I learn Java?").vector());
      }
    }
  }
}
