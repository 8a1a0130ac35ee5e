package dev.qsim.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.qsim.Embedding;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Embedding throughput of qsim ({@link OnnxQuestionSimilarity#embedAll}) in each precision of
 * {@code --precision} (default {@code fp32}; e.g. {@code fp32,int8}) and of LangChain4j's
 * in-process all-MiniLM-L6-v2 ({@code AllMiniLmL6V2EmbeddingModel.embedAll}, fp32), all with their
 * default settings, on the same real questions in the same JVM: one warm-up pass each, then {@code
 * reps} measured rounds, each running every implementation once in a rotating order. Reports the
 * median and the useful GFLOP/s (the FLOPs of all-MiniLM-L6-v2 on each question's real token count,
 * no padding). The last lines are {@code ratio qsim-<precision>/langchain4j = R}, ratios of the
 * median sentences per second.
 *
 * <p>Not thread-safe.
 */
final class ThroughputBenchmark {
  static final String NAME = "throughput";

  /** Per-component difference under which two vectors count as the same. */
  static final double SAME_VECTOR_TOLERANCE = 1e-4;

  // all-MiniLM-L6-v2's shapes, for the FLOP count.
  private static final int LAYERS = 6;
  private static final int HIDDEN = 384;
  private static final int FFN = 1536;

  private final int questionCount;
  private final int reps;
  private final int batchSize;
  private final List<Precision> precisions;

  ThroughputBenchmark(Options options) {
    this.questionCount = options.integer("questions", 2000, 1);
    this.reps = options.integer("reps", 5, 1);
    this.batchSize = options.integer("batch-size", OnnxQuestionSimilarity.DEFAULT_BATCH_SIZE, 1);
    this.precisions = options.precisions("precision", "fp32");
  }

  /**
   * FLOPs of one all-MiniLM-L6-v2 pass over a question of {@code t} tokens: per layer the Q, K, V
   * and output projections (4·d² multiply-adds per token), the feed-forward block (2·d·ffn) and the
   * attention products (2·t·d), two FLOPs per multiply-add.
   */
  static double flops(int t) {
    double perToken = 4.0 * HIDDEN * HIDDEN + 2.0 * HIDDEN * FFN + 2.0 * t * HIDDEN;
    return 2.0 * LAYERS * perToken * t;
  }

  /** One implementation under test. */
  private interface Runner {
    List<float[]> embed();
  }

  private record Impl(String name, String precision, double loadSeconds, Runner runner) {}

  void run(Path dataDir, Report report) {
    List<String> questions = Corpus.devQuestions(dataDir, questionCount);
    List<TextSegment> segments = new ArrayList<>(questions.size());
    for (String q : questions) {
      segments.add(TextSegment.from(q));
    }
    report.log("throughput: %d distinct questions from %s", questions.size(), Corpus.QUORA_DEV);

    // qsim first: DJL's ONNX Runtime engine fails to start if LangChain4j has already created the
    // process's OrtEnvironment ("Tried to specify the thread pool ... one already exists").
    List<OnnxQuestionSimilarity> opened = new ArrayList<>();
    try {
      List<Impl> impls = new ArrayList<>();
      int[] tokens = null;
      for (Precision p : precisions) {
        long t0 = System.nanoTime();
        OnnxQuestionSimilarity qsim =
            OnnxQuestionSimilarity.builder()
                .setModelResource(
                    OnnxQuestionSimilarity.class.getClassLoader(),
                    OnnxQuestionSimilarity.BASE_MODEL)
                .optBatchSize(batchSize)
                .optPrecision(p)
                .build();
        opened.add(qsim);
        if (tokens == null) {
          tokens = qsim.tokenCounts(questions);
        }
        impls.add(new Impl("qsim", p.id(), seconds(t0), () -> vectors(qsim.embedAll(questions))));
      }
      if (!OnnxQuestionSimilarity.BUNDLED_MODEL.equals(OnnxQuestionSimilarity.BASE_MODEL)) {
        // The shipped default: the same network with fine-tuned weights, rebuilt from the base
        // and its delta at load time. Not compared with LangChain4j (other weights).
        long t0 = System.nanoTime();
        OnnxQuestionSimilarity shipped =
            OnnxQuestionSimilarity.builder()
                .setModelResource(
                    OnnxQuestionSimilarity.class.getClassLoader(),
                    OnnxQuestionSimilarity.BUNDLED_MODEL)
                .optBatchSize(batchSize)
                .build();
        opened.add(shipped);
        impls.add(
            new Impl(
                "qsim-default", "fp32", seconds(t0), () -> vectors(shipped.embedAll(questions))));
      }
      long t0 = System.nanoTime();
      AllMiniLmL6V2EmbeddingModel langchain4j = new AllMiniLmL6V2EmbeddingModel();
      impls.add(
          new Impl(
              "langchain4j",
              "fp32",
              seconds(t0),
              () -> {
                List<float[]> out = new ArrayList<>(segments.size());
                langchain4j.embedAll(segments).content().forEach(e -> out.add(e.vector()));
                return out;
              }));

      int n = impls.size();
      double[] warm = new double[n];
      List<List<float[]>> vectors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        report.log("throughput: warm-up pass of %s %s", impls.get(i).name, impls.get(i).precision);
        t0 = System.nanoTime();
        vectors.add(impls.get(i).runner.embed());
        warm[i] = seconds(t0);
      }
      double[][] wall = new double[n][reps];
      double[][] cpu = new double[n][reps];
      for (int r = 0; r < reps; r++) {
        StringBuilder line = new StringBuilder();
        for (int turn = 0; turn < n; turn++) {
          int i = (turn + r) % n;
          double cpu0 = HeapPeak.processCpuSeconds();
          t0 = System.nanoTime();
          vectors.set(i, impls.get(i).runner.embed());
          wall[i][r] = seconds(t0);
          cpu[i][r] = HeapPeak.processCpuSeconds() - cpu0;
        }
        for (int i = 0; i < n; i++) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s-%s %.3f s",
                  impls.get(i).name,
                  impls.get(i).precision,
                  wall[i][r]));
        }
        report.log("throughput: rep %d/%d%s", r + 1, reps, line);
      }

      double totalFlops = 0;
      long totalTokens = 0;
      for (int t : tokens) {
        totalFlops += flops(t);
        totalTokens += t;
      }
      double q = questions.size();
      int l4j = n - 1;
      report.title(
          String.format(
              Locale.ROOT,
              "throughput: embedding %d distinct Quora dev questions (mean %.2f tokens, %.0f MFLOP"
                  + " each), median of %d rounds after 1 warm-up pass",
              questions.size(),
              totalTokens / q,
              totalFlops / q / 1e6,
              reps));
      Report.Table table =
          new Report.Table(
              "implementation",
              "load s",
              "warm-up s",
              "median s",
              "min s",
              "max s",
              "CPU s",
              "sentences/s",
              "per CPU s",
              "GFLOP/s");
      double[] rates = new double[n];
      for (int i = 0; i < n; i++) {
        Impl impl = impls.get(i);
        rates[i] = q / Stats.median(wall[i]);
        table.row(
            switch (impl.name) {
              case "qsim" -> "qsim base " + impl.precision + " (batch " + batchSize + ")";
              case "qsim-default" -> "qsim default fp32 (base + delta, batch " + batchSize + ")";
              default -> "langchain4j AllMiniLmL6V2";
            },
            impl.loadSeconds,
            warm[i],
            Stats.median(wall[i]),
            Stats.min(wall[i]),
            Stats.max(wall[i]),
            Stats.median(cpu[i]),
            rates[i],
            q / Stats.median(cpu[i]),
            totalFlops / Stats.median(wall[i]) / 1e9);
      }
      table.print(report.out);
      List<Map<String, Object>> checks = new ArrayList<>();
      for (int i = 0; i < l4j; i++) {
        if (!impls.get(i).name.equals("qsim")) {
          continue;
        }
        Map<String, Object> check = compare(vectors.get(i), vectors.get(l4j), questions);
        check.put("precision", impls.get(i).precision);
        report.note(
            String.format(
                Locale.ROOT,
                "qsim %s vs langchain4j: %s of %d questions within %.0e per component; max |diff|"
                    + " = %.3g (index %s), min cosine %.6f",
                impls.get(i).precision,
                check.get("within_1e-4"),
                questions.size(),
                SAME_VECTOR_TOLERANCE,
                (Double) check.get("max_abs_diff"),
                check.get("worst_question"),
                (Double) check.get("min_cosine")));
        checks.add(check);
      }
      for (int i = 0; i < n; i++) {
        report.result(
            NAME, fields(impls.get(i), questions.size(), wall[i], cpu[i], rates[i], totalFlops));
      }
      for (Map<String, Object> check : checks) {
        report.result(NAME + "-check", check);
      }
      for (int i = l4j - 1; i >= 0; i--) {
        // The base model's ratios last: `all` ends with "ratio qsim-fp32/langchain4j".
        report.out.println(
            String.format(
                Locale.ROOT,
                "ratio %s-%s/langchain4j = %.2f",
                impls.get(i).name,
                impls.get(i).precision,
                rates[i] / rates[l4j]));
      }
      report.out.flush();
    } finally {
      opened.forEach(OnnxQuestionSimilarity::close);
    }
  }

  private static List<float[]> vectors(List<Embedding> embeddings) {
    List<float[]> out = new ArrayList<>(embeddings.size());
    embeddings.forEach(e -> out.add(e.vector()));
    return out;
  }

  private static Map<String, Object> compare(
      List<float[]> ours, List<float[]> theirs, List<String> questions) {
    double maxDiff = 0;
    double minCosine = 1;
    int worst = 0;
    int within = 0;
    for (int i = 0; i < ours.size(); i++) {
      float[] a = ours.get(i);
      float[] b = theirs.get(i);
      if (a.length != b.length) {
        throw new IllegalStateException(
            "question " + i + ": qsim has " + a.length + " dimensions, LangChain4j " + b.length);
      }
      double dot = 0;
      double na = 0;
      double nb = 0;
      double diff = 0;
      for (int k = 0; k < a.length; k++) {
        diff = Math.max(diff, Math.abs(a[k] - b[k]));
        dot += (double) a[k] * b[k];
        na += (double) a[k] * a[k];
        nb += (double) b[k] * b[k];
      }
      if (diff <= SAME_VECTOR_TOLERANCE) {
        within++;
      }
      if (diff > maxDiff) {
        maxDiff = diff;
        worst = i;
      }
      minCosine = Math.min(minCosine, dot / Math.sqrt(na * nb));
    }
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("questions", ours.size());
    check.put("within_1e-4", within);
    check.put("max_abs_diff", maxDiff);
    check.put("worst_question", worst);
    check.put("min_cosine", minCosine);
    return check;
  }

  private Map<String, Object> fields(
      Impl impl, int n, double[] seconds, double[] cpu, double rate, double flops) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("impl", impl.name);
    f.put("precision", impl.precision);
    f.put("questions", n);
    f.put("reps", reps);
    f.put("median_s", Stats.median(seconds));
    f.put("min_s", Stats.min(seconds));
    f.put("max_s", Stats.max(seconds));
    f.put("median_cpu_s", Stats.median(cpu));
    f.put("sentences_per_s", rate);
    f.put("sentences_per_cpu_s", n / Stats.median(cpu));
    f.put("gflop_per_s", flops / Stats.median(seconds) / 1e9);
    return f;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
