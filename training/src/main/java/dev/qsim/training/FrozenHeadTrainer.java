package dev.qsim.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.LabelledPair;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link PairHead} on the embeddings of a frozen model (the bundled all-MiniLM-L6-v2
 * served by {@code qsim-impl}): every distinct question is embedded once through {@link
 * QuestionSimilarity#embedAll} (cached as a float file), then the head learns from {@code [u, v, |u
 * - v|, u * v]} of both orders of every pair with AdamW. The epoch with the best dev average
 * precision is kept; the probability threshold is calibrated on the training pairs (best balanced
 * accuracy). Not thread-safe; close it to free the head's parameters.
 */
final class FrozenHeadTrainer implements AutoCloseable {
  private final TrainingConfig config;
  private final NDManager manager;
  private final ParameterStore store;
  private final PairHead head;
  private final AdamW optimizer;
  private final PrintStream progress;

  /**
   * The outcome: the head's calibrated threshold, its dev metrics at it, and the metrics on the
   * calibration pairs ({@code trainMetrics}, the training pairs unless others were given).
   */
  record Result(
      double threshold,
      int bestEpoch,
      Evaluation dev,
      BinaryMetrics trainMetrics,
      List<Double> epochLosses) {}

  FrozenHeadTrainer(int dimension, TrainingConfig config, PrintStream progress) {
    SiameseTrainer.configureEngine();
    this.config = config;
    this.progress = progress;
    Engine.getEngine(SiameseTrainer.ENGINE).setRandomSeed((int) config.seed());
    this.manager = NDManager.newBaseManager(SiameseTrainer.ENGINE);
    this.store = new ParameterStore(manager, false);
    this.head = new PairHead(dimension, config.headHidden()).initialize(manager);
    this.optimizer = new AdamW(manager, config.weightDecay());
    optimizer.add(head.block().getParameters().values(), 1);
    for (Parameter p : optimizer.parameters()) {
      p.getArray().setRequiresGradient(true);
    }
  }

  PairHead head() {
    return head;
  }

  /**
   * Embeds every distinct question of the pairs, reading and writing a cache file keyed by the
   * encoder's identity and the questions' hash.
   *
   * @param modelKey identifies the encoder, so that two encoders never share a cache file
   * @return question to embedding
   */
  static Map<String, float[]> embed(
      QuestionSimilarity model,
      String modelKey,
      List<LabelledPair> pairs,
      Path cacheDir,
      PrintStream progress) {
    List<String> unique = new ArrayList<>();
    Map<String, float[]> vectors = new HashMap<>();
    for (LabelledPair p : pairs) {
      for (String q : new String[] {p.first(), p.second()}) {
        if (!vectors.containsKey(q)) {
          vectors.put(q, null);
          unique.add(q);
        }
      }
    }
    Path cache =
        cacheDir == null ? null : cacheDir.resolve("embeddings-" + hash(modelKey, unique) + ".f32");
    float[][] values =
        cache != null && Files.isRegularFile(cache) ? read(cache, unique.size()) : null;
    if (values == null) {
      if (progress != null) {
        progress.printf(
            Locale.ROOT, "Embedding %d questions with the frozen encoder%n", unique.size());
      }
      long started = System.nanoTime();
      // Length-sorted so that each batch pads little; the embeddings do not depend on the batch.
      Integer[] order = new Integer[unique.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Integer.compare(unique.get(a).length(), unique.get(b).length()));
      List<String> sorted = new ArrayList<>(order.length);
      for (Integer i : order) {
        sorted.add(unique.get(i));
      }
      List<Embedding> embeddings =
          model instanceof OnnxQuestionSimilarity
              ? ((OnnxQuestionSimilarity) model).embedAll(sorted, reporter(progress))
              : model.embedAll(sorted);
      values = new float[unique.size()][];
      for (int i = 0; i < order.length; i++) {
        values[order[i]] = embeddings.get(i).vector();
      }
      if (progress != null) {
        progress.printf(
            Locale.ROOT,
            "%nEmbedded %d questions in %.1f s%n",
            unique.size(),
            (System.nanoTime() - started) / 1e9);
      }
      if (cache != null) {
        write(cache, values);
      }
    }
    for (int i = 0; i < values.length; i++) {
      vectors.put(unique.get(i), values[i]);
    }
    return vectors;
  }

