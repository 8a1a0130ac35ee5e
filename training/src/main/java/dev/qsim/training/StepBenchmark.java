package dev.qsim.training;

import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.training.minilm.MiniLmEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times {@code qsim-train}'s own step ({@link SiameseTrainer#timeSteps}) for the MiniLM fine-tune,
 * with the settings {@code qsim-train --encoder minilm} uses (online contrastive loss, AdamW at
 * 2e-5, gradient clipping at 1, dropout 0.1, batches padded to their longest question): the API
 * behind {@code qsim-bench train-step}, returning numbers rather than printing them.
 *
 * <p>Stateless and thread-safe (each call builds and closes its own trainer; PyTorch's threads are
 * shared, so run one at a time).
 */
public final class StepBenchmark {
  private StepBenchmark() {}

  /**
   * Runs {@code warmup + steps} training steps on real pairs and reports the measured ones.
   *
   * @param settings {@code pairs} (per step, default 32), {@code length} (tokens per question,
   *     default 32), {@code steps} (measured, default 10), {@code warmup} (default 2), {@code
   *     frozen_layers} (default 0) and {@code data} (a BiMPM-layout TSV file of labelled pairs,
   *     default {@code $qsim.data.dir/quora/train-extra.tsv}); unknown keys are refused
   * @return {@link StepTimes#summary()} plus {@code frozen_layers} and {@code length}
   * @throws IllegalArgumentException naming a bad setting
   */
  public static Map<String, Double> run(Map<String, String> settings) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    int pairs = positive(s, "pairs", 32);
    int length = positive(s, "length", 32);
    int steps = positive(s, "steps", 10);
    int warmup = Math.max(0, integer(s, "warmup", 2));
    int frozenLayers = Math.max(0, integer(s, "frozen_layers", 0));
    Path data =
        Path.of(
            s.containsKey("data")
                ? s.remove("data")
                : System.getProperty("qsim.data.dir", "../shared/data") + "/quora/train-extra.tsv");
    if (!s.isEmpty()) {
      throw new IllegalArgumentException("Unknown step benchmark settings " + s.keySet());
    }
    TrainCommand.pinEngineThreads();
    SiameseTrainer.configureEngine();
    List<LabelledPair> rows =
        PairReader.read(
                data, PairFormat.BIMPM, ReadOptions.defaults().withLimit(pairs * (steps + warmup)))
            .pairs();
    TrainingConfig config =
        TrainingConfig.builder()
            .loss(PairLoss.ONLINE_CONTRASTIVE)
            .epochs(1)
            .batchSize(pairs)
            .learningRate(2e-5)
            .maxLength(length)
            .seed(42)
            .build();
    try (MiniLmEncoder encoder = MiniLmEncoder.builder().optFrozenLayers(frozenLayers).build();
        QuestionTokenizer tokenizer = QuestionTokenizer.bundled(length);
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, config).progressTo(null)) {
      Map<String, Double> out =
          new LinkedHashMap<>(trainer.timeSteps(rows, warmup, steps).summary());
      out.put("length", (double) length);
      out.put("frozen_layers", (double) frozenLayers);
      return out;
    }
  }

  private static int integer(Map<String, String> s, String key, int fallback) {
    String v = s.remove(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, was '" + v + "'", e);
    }
  }

  private static int positive(Map<String, String> s, String key, int fallback) {
    int v = integer(s, key, fallback);
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, was " + v);
    }
    return v;
  }
}
