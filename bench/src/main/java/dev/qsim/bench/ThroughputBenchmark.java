package dev.qsim.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.qsim.Embedding;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Embedding throughput of qsim ({@link OnnxQuestionSimilarity#embedAll}) and of LangChain4j's
 * in-process all-MiniLM-L6-v2 ({@code AllMiniLmL6V2EmbeddingModel.embedAll}), both with their
 * default settings, on the same real questions in the same JVM: one warm-up pass each, then {@code
 * reps} measured passes, alternating which goes first. Reports the median; the last line is {@code
 * ratio qsim/langchain4j = R}, the ratio of the median sentences per second.
 *
 * <p>Not thread-safe.
 */
final class ThroughputBenchmark {
  static final String NAME = "throughput";

  /** Per-component difference under which two vectors count as the same. */
  static final double SAME_VECTOR_TOLERANCE = 1e-4;

  private final int questionCount;
  private final int reps;
  private final int batchSize;

  ThroughputBenchmark(Options options) {
    this.questionCount = options.integer("questions", 2000, 1);
    this.reps = options.integer("reps", 5, 1);
    this.batchSize = options.integer("batch-size", OnnxQuestionSimilarity.DEFAULT_BATCH_SIZE, 1);
  }

  void run(Path dataDir, Report report) {
    List<String> questions = Corpus.devQuestions(dataDir, questionCount);
    List<TextSegment> segments = new ArrayList<>(questions.size());
    for (String q : questions) {
      segments.add(TextSegment.from(q));
    }
    report.log("throughput: %d distinct questions from %s", questions.size(), Corpus.QUORA_DEV);

    // qsim first: DJL's ONNX Runtime engine fails to start if LangChain4j has already created the
    // process's OrtEnvironment ("Tried to specify the thread pool ... one already exists").
    long t0 = System.nanoTime();
    try (OnnxQuestionSimilarity qsim =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
            .optBatchSize(batchSize)
            .build()) {
      double qsimLoad = seconds(t0);
      t0 = System.nanoTime();
      AllMiniLmL6V2EmbeddingModel langchain4j = new AllMiniLmL6V2EmbeddingModel();
      double l4jLoad = seconds(t0);

      report.log("throughput: warm-up pass of qsim");
      t0 = System.nanoTime();
      List<Embedding> ours = qsim.embedAll(questions);
      double qsimWarm = seconds(t0);
      report.log("throughput: warm-up pass of langchain4j");
      t0 = System.nanoTime();
      List<dev.langchain4j.data.embedding.Embedding> theirs =
          langchain4j.embedAll(segments).content();
      double l4jWarm = seconds(t0);

      double[] qsimSeconds = new double[reps];
      double[] l4jSeconds = new double[reps];
      double[] qsimCpu = new double[reps];
      double[] l4jCpu = new double[reps];
      for (int r = 0; r < reps; r++) {
        for (int turn = 0; turn < 2; turn++) {
          boolean qsimTurn = (turn == 0) == (r % 2 == 0);
          double cpu0 = HeapPeak.processCpuSeconds();
          t0 = System.nanoTime();
          if (qsimTurn) {
            ours = qsim.embedAll(questions);
            qsimSeconds[r] = seconds(t0);
            qsimCpu[r] = HeapPeak.processCpuSeconds() - cpu0;
          } else {
            theirs = langchain4j.embedAll(segments).content();
            l4jSeconds[r] = seconds(t0);
            l4jCpu[r] = HeapPeak.processCpuSeconds() - cpu0;
          }
        }
        report.log(
            "throughput: rep %d/%d qsim %.3f s, langchain4j %.3f s",
            r + 1, reps, qsimSeconds[r], l4jSeconds[r]);
      }

      double maxDiff = 0;
      double minCosine = 1;
      int worst = 0;
      int within = 0;
      for (int i = 0; i < ours.size(); i++) {
        float[] a = ours.get(i).vector();
        float[] b = theirs.get(i).vector();
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

      double n = questions.size();
      double qsimRate = n / Stats.median(qsimSeconds);
      double l4jRate = n / Stats.median(l4jSeconds);
      report.title(
          String.format(
              Locale.ROOT,
              "throughput: embedding %d distinct Quora dev questions, median of %d passes after"
                  + " 1 warm-up pass",
              questions.size(),
              reps));
      new Report.Table(
              "implementation",
              "load s",
              "warm-up s",
              "median s",
              "min s",
              "max s",
              "CPU s",
              "sentences/s",
              "per CPU s")
          .row(
              "qsim (batch " + batchSize + ")",
              qsimLoad,
              qsimWarm,
              Stats.median(qsimSeconds),
              Stats.min(qsimSeconds),
              Stats.max(qsimSeconds),
              Stats.median(qsimCpu),
              qsimRate,
              n / Stats.median(qsimCpu))
          .row(
              "langchain4j AllMiniLmL6V2",
              l4jLoad,
              l4jWarm,
              Stats.median(l4jSeconds),
              Stats.min(l4jSeconds),
              Stats.max(l4jSeconds),
              Stats.median(l4jCpu),
              l4jRate,
              n / Stats.median(l4jCpu))
          .print(report.out);
      report.note(
          String.format(
              Locale.ROOT,
              "same vectors: %d of %d questions within %.0e per component; max |qsim -"
                  + " langchain4j| = %.3g (index %d, %d chars), min cosine %.6f",
              within,
              ours.size(),
              SAME_VECTOR_TOLERANCE,
              maxDiff,
              worst,
              questions.get(worst).length(),
              minCosine));
      report.result(NAME, fields("qsim", questions.size(), qsimSeconds, qsimCpu, qsimRate));
      report.result(NAME, fields("langchain4j", questions.size(), l4jSeconds, l4jCpu, l4jRate));
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("questions", ours.size());
      check.put("within_1e-4", within);
      check.put("max_abs_diff", maxDiff);
      check.put("worst_question", worst);
      check.put("min_cosine", minCosine);
      report.result(NAME + "-check", check);
      report.out.println(
          String.format(Locale.ROOT, "ratio qsim/langchain4j = %.2f", qsimRate / l4jRate));
      report.out.flush();
    }
  }

  private Map<String, Object> fields(
      String impl, int n, double[] seconds, double[] cpu, double rate) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("impl", impl);
    f.put("questions", n);
    f.put("reps", reps);
    f.put("median_s", Stats.median(seconds));
    f.put("min_s", Stats.min(seconds));
    f.put("max_s", Stats.max(seconds));
    f.put("median_cpu_s", Stats.median(cpu));
    f.put("sentences_per_s", rate);
    f.put("sentences_per_cpu_s", n / Stats.median(cpu));
    return f;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
