package dev.qsim.training.scratch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.training.QuestionTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradients reach every parameter of both encoders: a few Adam steps of a contrastive loss on 200
 * real Quora pairs lower the loss over those pairs. (The training loop here is a minimal one for
 * the test; real training goes through {@code SiameseTrainer}.)
 */
class ScratchTrainingTest {

  private static final int PAIRS = 200;
  private static final int BATCH = 50;
  private static final int STEPS = 12;
  private static final float MARGIN = 0.5f;

  private static List<LabelledPair> pairs;
  private static QuestionTokenizer tokenizer;

  @BeforeAll
  static void readPairs() {
    Path data = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
    pairs =
        PairReader.read(
                data.resolve("quora/train.csv"),
                PairFormat.QUORA,
                ReadOptions.defaults().withLimit(PAIRS))
            .pairs();
    tokenizer = QuestionTokenizer.bundled(32);
  }

  @AfterAll
  static void closeTokenizer() {
    tokenizer.close();
  }

  @Test
  void bilstmLossFalls() {
    try (BiLstmEncoder encoder =
        BiLstmEncoder.builder().optEmbeddingSize(64).optHiddenSize(64).optDropout(0).build()) {
      assertLossFalls(encoder);
    }
  }

  @Test
  void cnnLossFalls() {
    try (CnnEncoder encoder =
        CnnEncoder.builder().optEmbeddingSize(64).optFilters(64).optDropout(0).build()) {
      assertLossFalls(encoder);
    }
  }

  private static void assertLossFalls(ScratchEncoder encoder) {
    assertThat(pairs).hasSize(PAIRS);
    List<Parameter> parameters = new ArrayList<>(encoder.block().getParameters().values());
    for (Parameter parameter : parameters) {
      parameter.getArray().setRequiresGradient(true);
    }
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(5e-3f)).build();
    double before = meanLoss(encoder, parameters);
    List<float[]> firstValues = new ArrayList<>();
    for (Parameter parameter : parameters) {
      firstValues.add(parameter.getArray().toFloatArray());
    }
    for (int step = 0; step < STEPS; step++) {
      int start = (step * BATCH) % PAIRS;
      List<LabelledPair> batch = pairs.subList(start, start + BATCH);
      try (NDManager scope = parameters.get(0).getArray().getManager().newSubManager()) {
        attach(parameters, scope);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray loss = loss(encoder, batch, scope, true);
          collector.backward(loss);
        }
        for (Parameter parameter : parameters) {
          NDArray weight = parameter.getArray();
          try (NDArray gradient = weight.getGradient()) {
            adam.update(parameter.getId(), weight, gradient);
          }
        }
      }
    }
    double after = meanLoss(encoder, parameters);
    assertThat(after)
        .as("mean loss after %d steps (before: %f)", STEPS, before)
        .isLessThan(0.7 * before);
    for (int i = 0; i < parameters.size(); i++) {
      assertThat(parameters.get(i).getArray().toFloatArray())
          .as("parameter %s changed", parameters.get(i).getName())
          .isNotEqualTo(firstValues.get(i));
    }
  }

  private static double meanLoss(ScratchEncoder encoder, List<Parameter> parameters) {
    try (NDManager scope = parameters.get(0).getArray().getManager().newSubManager()) {
      attach(parameters, scope);
      return loss(encoder, pairs, scope, false).getFloat();
    }
  }

  private static void attach(List<Parameter> parameters, NDManager scope) {
    for (Parameter parameter : parameters) {
      parameter.getArray().tempAttach(scope);
    }
  }

  /** Contrastive loss on the cosine distance d: y d^2 + (1 - y) max(0, margin - d)^2, averaged. */
  private static NDArray loss(
      ScratchEncoder encoder, List<LabelledPair> batch, NDManager scope, boolean training) {
    List<String> questions = new ArrayList<>();
    float[] labels = new float[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      questions.add(batch.get(i).first());
      labels[i] = (float) batch.get(i).label();
    }
    for (LabelledPair pair : batch) {
      questions.add(pair.second());
    }
    NDList inputs = tokenizer.inputs(scope, questions);
    NDArray embeddings =
        encoder.block().forward(new ParameterStore(scope, false), inputs, training).head();
    int n = batch.size();
    NDArray u = embeddings.get("0:" + n);
    NDArray v = embeddings.get(n + ":");
    NDArray distance = u.mul(v).sum(new int[] {1}).neg().add(1f);
    NDArray y = scope.create(labels);
    NDArray positive = y.mul(distance.square());
    NDArray negative = y.neg().add(1f).mul(distance.neg().add(MARGIN).maximum(0f).square());
    return positive.add(negative).mean();
  }
}
