package dev.qsim.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seconds per fine-tune step of {@code qsim-train} (MiniLM, 32 pairs, 32 tokens): calls the
 * training module's {@code dev.qsim.training.StepBenchmark.run}, which times the trainer's own step
 * and returns the numbers (a training-module test fails if that step differs from the one {@code
 * qsim-train} takes). Runs in a fresh JVM with {@code OMP_WAIT_POLICY=PASSIVE} unless {@code --fork
 * false}, whose result line is read back; needs the training module on the class path (build the
 * harness with {@code -Ptrain-step}), and otherwise says how to get it.
 *
 * <p>Not thread-safe.
 */
final class TrainStepBenchmark {
  static final String NAME = "train-step";
  static final String ENTRY = "dev.qsim.training.StepBenchmark";
  static final String COMMAND = "mvn -q -pl bench -am -Ptrain-step package -DskipTests";

  private final int pairs;
  private final int length;
  private final int steps;
  private final int warmup;
  private final int frozenLayers;
  private final boolean fork;
  private final String jvmArgs;

  TrainStepBenchmark(Options options) {
    this.pairs = options.integer("step-pairs", 32, 1);
    this.length = options.integer("step-length", 32, 2);
    this.steps = options.integer("steps", 10, 1);
    this.warmup = options.integer("step-warmup", 2, 0);
    this.frozenLayers = options.integer("step-frozen-layers", 0, 0);
    this.fork = !options.has("fork") || options.flag("fork");
    this.jvmArgs = options.string("jvm-args", "");
  }

  static boolean available() {
    try {
      Class.forName(ENTRY, false, TrainStepBenchmark.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  void run(Report report) {
    report.title(
        "train-step: seconds per qsim-train MiniLM fine-tune step, "
            + pairs
            + " pairs x up to "
            + length
            + " tokens, median of "
            + steps
            + " steps after "
            + warmup
            + (frozenLayers > 0 ? ", embeddings and " + frozenLayers + " layers frozen" : ""));
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("pairs", pairs);
    f.put("length", length);
    f.put("frozen_layers", frozenLayers);
    if (!available()) {
      report.note("not run here: the training module (PyTorch engine) is not on this class path.");
      report.note("Build the harness with it: " + COMMAND);
      f.put("status", "skipped");
      f.put("reason", "training-module-not-on-class-path");
      report.result(NAME, f);
      return;
    }
    if (fork) {
      List<String> args =
          List.of(
              NAME,
              "--fork=false",
              "--step-pairs=" + pairs,
              "--step-length=" + length,
              "--steps=" + steps,
              "--step-warmup=" + warmup,
              "--step-frozen-layers=" + frozenLayers);
      Map<String, String> child = new LinkedHashMap<>();
      ChildJvm.run(
          NAME,
          jvmArgs,
          args,
          Map.of("OMP_WAIT_POLICY", "PASSIVE"),
          line -> {
            Map<String, String> fields = Report.parseResult(line, NAME);
            if (fields != null) {
              child.putAll(fields);
            }
          });
      if (!"ran".equals(child.get("status"))) {
        throw new IllegalStateException("The train-step JVM reported no result: " + child);
      }
      report.result(NAME, child);
      return;
    }
    Map<String, Double> measured = measure();
    f.put("status", "ran");
    measured.forEach(
        (k, v) -> {
          if (!f.containsKey(k)) {
            f.put(k, k.equals("steps") || k.equals("non_finite_steps") ? (Object) v.intValue() : v);
          }
        });
    report.note(
        String.format(
            java.util.Locale.ROOT,
            "median %.3f s/step (CPU %.3f s), %.1f pairs/s",
            measured.get("median_s_per_step"),
            measured.get("median_cpu_s_per_step"),
            measured.get("pairs_per_s")));
    report.result(NAME, f);
  }

  /** Calls the training module's step benchmark in this JVM. */
  @SuppressWarnings("unchecked")
  private Map<String, Double> measure() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("pairs", Integer.toString(pairs));
    settings.put("length", Integer.toString(length));
    settings.put("steps", Integer.toString(steps));
    settings.put("warmup", Integer.toString(warmup));
    settings.put("frozen_layers", Integer.toString(frozenLayers));
    try {
      Method run = Class.forName(ENTRY).getMethod("run", Map.class);
      return (Map<String, Double>) run.invoke(null, settings);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(ENTRY + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(ENTRY + " has no public static run(Map)", e);
    }
  }
}
