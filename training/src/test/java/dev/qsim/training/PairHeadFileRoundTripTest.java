package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.qsim.model.PairHeadFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head training writes is the head {@code qsim-impl} reads: one codec ({@link PairHeadFile}),
 * so a trained head's weights come back to 6 significant digits, and its served probability (the
 * codec's layers, evaluated here by hand) matches the trainer's.
 */
class PairHeadFileRoundTripTest {

  @Test
  void aTrainedHeadReadsBackAsTheTrainerScoresIt(@TempDir Path dir) {
    SiameseTrainer.configureEngine();
    try (NDManager manager = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      Engine.getEngine(SiameseTrainer.ENGINE).setRandomSeed(7);
      PairHead head = new PairHead(3, 5).initialize(manager);
      Path file = dir.resolve("pair-head.json");
      head.write(file);
      List<PairHeadFile.Layer> read =
          PairHeadFile.read(() -> Files.newInputStream(file), 3, file.toString());
      List<PairHeadFile.Layer> trained = head.layers();
      assertThat(read).hasSize(2);
      for (int l = 0; l < 2; l++) {
        assertThat(read.get(l).activation()).isEqualTo(trained.get(l).activation());
        float[][] w = read.get(l).weights();
        assertThat(w).hasNumberOfRows(trained.get(l).weights().length);
        for (int o = 0; o < w.length; o++) {
          for (int i = 0; i < w[o].length; i++) {
            assertThat((double) w[o][i])
                .isCloseTo(trained.get(l).weights()[o][i], Percentage.withPercentage(5e-4));
          }
        }
      }
      float[] u = {0.3f, -0.8f, 0.5f};
      float[] v = {0.1f, 0.9f, -0.4f};
      float[] served =
          head.probabilities(
              new ParameterStore(manager, false),
              manager.create(new float[][] {u}),
              manager.create(new float[][] {v}));
      double expected = 0.5 * (probability(read, u, v) + probability(read, v, u));
      assertThat(served[0]).isCloseTo((float) expected, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  /** One order's duplicate probability from the file's layers: relu MLP, softmax over 2. */
  private static double probability(List<PairHeadFile.Layer> layers, float[] a, float[] b) {
    double na = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    double nb = Math.sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    double[] x = new double[12];
    for (int k = 0; k < 3; k++) {
      double u = a[k] / na;
      double v = b[k] / nb;
      x[k] = u;
      x[3 + k] = v;
      x[6 + k] = Math.abs(u - v);
      x[9 + k] = u * v;
    }
    for (PairHeadFile.Layer layer : layers) {
      double[] y = new double[layer.bias().length];
      for (int o = 0; o < y.length; o++) {
        double s = layer.bias()[o];
        for (int i = 0; i < x.length; i++) {
          s += layer.weights()[o][i] * x[i];
        }
        y[o] = layer.activation().equals("relu") ? Math.max(0, s) : s;
      }
      x = y;
    }
    return 1 / (1 + Math.exp(x[0] - x[1]));
  }
}
