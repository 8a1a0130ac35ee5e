package dev.qsim.bench;

import dev.qsim.QuestionPair;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency of one {@code similarity(q1, q2)} call on real Quora dev pairs, one call at a time on one
 * thread, for each precision of {@code --precision} (default {@code fp32}): {@code warmup} pairs
 * first (not measured), then {@code pairs} different pairs, each timed with {@link
 * System#nanoTime()}. Reports mean, p50, p90, p99, min and max.
 *
 * <p>Not thread-safe.
 */
final class LatencyBenchmark {
  static final String NAME = "latency";

  private final int pairCount;
  private final int warmup;
  private final List<Precision> precisions;

  LatencyBenchmark(Options options) {
    this.pairCount = options.integer("pairs", 500, 1);
    this.warmup = options.integer("warmup", 100, 0);
    this.precisions = options.precisions("precision", "fp32");
  }

  void run(Path dataDir, Report report) {
    List<QuestionPair> all = Corpus.devPairs(dataDir, 0, warmup + pairCount);
    List<QuestionPair> measured = all.subList(warmup, all.size());
    report.log(
        "latency: %d warm-up + %d measured pairs from %s", warmup, pairCount, Corpus.QUORA_DEV);
    report.title(
        String.format(
            Locale.ROOT,
            "latency: similarity(q1, q2), one pair per call, %d Quora dev pairs after %d warm-up"
                + " pairs (ms)",
            pairCount,
            warmup));
    Report.Table table =
        new Report.Table("call", "precision", "pairs", "mean", "p50", "p90", "p99", "min", "max");
    Map<Precision, double[]> times = new LinkedHashMap<>();
    for (Precision precision : precisions) {
      double[] millis = new double[measured.size()];
      double checksum = 0;
      try (OnnxQuestionSimilarity qsim = BenchMain.bundled(precision)) {
        for (QuestionPair p : all.subList(0, warmup)) {
          checksum += qsim.similarity(p.first(), p.second());
        }
        for (int i = 0; i < millis.length; i++) {
          QuestionPair p = measured.get(i);
          long t0 = System.nanoTime();
          double s = qsim.similarity(p.first(), p.second());
          millis[i] = (System.nanoTime() - t0) / 1e6;
          checksum += s;
        }
      }
      report.log("latency: %s checksum of scores %.4f", precision.id(), checksum);
      times.put(precision, millis);
      table.row(
          "qsim similarity",
          precision.id(),
          measured.size(),
          Stats.mean(millis),
          Stats.percentile(millis, 50),
          Stats.percentile(millis, 90),
          Stats.percentile(millis, 99),
          Stats.min(millis),
          Stats.max(millis));
    }
    table.print(report.out);
    times.forEach(
        (precision, millis) -> {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("call", "similarity");
          f.put("precision", precision.id());
          f.put("pairs", millis.length);
          f.put("warmup", warmup);
          f.put("mean_ms", Stats.mean(millis));
          f.put("p50_ms", Stats.percentile(millis, 50));
          f.put("p90_ms", Stats.percentile(millis, 90));
          f.put("p99_ms", Stats.percentile(millis, 99));
          f.put("min_ms", Stats.min(millis));
          f.put("max_ms", Stats.max(millis));
          report.result(NAME, f);
        });
  }
}
