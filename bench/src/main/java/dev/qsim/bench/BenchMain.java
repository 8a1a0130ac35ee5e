package dev.qsim.bench;

import dev.qsim.QsimException;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * qsim's benchmark harness: {@code java -jar bench/target/qsim-bench.jar NAME... [OPTIONS]}, with
 * NAME among {@code throughput}, {@code latency}, {@code dedupe}, {@code index}, {@code
 * train-step}, {@code grouping}, {@code soak}, {@code verifier} or {@code all}. Each benchmark
 * prints a table, then machine-readable {@code RESULT} lines; the throughput benchmark ends with
 * {@code ratio qsim/langchain4j = R}, and {@code all} runs it last so that this is the last line.
 * See {@code docs/benchmarks.md}.
 *
 * <p>A command-line program; not thread-safe.
 */
public final class BenchMain {
  static final List<String> ALL =
      List.of(
          LatencyBenchmark.NAME,
          DedupeBenchmark.NAME,
          IndexBenchmark.NAME,
          TrainStepBenchmark.NAME,
          ThroughputBenchmark.NAME);

  /** Every benchmark name: {@link #ALL} and those {@code all} leaves out (grouping, soak). */
  static final List<String> KNOWN =
      List.of(
          LatencyBenchmark.NAME,
          DedupeBenchmark.NAME,
          IndexBenchmark.NAME,
          TrainStepBenchmark.NAME,
          ThroughputBenchmark.NAME,
          GroupingBenchmark.NAME,
          AskedBeforeBenchmark.NAME,
          SoakBenchmark.NAME,
          VerifierBenchmark.NAME);

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar bench/target/qsim-bench.jar NAME... [OPTIONS]",
          "  NAME: throughput | latency | dedupe | index | train-step | grouping | asked | soak | verifier"
              + " | all"
              + " (all = latency dedupe index train-step throughput)",
          "  --data DIR            shared data folder (default -Dqsim.data.dir or ../shared/data)",
          "  throughput: --questions 2000 --reps 5 [--batch-size N, default: the SDK default]",
          "  latency:    --pairs 500 --warmup 100",
          "  soak:       --calls 1000000 --soak-threads 2 --soak-pairs 10000"
              + " (RSS sampled every calls/10)",
          "  dedupe:     --sizes 1000,10000 (100k and 1m allowed) --dedupe-reps 1"
              + " --dedupe-warmup 500",
          "              --top-k 10 --threshold T (default: the model's) --fork true|false"
              + " --jvm-args \"-Xmx4g\"",
          "              --precision fp32|int8 (the first of a list); scale run: --vectors DIR (embedding cache)"
              + " --recall none|exact|sampled --timed true|false (sizes up to 1m)",
          "  index:      --index-size 20000 (100k, 1m allowed) --index-queries 300 --index-warmup 50"
              + " --index-k 5 --recall-queries 200 --index-dir DIR (kept and reused) --force-merge true"
              + " (times again after merging into one segment)",
          "  verifier:   --model DIR (with a verifier) --verifier-pairs 1000 --verifier-single 200"
              + " --verifier-warmup 50 --precision fp32[,int8] (not part of all)",
          "  grouping:   --out DIR [--groups FILE.jsonl] --grouping-pairs 500 --seed 42"
              + " (grouping quality on labelled Quora dev pairs; not part of all)",
          "  asked:      --model default|cascade|DIR --asked-queries 1000 --asked-others N (default all)"
              + " --seed 42 (askedBefore's top match on labelled Quora dev duplicates; not part of all)",
          "  train-step: --step-pairs 32 --step-length 32 --steps 10 --step-warmup 2 --step-frozen-layers 0 (needs the harness"
              + " built with -Ptrain-step; --fork and --jvm-args apply too)");

  private BenchMain() {}

  /**
   * Runs the named benchmarks and exits: 0 on success, 2 for a bad command line, 1 if a benchmark
   * failed.
   *
   * @param args benchmark names, then options
   */
  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getenv("OPT_OUT_TRACKING") == null
        && System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Report report = new Report(out, err);
    Options options;
    List<String> names;
    try {
      options = Options.parse(args);
      names = expand(options.names());
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Path data;
    List<Runnable> runs = new ArrayList<>();
    try {
      String dataOption = options.string("data", null);
      // Build every benchmark first so that a bad option fails before minutes of work.
      for (String name : names) {
        switch (name) {
          case ThroughputBenchmark.NAME -> {
            ThroughputBenchmark b = new ThroughputBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case LatencyBenchmark.NAME -> {
            LatencyBenchmark b = new LatencyBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case DedupeBenchmark.NAME -> {
            DedupeBenchmark b = new DedupeBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case IndexBenchmark.NAME -> {
            IndexBenchmark b = new IndexBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case SoakBenchmark.NAME -> {
            SoakBenchmark b = new SoakBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case VerifierBenchmark.NAME -> {
            VerifierBenchmark b = new VerifierBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case AskedBeforeBenchmark.NAME -> {
            AskedBeforeBenchmark b = new AskedBeforeBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case GroupingBenchmark.NAME -> {
            GroupingBenchmark b = new GroupingBenchmark(options);
            runs.add(() -> b.run(Corpus.dataDir(dataOption), report));
          }
          case TrainStepBenchmark.NAME -> {
            TrainStepBenchmark b = new TrainStepBenchmark(options);
            runs.add(() -> b.run(report));
          }
          default -> throw new IllegalStateException(name);
        }
      }
      options.checkAllUsed();
      data = Corpus.dataDir(dataOption);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (QsimException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    printMachine(out, data);
    try {
      for (Runnable r : runs) {
        r.run();
      }
      return 0;
    } catch (RuntimeException e) {
      err.println("error: a benchmark failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  static List<String> expand(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("Name at least one benchmark");
    }
    List<String> out = new ArrayList<>();
    for (String n : names) {
      List<String> add = n.equals("all") ? ALL : List.of(n);
      for (String a : add) {
        if (!KNOWN.contains(a)) {
          throw new IllegalArgumentException("Unknown benchmark '" + n + "'");
        }
        if (!out.contains(a)) {
          out.add(a);
        }
      }
    }
    return List.copyOf(out);
  }

  private static void printMachine(PrintStream out, Path data) {
    out.println(
        String.format(
            Locale.ROOT,
            "# machine: %s, %d processors, %s; JVM %s %s, max heap %d MB; OS %s %s",
            cpuModel(),
            Runtime.getRuntime().availableProcessors(),
            totalMemory(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"),
            Runtime.getRuntime().maxMemory() / (1024 * 1024),
            System.getProperty("os.name"),
            System.getProperty("os.arch")));
    out.println("# data: " + data.toAbsolutePath().normalize());
    out.println("# jvm args: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
    return "unknown CPU";
  }

  private static String totalMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GB RAM", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown RAM";
    }
    return "unknown RAM";
  }

  /** The bundled default model at {@code precision}, as every benchmark of it opens it. */
  static OnnxQuestionSimilarity bundled(Precision precision) {
    return OnnxQuestionSimilarity.builder()
        .setModelResource(
            OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
        .optPrecision(precision)
        .build();
  }
}
