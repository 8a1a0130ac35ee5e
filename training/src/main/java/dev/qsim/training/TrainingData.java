package dev.qsim.training;

import dev.qsim.data.LabelledPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * From labelled pairs to what a {@link SiameseTrainer} trains and scores on: the pairs its loss
 * learns from, their token ids and the batches of a run. Stateless.
 */
final class TrainingData {
  private static final int TOKENIZE_CHUNK = 2048;

  private TrainingData() {}

  /** The pairs the trainer's loss learns from: all of them, or the duplicates for MNRL. */
  static List<LabelledPair> usable(SiameseTrainer t, List<LabelledPair> train) {
    Objects.requireNonNull(train, "train");
    if (t.config().loss() != PairLoss.MNRL) {
      return train;
    }
    List<LabelledPair> positives = new ArrayList<>();
    for (LabelledPair p : train) {
      if (t.config().isDuplicate(p.label())) {
        positives.add(p);
      }
    }
    return positives;
  }

  /** The tokenised, batched usable pairs of a run. */
  static TrainingBatches batches(SiameseTrainer t, List<LabelledPair> usable) {
    return new TrainingBatches(
        usable, tokenize(t, usable, true), tokenize(t, usable, false), t.config());
  }

  /** The encoder's inputs for each pair's first question (or second, if not {@code first}). */
  static long[][] tokenize(SiameseTrainer t, List<LabelledPair> pairs, boolean first) {
    long[][] ids = new long[pairs.size()][];
    for (int start = 0; start < pairs.size(); start += TOKENIZE_CHUNK) {
      int end = Math.min(pairs.size(), start + TOKENIZE_CHUNK);
      List<String> texts = new ArrayList<>(end - start);
      List<String> others = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        texts.add(first ? pairs.get(i).first() : pairs.get(i).second());
        others.add(first ? pairs.get(i).second() : pairs.get(i).first());
      }
      // A cross-encoder reads the pair in this order: (first, second), or (second, first).
      long[][] chunk =
          t.encoder().readsPairs()
              ? t.encoder().encodePairs(t.tokenizer(), texts, others)
              : t.encoder().encode(t.tokenizer(), texts);
      System.arraycopy(chunk, 0, ids, start, chunk.length);
    }
    return ids;
  }

  /** A permutation of {@code [0, n)} from a seeded Fisher–Yates shuffle. */
  static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
