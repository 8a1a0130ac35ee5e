package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qsim eval} and {@code qsim calibrate} on slices of the real data, checked against metrics
 * computed here by their brute-force definitions from the model's own scores.
 */
class EvalCommandTest {
  private static final int PAIRS = 200; // the first 200 rows of quora/dev.tsv: 100 duplicates

  /** The first {@code n} rows of the BiMPM dev file, read here without qsim's reader. */
  private static List<String[]> devRows(int n) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(TestData.quoraDev(), StandardCharsets.UTF_8)) {
      if (rows.size() == n) {
        break;
      }
      rows.add(line.split("\t", -1));
    }
    return rows;
  }

  /**
   * The rows' questions as {@code qsim eval} reads them: the BiMPM reader restores plain text from
   * the file's Penn Treebank tokens (checked against the rows' own labels and order here; the
   * reader's restoration has its own tests).
   */
  private static List<QuestionPair> pairs(List<String[]> rows) {
    List<LabelledPair> read =
        PairReader.read(
                TestData.quoraDev(),
                PairFormat.BIMPM,
                ReadOptions.defaults().withLimit(rows.size()))
            .pairs();
    assertThat(read).hasSameSizeAs(rows);
    List<QuestionPair> pairs = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i).label()).isEqualTo(Double.parseDouble(rows.get(i)[0]));
      pairs.add(QuestionPair.of(read.get(i).first(), read.get(i).second()));
    }
    return pairs;
  }

  private static boolean[] labels(List<String[]> rows) {
    boolean[] labels = new boolean[rows.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rows.get(i)[0].equals("1");
    }
    return labels;
  }

  /** {tp, fp, tn, fn} of {@code score >= t}. */
  private static long[] confusion(double[] s, boolean[] y, double t) {
    long[] c = new long[4];
    for (int i = 0; i < s.length; i++) {
      boolean predicted = s[i] >= t;
      c[predicted ? (y[i] ? 0 : 1) : (y[i] ? 3 : 2)]++;
    }
    return c;
  }

  private static double accuracy(long[] c) {
    return (double) (c[0] + c[2]) / (c[0] + c[1] + c[2] + c[3]);
  }

  private static double balancedAccuracy(long[] c) {
    return ((double) c[0] / (c[0] + c[3]) + (double) c[2] / (c[2] + c[1])) / 2;
  }

  private static double f1(long[] c) {
    return 2.0 * c[0] / (2.0 * c[0] + c[1] + c[3]);
  }

  /** Every threshold that makes a different decision: each score, and above the highest. */
  private static List<Double> candidateThresholds(double[] s) {
    List<Double> ts = new ArrayList<>();
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      ts.add(v);
      max = Math.max(max, v);
    }
    ts.add(Math.nextUp(max));
    return ts;
  }

  @Test
  void binaryMetricsMatchBruteForceDefinitions(@TempDir Path dir) throws IOException {
    Path report = dir.resolve("report");
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "eval",
            "--data",
            TestData.quoraDev().toString(),
            "--format",
            "bimpm",
            "--limit",
            Integer.toString(PAIRS),
            "--json",
            "--report",
            report.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonObject json = JsonParser.parseString(run.lastOutLine()).getAsJsonObject();
    assertThat(json.keySet())
        .contains(
            "accuracy",
            "f1",
            "precision",
            "recall",
            "threshold",
            "average_precision",
            "roc_auc",
            "best_accuracy",
            "best_accuracy_threshold",
            "best_f1",
            "best_f1_threshold",
            "pairs");

    List<String[]> rows = devRows(PAIRS);
    boolean[] y = labels(rows);
    QuestionSimilarity sim = SharedModel.get();
    double[] s = sim.duplicateScores(pairs(rows));
    double t = sim.duplicateThreshold();
    long[] c = confusion(s, y, t);

    assertThat(json.get("pairs").getAsInt()).isEqualTo(PAIRS);
    assertThat(json.get("threshold").getAsDouble()).isEqualTo(t);
    assertThat(json.get("accuracy").getAsDouble()).isCloseTo(accuracy(c), within(1e-9));
    assertThat(json.get("precision").getAsDouble())
        .isCloseTo((double) c[0] / (c[0] + c[1]), within(1e-9));
    assertThat(json.get("recall").getAsDouble())
        .isCloseTo((double) c[0] / (c[0] + c[3]), within(1e-9));
    assertThat(json.get("f1").getAsDouble()).isCloseTo(f1(c), within(1e-9));

    // ROC-AUC: share of (duplicate, non-duplicate) pairs ordered correctly, ties one half.
    double wins = 0;
    long comparisons = 0;
    // Average precision: mean over duplicates of the precision at that duplicate's score.
    double precisionSum = 0;
    int positives = 0;
    for (int i = 0; i < s.length; i++) {
      if (!y[i]) {
        continue;
      }
      positives++;
      long[] at = confusion(s, y, s[i]);
      precisionSum += (double) at[0] / (at[0] + at[1]);
      for (int j = 0; j < s.length; j++) {
        if (!y[j]) {
          comparisons++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    assertThat(json.get("roc_auc").getAsDouble()).isCloseTo(wins / comparisons, within(1e-9));
    assertThat(json.get("average_precision").getAsDouble())
        .isCloseTo(precisionSum / positives, within(1e-9));

    // Best accuracy and F1 over every threshold; the reported threshold reaches them.
    double bestAccuracy = 0;
    double bestF1 = 0;
    for (double candidate : candidateThresholds(s)) {
      long[] at = confusion(s, y, candidate);
      bestAccuracy = Math.max(bestAccuracy, accuracy(at));
      bestF1 = Math.max(bestF1, f1(at));
    }
    assertThat(json.get("best_accuracy").getAsDouble()).isCloseTo(bestAccuracy, within(1e-9));
    assertThat(json.get("best_f1").getAsDouble()).isCloseTo(bestF1, within(1e-9));
    assertThat(accuracy(confusion(s, y, json.get("best_accuracy_threshold").getAsDouble())))
        .isCloseTo(bestAccuracy, within(1e-9));
    assertThat(f1(confusion(s, y, json.get("best_f1_threshold").getAsDouble())))
        .isCloseTo(bestF1, within(1e-9));

    // The table labels fitted thresholds as such.
    assertThat(run.out()).contains("fitted on this same data").contains("average precision");

    // The report: HTML naming both images, and the images themselves.
    String html = Files.readString(report.resolve("index.html"));
    assertThat(html).contains("precision-recall.png").contains("histogram.png").contains("<table>");
    for (String png : List.of("precision-recall.png", "histogram.png")) {
      BufferedImage image = ImageIO.read(report.resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).isEqualTo(800);
      assertThat(image.getHeight()).isEqualTo(520);
    }
  }

  @Test
  void gradedDataGivesCorrelations() throws IOException {
    Path stsb = TestData.dir().resolve("sts").resolve("stsb-dev.tsv");
    int n = 100;
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "eval",
            "--data",
            stsb.toString(),
            "--format",
            "stsb",
            "--limit",
            Integer.toString(n),
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonObject json = JsonParser.parseString(run.lastOutLine()).getAsJsonObject();
    assertThat(json.keySet()).containsExactlyInAnyOrder("pearson", "spearman", "pairs");
    assertThat(json.get("pairs").getAsInt()).isEqualTo(n);

    List<QuestionPair> pairs = new ArrayList<>();
    double[] gold = new double[n];
    List<String> lines = Files.readAllLines(stsb, StandardCharsets.UTF_8).subList(0, n);
    for (int i = 0; i < n; i++) {
      String[] c = lines.get(i).split("\t", -1);
      gold[i] = Double.parseDouble(c[4]);
      pairs.add(QuestionPair.of(c[5], c[6]));
    }
    double[] s = SharedModel.get().similarities(pairs);
    // Pearson by the textbook formula.
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += s[i] / n;
      my += gold[i] / n;
    }
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (s[i] - mx) * (gold[i] - my);
      sxx += (s[i] - mx) * (s[i] - mx);
      syy += (gold[i] - my) * (gold[i] - my);
    }
    assertThat(json.get("pearson").getAsDouble())
        .isCloseTo(sxy / Math.sqrt(sxx * syy), within(1e-9));
    assertThat(json.get("spearman").getAsDouble()).isBetween(0.5, 1.0);
    assertThat(run.out()).contains("Pearson").contains("Spearman");
  }

  @Test
  void calibrateFindsTheBestBalancedAccuracyThreshold() throws IOException {
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "calibrate",
            "--data",
            TestData.quoraDev().toString(),
            "--format",
            "bimpm",
            "--limit",
            Integer.toString(PAIRS));
    assertThat(run.exitCode()).as(run.err()).isZero();
    double threshold = Double.parseDouble(run.lastOutLine());

    List<String[]> rows = devRows(PAIRS);
    boolean[] y = labels(rows);
    double[] s = SharedModel.get().similarities(pairs(rows));
    double best = 0;
    for (double candidate : candidateThresholds(s)) {
      best = Math.max(best, balancedAccuracy(confusion(s, y, candidate)));
    }
    assertThat(balancedAccuracy(confusion(s, y, threshold))).isCloseTo(best, within(1e-12));
    assertThat(run.out()).contains("Best balanced accuracy");

    // The candidate threshold: at least 99% of the pairs the pair head accepts reach it, and a
    // higher similarity would keep fewer.
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Candidate threshold ([0-9.]+):").matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    double candidate = Double.parseDouble(m.group(1));
    double[] scores = SharedModel.get().duplicateScores(pairs(rows));
    double head = SharedModel.get().duplicateThreshold();
    int accepted = 0;
    int above = 0;
    double lowestAccepted = Double.POSITIVE_INFINITY;
    for (int i = 0; i < s.length; i++) {
      if (scores[i] >= head) {
        accepted++;
        above += s[i] >= candidate - 1e-4 ? 1 : 0;
        lowestAccepted = Math.min(lowestAccepted, s[i]);
      }
    }
    assertThat(accepted).isGreaterThan(50);
    assertThat((double) above / accepted).isGreaterThanOrEqualTo(0.99);
    assertThat(candidate)
        .isGreaterThanOrEqualTo(lowestAccepted - 1e-4)
        .isLessThanOrEqualTo(threshold + 1e-4);
  }

  @Test
  void calibrateOnOneClassIsAClearError(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("negatives.tsv");
    Files.writeString(file, "0\tHow old is the moon ?\tWho painted the Mona Lisa ?\t1\n");
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY, "calibrate", "--data", file.toString(), "--format", "bimpm");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(file.toString()).contains("all non-duplicates");
  }

  @Test
  void evalOnOneClassSaysBestBalancedAccuracyIsUndefined(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("negatives.tsv");
    Files.writeString(
        file,
        "0\tHow old is the moon ?\tWho painted the Mona Lisa ?\t1\n"
            + "0\tHow do I cook rice ?\tWhat is the capital of Peru ?\t2\n");
    CliRun run =
        CliRun.run(SharedModel.FACTORY, "eval", "--data", file.toString(), "--format", "bimpm");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("best balanced accuracy +n/a \\(needs both classes\\)\\R")
        .doesNotContain("best balanced accuracy   1.0000");
  }

  @Test
  void calibrateRejectsGradedData() {
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "calibrate",
            "--data",
            TestData.dir().resolve("sts/stsb-dev.tsv").toString(),
            "--format",
            "stsb");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("graded");
  }

  @Test
  void malformedRowNamesFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.tsv");
    Files.writeString(
        file,
        "1\tHow do I learn Java ?\tWhat is the best way to learn Java ?\t1\n"
            + "yes\tHow old is the moon ?\tWho painted the Mona Lisa ?\t2\n");
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE, "eval", "--data", file.toString(), "--format", "bimpm");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(file.toString()).contains(":2");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void skippedRowsAreReported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.tsv");
    Files.writeString(
        file,
        "1\tHow do I learn Java ?\tWhat is the best way to learn Java ?\t1\n"
            + "yes\tHow old is the moon ?\tWho painted the Mona Lisa ?\t2\n"
            + "0\tHow old is the moon ?\tWho painted the Mona Lisa ?\t3\n");
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "eval",
            "--data",
            file.toString(),
            "--format",
            "bimpm",
            "--skip-bad-rows",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Skipped 1 malformed rows").contains(file + ":2");
    JsonObject json = JsonParser.parseString(run.lastOutLine()).getAsJsonObject();
    assertThat(json.get("pairs").getAsInt()).isEqualTo(2);
  }

  @Test
  void missingDataFileNamesThePath(@TempDir Path dir) {
    Path missing = dir.resolve("none.tsv");
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE, "eval", "--data", missing.toString(), "--format", "bimpm");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(missing.toString());
  }

  @Test
  void unknownFormatIsAUsageErrorListingTheFormats() {
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "eval",
            "--data",
            TestData.quoraDev().toString(),
            "--format",
            "xml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("quora, bimpm, stsb, msrp, csv");
  }

  @Test
  void reportPathThatIsAFileIsAnError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "eval",
            "--data",
            TestData.quoraDev().toString(),
            "--format",
            "bimpm",
            "--report",
            file.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(file.toString()).contains("is a file");
  }
}
