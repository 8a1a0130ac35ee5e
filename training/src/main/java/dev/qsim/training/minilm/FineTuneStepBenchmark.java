package dev.qsim.training.minilm;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.qsim.QsimException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures one fine-tune step of the bundled MiniLM encoder: tokenise a batch of real Quora pairs,
 * forward both questions of every pair through the shared block, a contrastive loss on the cosine
 * distance, backward, global-norm gradient clipping and an AdamW update (DJL's fused optimizer).
 * Prints the time of every step and the median after the warm-up steps, and the process's resident
 * memory (it must not grow from step to step).
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -cp ... dev.qsim.training.minilm.FineTuneStepBenchmark \
 *     [--pairs 32] [--length 32] [--steps 12] [--warmup 3] [--freeze-word-embeddings] [--frozen-layers 0] [--dropout 0.1] [--clip 1.0]
 *     [--data ../shared/data/quora/train-extra.tsv]
 * </pre>
 *
 * <p>Every question is padded (or truncated) to exactly {@code --length} tokens: the worst case for
 * that length. Sets {@code ai.djl.offline=true}, {@code ai.djl.pytorch.num_threads=2} and {@code
 * num_interop_threads=1} unless already set; set the environment variable {@code
 * OMP_WAIT_POLICY=PASSIVE} yourself (a JVM cannot).
 *
 * <p>A command-line program; not thread-safe.
 */
public final class FineTuneStepBenchmark {

  private FineTuneStepBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws IOException if the data file cannot be read
   */
  public static void main(String[] args) throws IOException {
    defaultProperty("ai.djl.offline", "true");
    defaultProperty("ai.djl.pytorch.num_threads", "2");
    defaultProperty("ai.djl.pytorch.num_interop_threads", "1");
    int pairs = 32;
    int length = 32;
    int steps = 12;
    int warmup = 3;
    boolean freeze = false;
    int frozenLayers = 0;
    float dropout = 0.1f;
    double clip = 1.0;
    Path data =
        Path.of(System.getProperty("qsim.data.dir", "../shared/data"))
            .resolve("quora/train-extra.tsv");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--pairs" -> pairs = Integer.parseInt(value(args, ++i, a));
        case "--length" -> length = Integer.parseInt(value(args, ++i, a));
        case "--steps" -> steps = Integer.parseInt(value(args, ++i, a));
        case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
        case "--freeze-word-embeddings" -> freeze = true;
        case "--frozen-layers" -> frozenLayers = Integer.parseInt(value(args, ++i, a));
        case "--dropout" -> dropout = Float.parseFloat(value(args, ++i, a));
        case "--clip" -> clip = Double.parseDouble(value(args, ++i, a));
        case "--data" -> data = Path.of(value(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (System.getenv("OMP_WAIT_POLICY") == null) {
      System.out.println(
          "note: OMP_WAIT_POLICY is not set; PASSIVE avoids busy-waiting threads on a shared CPU");
    }
    List<String[]> rows = readPairs(data, pairs * (steps + warmup));
    System.out.printf(
        Locale.ROOT,
        "MiniLM fine-tune step: %d pairs x 2 questions x %d tokens, AdamW, dropout %.2f, clip %.1f,"
            + " word embeddings %s, frozen layers %d, threads %s/%s%n",
        pairs,
        length,
        dropout,
        clip,
        freeze || frozenLayers > 0 ? "frozen" : "trained",
        frozenLayers,
        System.getProperty("ai.djl.pytorch.num_threads"),
        System.getProperty("ai.djl.pytorch.num_interop_threads"));

    Engine.getEngine("PyTorch").setRandomSeed(42);
    long[] nanos = new long[steps + warmup];
    long[] cpuNanos = new long[steps + warmup];
    try (MiniLmEncoder encoder =
            MiniLmEncoder.builder()
                .optDropout(dropout)
                .optFreezeWordEmbeddings(freeze)
                .optFrozenLayers(frozenLayers)
                .build();
        MiniLmTokenizer tokenizer =
            new MiniLmTokenizer(MiniLmEncoder.class.getClassLoader(), length);
        Model model = Model.newInstance("minilm-benchmark", Device.cpu(), "PyTorch")) {
      model.setBlock(encoder.block());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adamW()
                      .optLearningRateTracker(Tracker.fixed(2e-5f))
                      .optWeightDecays(0.01f)
                      .build())
              .optDevices(new Device[] {Device.cpu()});
      List<Parameter> trainable = new ArrayList<>();
      for (Parameter p : encoder.block().getParameters().values()) {
        if (p.requiresGradient()) {
          trainable.add(p);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "trainable parameters: %,d; RSS before: %d MB%n",
          trainable.stream().mapToLong(p -> p.getArray().size()).sum(),
          residentMegabytes());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(2L * pairs, length), new Shape(2L * pairs, length));
        for (int s = 0; s < steps + warmup; s++) {
          List<String> questions = new ArrayList<>(2 * pairs);
          float[] labels = new float[pairs];
          for (int i = 0; i < pairs; i++) {
            String[] row = rows.get(s * pairs + i);
            labels[i] = Float.parseFloat(row[0]);
            questions.add(row[1]);
            questions.add(row[2]);
          }
          long[] phases = new long[4];
          long start = System.nanoTime();
          long cpuStart = processCpuNanos();
          float loss =
              step(
                  trainer,
                  model.getNDManager(),
                  tokenizer,
                  questions,
                  labels,
                  trainable,
                  clip,
                  phases);
          nanos[s] = System.nanoTime() - start;
          cpuNanos[s] = processCpuNanos() - cpuStart;
          System.out.printf(
              Locale.ROOT,
              "step %2d%s: %6.3f s, cpu %.3f s (forward %.3f, backward %.3f, clip %.3f, AdamW %.3f)"
                  + "  loss %.5f  RSS %d MB%n",
              s + 1,
              s < warmup ? " (warm-up)" : "",
              nanos[s] / 1e9,
              cpuNanos[s] / 1e9,
              phases[0] / 1e9,
              phases[1] / 1e9,
              phases[2] / 1e9,
              phases[3] / 1e9,
              loss,
              residentMegabytes());
        }
      }
    }
    long[] cpu = Arrays.copyOfRange(cpuNanos, warmup, warmup + steps);
    Arrays.sort(cpu);
    long[] measured = Arrays.copyOfRange(nanos, warmup, warmup + steps);
    Arrays.sort(measured);
    double mean = Arrays.stream(measured).average().orElse(0) / 1e9;
    double median = measured[measured.length / 2] / 1e9;
    System.out.printf(
        Locale.ROOT,
        "median %.3f s/step, mean %.3f s/step, min %.3f s, max %.3f s over %d steps; %.1f pairs/s%n",
        median,
        mean,
        measured[0] / 1e9,
        measured[measured.length - 1] / 1e9,
        steps,
        pairs / median);
    System.out.printf(
        Locale.ROOT,
        "median process CPU time %.3f s/step (all threads; the machine's load average was %.2f)%n",
        cpu[cpu.length / 2] / 1e9,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static float step(
      Trainer trainer,
      NDManager parent,
      MiniLmTokenizer tokenizer,
      List<String> questions,
      float[] labels,
      List<Parameter> trainable,
      double clip,
      long[] phases) {
    long t0 = System.nanoTime();
    try (NDManager scope = parent.newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      NDList inputs = tokenizer.encode(scope, questions, true);
      NDArray embeddings = trainer.forward(inputs).singletonOrThrow();
      NDArray y = scope.create(labels);
      NDArray distance =
          embeddings.get("0::2").mul(embeddings.get("1::2")).sum(new int[] {1}).neg().add(1f);
      NDArray positive = distance.square();
      NDArray negative = distance.neg().add(0.5f).maximum(0f).square();
      NDArray loss = y.mul(positive).add(y.neg().add(1f).mul(negative)).mean();
      float value = loss.getFloat();
      if (!Float.isFinite(value)) {
        throw new QsimException("non-finite loss " + value);
      }
      long t1 = System.nanoTime();
      collector.backward(loss);
      long t2 = System.nanoTime();
      double norm = clipGlobalNorm(trainable, scope, clip > 0 ? clip : Double.POSITIVE_INFINITY);
      long t3 = System.nanoTime();
      if (Double.isFinite(norm)) {
        trainer.step();
      } else {
        // What SiameseTrainer does: skip the update, leave no non-finite gradient behind.
        List<String> names = new ArrayList<>();
        for (Parameter p : trainable) {
          NDArray g = p.getArray().getGradient();
          g.attach(scope);
          if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
            names.add(p.getName());
          }
          g.set(new NDIndex("..."), 0f);
        }
        System.out.printf(Locale.ROOT, "gradient norm %s (in %s): update skipped%n", norm, names);
      }
      long t4 = System.nanoTime();
      phases[0] = t1 - t0;
      phases[1] = t2 - t1;
      phases[2] = t3 - t2;
      phases[3] = t4 - t3;
      return value;
    }
  }

  /**
   * Scales all gradients so that their global L2 norm is at most {@code maxNorm}. The arrays {@code
   * getGradient()} returns belong to the parameter's manager; they are moved into {@code scope} so
   * that they, and everything computed from them, are closed with it.
   */
  static double clipGlobalNorm(List<Parameter> parameters, NDManager scope, double maxNorm) {
    List<NDArray> grads = new ArrayList<>(parameters.size());
    NDArray sum = null;
    for (Parameter p : parameters) {
      NDArray g = p.getArray().getGradient();
      g.attach(scope);
      grads.add(g);
      NDArray s = g.square().sum();
      sum = sum == null ? s : sum.add(s);
    }
    double norm = Math.sqrt(sum.toType(DataType.FLOAT64, false).getDouble());
    if (Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : grads) {
        g.muli(scale);
      }
    }
    return norm;
  }

  private static List<String[]> readPairs(Path file, int count) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new QsimException(
          file + ": no such data file (label<TAB>question1<TAB>question2<TAB>id)");
    }
    List<String[]> rows = new ArrayList<>(count);
    long line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      String[] cols = text.split("\t", -1);
      if (cols.length < 3 || cols[1].isBlank() || cols[2].isBlank()) {
        throw new QsimException(file + ":" + line + ": expected label<TAB>question1<TAB>question2");
      }
      rows.add(cols);
      if (rows.size() == count) {
        return rows;
      }
    }
    throw new QsimException(file + ": needs " + count + " pairs, holds " + rows.size());
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long residentMegabytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args[i];
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