  private static ProgressListener reporter(PrintStream out) {
    if (out == null) {
      return ProgressListener.NONE;
    }
    long[] last = {0};
    return (stage, done, total) -> {
      long now = System.nanoTime();
      if (now - last[0] > 30_000_000_000L || done == total) {
        last[0] = now;
        out.printf(Locale.ROOT, "%s %d/%d%n", stage, done, total);
        out.flush();
      }
    };
  }

  private static String hash(String modelKey, List<String> questions) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(modelKey.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      for (String q : questions) {
        digest.update(q.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static float[][] read(Path file, int count) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
      int n = in.readInt();
      int dim = in.readInt();
      if (n != count) {
        return null;
      }
      float[][] values = new float[n][dim];
      for (float[] row : values) {
        for (int j = 0; j < dim; j++) {
          row[j] = in.readFloat();
        }
      }
      return values;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path file, float[][] values) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (OutputStream raw = Files.newOutputStream(temp);
          DataOutputStream out =
              new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
        out.writeInt(values.length);
        out.writeInt(values.length == 0 ? 0 : values[0].length);
        for (float[] row : values) {
          for (float v : row) {
            out.writeFloat(v);
          }
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TrainingException("Cannot write the embedding cache " + file, e);
    }
  }

  /** Trains the head, keeps the best epoch on dev, calibrates on train, evaluates dev. */
  Result train(List<LabelledPair> train, List<LabelledPair> dev, Map<String, float[]> vectors) {
    return train(train, dev, train, vectors);
  }

  /** As {@link #train(List, List, Map)}, calibrating the threshold on {@code calibration}. */
  Result train(
      List<LabelledPair> train,
      List<LabelledPair> dev,
      List<LabelledPair> calibration,
      Map<String, float[]> vectors) {
    int dim = head.dimension();
    float[] u = flatten(train, vectors, true, dim);
    float[] v = flatten(train, vectors, false, dim);
    float[] labels = new float[train.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = train.get(i).label() >= config.labelMax() / 2 ? 1f : 0f;
    }
    int batch = Math.min(config.batchSize(), train.size());
    int stepsPerEpoch = train.size() / batch;
    long total = (long) stepsPerEpoch * config.epochs();
    long step = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    byte[] best = null;
    List<Double> losses = new ArrayList<>();
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      int[] order = SiameseTrainer.shuffled(train.size(), config.seed() + epoch);
      double lossSum = 0;
      for (int b = 0; b < stepsPerEpoch; b++) {
        float[] bu = new float[batch * dim];
        float[] bv = new float[batch * dim];
        float[] by = new float[batch];
        for (int i = 0; i < batch; i++) {
          int row = order[b * batch + i];
          System.arraycopy(u, row * dim, bu, i * dim, dim);
          System.arraycopy(v, row * dim, bv, i * dim, dim);
          by[i] = labels[row];
        }
        double lr = schedule(step, total);
        lossSum += step(bu, bv, by, lr, epoch, step);
        step++;
      }
      double meanLoss = lossSum / Math.max(1, stepsPerEpoch);
      losses.add(meanLoss);
      double score = meanLoss;
      String line = String.format(Locale.ROOT, "epoch %d: mean loss %.4f", epoch + 1, meanLoss);
      if (!dev.isEmpty()) {
        BinaryMetrics m = metrics(dev, vectors);
        score = m.averagePrecision();
        line +=
            String.format(
                Locale.ROOT,
                "; dev AP %.4f, accuracy %.4f and F1 %.4f at dev-fitted thresholds",
                m.averagePrecision(),
                m.bestAccuracy().accuracy(),
                m.bestF1().f1());
      } else {
        score = -meanLoss;
      }
      if (progress != null) {
        progress.println(line);
      }
      if (score > bestScore) {
        bestScore = score;
        bestEpoch = epoch + 1;
        best = Checkpoints.snapshotOf(head.block().getParameters().values());
      }
    }
    if (best != null) {
      Checkpoints.restoreInto(manager, head.block().getParameters().values(), best);
    }
    BinaryMetrics trainMetrics = metrics(calibration, vectors);
    double threshold = trainMetrics.bestBalancedAccuracy().threshold();
    Evaluation devEval = null;
    if (!dev.isEmpty()) {
      BinaryMetrics m = metrics(dev, vectors);
      BinaryMetrics similarity = BinaryMetrics.of(cosines(dev, vectors), duplicates(dev));
      devEval = new Evaluation(dev.size(), similarity, m, Double.NaN, Double.NaN, m.at(threshold));
    }
    return new Result(threshold, bestEpoch, devEval, trainMetrics, losses);
  }

  private double schedule(long step, long total) {
    long warmup = (long) Math.floor(config.warmupFraction() * total);
    if (step < warmup) {
      return config.headLearningRate() * (step + 1) / warmup;
    }
    return config.headLearningRate()
        * Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
  }

  private double step(float[] bu, float[] bv, float[] by, double lr, int epoch, long step) {
    int n = by.length;
    int dim = head.dimension();
    try (NDManager scope = manager.newSubManager()) {
      for (Parameter p : head.block().getParameters().values()) {
        p.getArray().tempAttach(scope);
      }
      optimizer.attachTo(scope);
      NDArray uu = scope.create(bu, new Shape(n, dim));
      NDArray vv = scope.create(bv, new Shape(n, dim));
      float value;
      try (GradientCollector collector =
          Engine.getEngine(SiameseTrainer.ENGINE).newGradientCollector()) {
        NDArray logits = head.symmetricLogits(store, uu, vv, true);
        NDArray loss = Losses.headCrossEntropy(logits, by);
        value = loss.getFloat();
        if (!Float.isFinite(value)) {
          throw new TrainingException(
              "Training stopped: loss is "
                  + value
                  + " at epoch "
                  + (epoch + 1)
                  + ", step "
                  + (step + 1)
                  + ". Lower --head-lr.");
        }
        collector.backward(loss);
      }
      List<NDArray> grads = optimizer.gradients();
      double norm = AdamW.clipGlobalNorm(grads, config.maxGradNorm());
      if (!Double.isFinite(norm)) {
        throw new TrainingException(
            "Training stopped: gradient norm is " + norm + " at step " + (step + 1));
      }
      optimizer.update(grads, new double[] {lr, lr});
      AdamW.zero(grads);
      return value;
    }
  }

  /** The head's symmetric probabilities on labelled pairs. */
  double[] probabilities(List<LabelledPair> pairs, Map<String, float[]> vectors) {
    int dim = head.dimension();
    float[] u = flatten(pairs, vectors, true, dim);
    float[] v = flatten(pairs, vectors, false, dim);
    double[] out = new double[pairs.size()];
    for (int start = 0; start < pairs.size(); start += 4096) {
      int end = Math.min(pairs.size(), start + 4096);
      try (NDManager scope = manager.newSubManager()) {
        for (Parameter p : head.block().getParameters().values()) {
          p.getArray().tempAttach(scope);
        }
        Shape shape = new Shape(end - start, dim);
        float[] p =
            head.probabilities(
                store,
                scope.create(Arrays.copyOfRange(u, start * dim, end * dim), shape),
                scope.create(Arrays.copyOfRange(v, start * dim, end * dim), shape));
        for (int i = start; i < end; i++) {
          out[i] = p[i - start];
        }
      }
    }
    return out;
  }

  private BinaryMetrics metrics(List<LabelledPair> pairs, Map<String, float[]> vectors) {
    return BinaryMetrics.of(probabilities(pairs, vectors), duplicates(pairs));
  }

  private boolean[] duplicates(List<LabelledPair> pairs) {
    boolean[] d = new boolean[pairs.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = pairs.get(i).label() >= config.labelMax() / 2;
    }
    return d;
  }

  static double[] cosines(List<LabelledPair> pairs, Map<String, float[]> vectors) {
    double[] out = new double[pairs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          SiameseTrainer.cosine(
              vectors.get(pairs.get(i).first()), vectors.get(pairs.get(i).second()));
    }
    return out;
  }

  private static float[] flatten(
      List<LabelledPair> pairs, Map<String, float[]> vectors, boolean first, int dim) {
    float[] out = new float[pairs.size() * dim];
    for (int i = 0; i < pairs.size(); i++) {
      LabelledPair p = pairs.get(i);
      float[] vec = vectors.get(first ? p.first() : p.second());
      System.arraycopy(vec, 0, out, i * dim, dim);
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
