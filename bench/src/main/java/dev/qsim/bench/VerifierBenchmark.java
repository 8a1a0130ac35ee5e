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
 * The cost of a verified pair: a model directory with a cross-encoder verifier ({@code --model
 * DIR}) scores real Quora dev pairs through the SDK's own decision, {@code duplicateScores(pairs)}
 * (one call for all pairs, as {@code qsim eval} and the verification stage of {@code
 * findDuplicates} do) and {@code duplicateScore(q1, q2)} (one pair per call), with the verifier
 * and, in the same run for the ratio, without it ({@code optVerifier(false)}: the model's pair head
 * over the embeddings). {@code warmup} pairs first, not measured. Per precision of {@code
 * --precision}.
 *
 * <p>Not thread-safe.
 */
final class VerifierBenchmark {
  static final String NAME = "verifier";

  private final Path model;
  private final int pairCount;
  private final int singleCount;
  private final int warmup;
  private final List<Precision> precisions;

  VerifierBenchmark(Options options) {
    String dir = options.string("model", null);
    if (dir == null) {
      throw new IllegalArgumentException("verifier needs --model DIR (a model with a verifier)");
    }
    this.model = Path.of(dir);
    this.pairCount = options.integer("verifier-pairs", 1000, 1);
    this.singleCount = options.integer("verifier-single", 200, 1);
    this.warmup = options.integer("verifier-warmup", 50, 0);
    this.precisions = options.precisions("precision", "fp32");
  }

  void run(Path dataDir, Report report) {
    List<QuestionPair> all = Corpus.devPairs(dataDir, 0, warmup + pairCount);
    List<QuestionPair> measured = all.subList(warmup, all.size());
    List<QuestionPair> single = measured.subList(0, Math.min(singleCount, measured.size()));
    report.title(
        String.format(
            Locale.ROOT,
            "verifier: ms per pair, %d Quora dev pairs in one duplicateScores call and %d one per"
                + " duplicateScore call, after %d warm-up pairs; model %s",
            measured.size(),
            single.size(),
            warmup,
            model));
    Report.Table table =
        new Report.Table("decision", "precision", "batch ms/pair", "single mean", "single p50");
    for (Precision precision : precisions) {
      for (boolean verifier : new boolean[] {true, false}) {
        double batchMs;
        double[] millis = new double[single.size()];
        String decision;
        try (OnnxQuestionSimilarity qsim =
            OnnxQuestionSimilarity.builder()
                .setModelDirectory(model)
                .optPrecision(precision)
                .optVerifier(verifier)
                .build()) {
          decision = qsim.decision().name().toLowerCase(Locale.ROOT);
          qsim.duplicateScores(all.subList(0, warmup));
          long t0 = System.nanoTime();
          double[] scores = qsim.duplicateScores(measured);
          batchMs = (System.nanoTime() - t0) / 1e6 / measured.size();
          double checksum = 0;
          for (double s : scores) {
            checksum += s;
          }
          for (int i = 0; i < millis.length; i++) {
            QuestionPair p = single.get(i);
            long t1 = System.nanoTime();
            checksum += qsim.duplicateScore(p.first(), p.second());
            millis[i] = (System.nanoTime() - t1) / 1e6;
          }
          report.log("verifier: %s %s checksum %.4f", decision, precision.id(), checksum);
        }
        table.row(
            decision, precision.id(), batchMs, Stats.mean(millis), Stats.percentile(millis, 50));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("decision", decision);
        f.put("precision", precision.id());
        f.put("pairs", measured.size());
        f.put("batch_ms_per_pair", batchMs);
        f.put("single_pairs", millis.length);
        f.put("single_mean_ms", Stats.mean(millis));
        f.put("single_p50_ms", Stats.percentile(millis, 50));
        report.result(NAME, f);
      }
    }
    table.print(report.out);
  }
}
