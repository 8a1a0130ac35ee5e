package dev.qsim.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seconds per fine-tune step (32 pairs, 32 tokens). The step itself is measured by the training
 * module's {@code dev.qsim.training.minilm.FineTuneStepBenchmark}; this entry runs it when that
 * class is on the class path, and otherwise says how to run it (the benchmark jar does not carry
 * the PyTorch engine).
 *
 * <p>Not thread-safe.
 */
final class TrainStepBenchmark {
  static final String NAME = "train-step";
  static final String ENTRY = "dev.qsim.training.minilm.FineTuneStepBenchmark";
  static final String COMMAND =
      "OMP_WAIT_POLICY=PASSIVE mvn -q -pl training exec:java"
          + " -Dexec.mainClass="
          + ENTRY
          + " -Dexec.args=\"--pairs 32 --length 32\"";

  private final int pairs;
  private final int length;

  TrainStepBenchmark(Options options) {
    this.pairs = options.integer("step-pairs", 32, 1);
    this.length = options.integer("step-length", 32, 2);
  }

  void run(Report report) {
    report.title("train-step: seconds per MiniLM fine-tune step");
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("pairs", pairs);
    f.put("length", length);
    Class<?> entry;
    try {
      entry = Class.forName(ENTRY, true, TrainStepBenchmark.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      report.note("not run here: the training module (PyTorch engine) is not on this class path.");
      report.note("It is measured by the training module's own command, from the project root:");
      report.note("  " + COMMAND);
      f.put("status", "skipped");
      f.put("reason", "training-module-not-on-class-path");
      report.result(NAME, f);
      return;
    }
    try {
      Method main = entry.getMethod("main", String[].class);
      main.invoke(
          null,
          (Object)
              new String[] {
                "--pairs", Integer.toString(pairs), "--length", Integer.toString(length)
              });
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(ENTRY + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(ENTRY + " has no public static main(String[])", e);
    }
    f.put("status", "ran");
    f.put("entry", ENTRY);
    report.result(NAME, f);
  }
}
