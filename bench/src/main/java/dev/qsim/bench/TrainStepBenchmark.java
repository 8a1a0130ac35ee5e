package dev.qsim.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seconds per fine-tune step (32 pairs, 32 tokens). The step itself is measured by the training
 * module's {@code dev.qsim.training.minilm.FineTuneStepBenchmark}; this entry runs it, in a fresh
 * JVM with {@code OMP_WAIT_POLICY=PASSIVE} unless {@code --fork false}, when that class is on the
 * class path (build the harness with {@code -Ptrain-step}), and otherwise says how to run it.
 *
 * <p>Not thread-safe.
 */
final class TrainStepBenchmark {
  static final String NAME = "train-step";
  static final String ENTRY = "dev.qsim.training.minilm.FineTuneStepBenchmark";
  static final String COMMAND =
      "OMP_WAIT_POLICY=PASSIVE mvn -q -pl training compile exec:java"
          + " -Dexec.mainClass="
          + ENTRY
          + " -Dexec.args=\"--pairs 32 --length 32\"";

  /** The summary line the training module's benchmark ends with. */
  static final Pattern SUMMARY =
      Pattern.compile(
          "median ([0-9.]+) s/step, mean ([0-9.]+) s/step, min ([0-9.]+) s, max ([0-9.]+) s"
              + " over (\\d+) steps; ([0-9.]+) pairs/s");

  /** The optional CPU-time line that follows it. */
  static final Pattern CPU = Pattern.compile("median process CPU time ([0-9.]+) s/step");

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
        "train-step: seconds per MiniLM fine-tune step, "
            + pairs
            + " pairs x "
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
      report.note(
          "Build the harness with it (mvn -q -pl bench -am -Ptrain-step package -DskipTests),");
      report.note("or run the training module's own command from the project root:");
      report.note("  " + COMMAND);
      f.put("status", "skipped");
      f.put("reason", "training-module-not-on-class-path");
      report.result(NAME, f);
      return;
    }
    List<String> output = new ArrayList<>();
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
      ChildJvm.run(
          NAME,
          jvmArgs,
          args,
          Map.of("OMP_WAIT_POLICY", "PASSIVE"),
          line -> {
            if (!line.startsWith(Report.PREFIX)
                && !line.startsWith("# ")
                && !line.startsWith("== ")
                && !line.isBlank()) {
              report.note(line);
              output.add(line);
            }
          });
    } else {
      output.addAll(runEntry(report));
    }
    Matcher m = null;
    String cpu = null;
    for (String line : output) {
      Matcher candidate = SUMMARY.matcher(line);
      if (candidate.find()) {
        m = candidate;
      }
      Matcher c = CPU.matcher(line);
      if (c.find()) {
        cpu = c.group(1);
      }
    }
    if (m == null) {
      throw new IllegalStateException(
          ENTRY + " printed no line like 'median X s/step, ...'; its output is above");
    }
    f.put("status", "ran");
    f.put("steps", Integer.parseInt(m.group(5)));
    f.put("median_s_per_step", Double.parseDouble(m.group(1)));
    f.put("mean_s_per_step", Double.parseDouble(m.group(2)));
    f.put("min_s", Double.parseDouble(m.group(3)));
    f.put("max_s", Double.parseDouble(m.group(4)));
    f.put("pairs_per_s", Double.parseDouble(m.group(6)));
    if (cpu != null) {
      f.put("median_cpu_s_per_step", Double.parseDouble(cpu));
    }
    report.result(NAME, f);
  }

  /** Runs the entry in this JVM, copying what it prints to the report and keeping its lines. */
  private List<String> runEntry(Report report) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    PrintStream tee = new PrintStream(new Tee(report.out, captured), true, StandardCharsets.UTF_8);
    System.setOut(tee);
    try {
      Method main = Class.forName(ENTRY).getMethod("main", String[].class);
      main.invoke(
          null,
          (Object)
              new String[] {
                "--pairs", Integer.toString(pairs),
                "--length", Integer.toString(length),
                "--steps", Integer.toString(steps),
                "--warmup", Integer.toString(warmup),
                "--frozen-layers", Integer.toString(frozenLayers)
              });
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(ENTRY + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(ENTRY + " has no public static main(String[])", e);
    } finally {
      System.setOut(original);
      tee.flush();
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
