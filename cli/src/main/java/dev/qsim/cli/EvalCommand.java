package dev.qsim.cli;

import com.google.gson.stream.JsonWriter;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.PairDataset;
import dev.qsim.eval.BinaryEvaluation;
import dev.qsim.eval.EvaluationResult;
import dev.qsim.eval.Evaluator;
import dev.qsim.eval.GradedEvaluation;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.io.TextProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim eval}. Not thread-safe: one instance per invocation. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the model on labelled pairs and prints a table.",
      "Binary data: the model's own duplicate decision (accuracy, precision, recall, F1 at its"
          + " calibrated threshold), average precision and ROC-AUC, and the best accuracy and F1"
          + " a threshold fitted on this same data reaches (optimistic, for reference).",
      "Graded data (stsb): Pearson and Spearman correlations of the similarity with the scores."
    })
final class EvalCommand implements Callable<Integer> {
  /** Data sets at least this large get a progress bar. */
  static final int PROGRESS_MIN_PAIRS = 1_000;

  @Mixin DataOptions data;

  @Option(
      names = "--json",
      description = "Also print the results as one JSON object, on the last line.")
  boolean json;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Write DIR/index.html with a precision-recall curve and score histograms (PNG files"
              + " beside it).")
  Path report;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Mixin ModelOptions model;

  @ParentCommand QsimCli parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (report != null) {
      HtmlReport.checkDirectory(report);
    }
    PairDataset dataset = data.read(spec.commandLine(), err);
    EvaluationResult result;
    String decision;
    String modelName;
    TextProgress progress =
        new TextProgress(err, !noProgress && dataset.size() >= PROGRESS_MIN_PAIRS);
    try (QuestionSimilarity sim = model.open(parent.models())) {
      modelName = ModelOptions.describe(sim);
      decision =
          switch (sim.decision()) {
            case VERIFIER -> "verifier probability";
            case CASCADE -> "cascade score (pair head, verifier in its band)";
            case PAIR_HEAD -> "pair-head probability";
            default -> "similarity";
          };
      Evaluator evaluator = Evaluator.of(sim).withProgress(progress);
      result =
          data.selection(spec.commandLine()).graded()
              ? evaluator.evaluateGraded(dataset.pairs())
              : evaluator.evaluate(dataset.pairs());
    } finally {
      progress.finish();
    }

    String title =
        String.format(
            Locale.ROOT,
            "%,d pairs from %s (%s%s%s), model: %s",
            dataset.size(),
            data.data,
            data.format.id(),
            data.selection(spec.commandLine()).describe(),
            dataset.truncated() ? ", first pairs only: --limit" : "",
            modelName);
    Map<String, Object> values;
    if (result instanceof BinaryEvaluation) {
      BinaryEvaluation binary = (BinaryEvaluation) result;
      printBinary(out, title, binary, decision);
      values = binaryJson(binary);
    } else {
      GradedEvaluation graded = (GradedEvaluation) result;
      printGraded(out, title, graded);
      values = gradedJson(graded);
    }
    if (report != null) {
      Path index = HtmlReport.write(report, title, result, decision);
      out.println();
      out.println("Report: " + index);
    }
    if (json) {
      out.println(toJson(values));
    }
    out.flush();
    return 0;
  }

  private static void printBinary(
      PrintWriter out, String title, BinaryEvaluation r, String decision) {
    ThresholdMetrics own = r.modelDecision();
    out.println("Evaluated " + title);
    out.printf(
        Locale.ROOT,
        "  %,d duplicates, %,d non-duplicates%n%n",
        r.duplicates(),
        r.pairs() - r.duplicates());
    out.printf(
        Locale.ROOT,
        "The model's own decision (%s >= %.4f, its calibrated threshold):%n",
        decision,
        r.threshold());
    row(out, "accuracy", own.accuracy());
    row(out, "precision", own.precision());
    row(out, "recall", own.recall());
    row(out, "F1", own.f1());
    row(out, "balanced accuracy", own.balancedAccuracy());
    out.printf(
        Locale.ROOT,
        "  %-22s TP %,d  FP %,d  TN %,d  FN %,d%n",
        "confusion",
        own.truePositives(),
        own.falsePositives(),
        own.trueNegatives(),
        own.falseNegatives());
    out.println();
    out.println("Threshold-free:");
    row(out, "average precision", r.averagePrecision());
    row(out, "ROC-AUC", r.rocAuc());
    out.println();
    out.println("Thresholds fitted on this same data (optimistic, for reference only):");
    fitted(out, "best accuracy", r.fittedBestAccuracy().accuracy(), r.fittedBestAccuracy());
    fitted(out, "best F1", r.fittedBestF1().f1(), r.fittedBestF1());
    fitted(out, "best balanced accuracy", r.bestBalancedAccuracy(), r.fittedBestBalancedAccuracy());
  }

  private static void printGraded(PrintWriter out, String title, GradedEvaluation r) {
    out.println("Evaluated " + title);
    out.println();
    out.println("Correlation of the similarity with the graded scores:");
    row(out, "Pearson", r.pearson());
    row(out, "Spearman", r.spearman());
  }

  private static void row(PrintWriter out, String name, double value) {
    out.printf(Locale.ROOT, "  %-22s %s%n", name, format(value));
  }

  private static void fitted(PrintWriter out, String name, double value, ThresholdMetrics at) {
    if (Double.isNaN(value)) {
      row(out, name, value);
      return;
    }
    out.printf(Locale.ROOT, "  %-22s %s at threshold %.4f%n", name, format(value), at.threshold());
  }

  private static String format(double value) {
    return Double.isNaN(value)
        ? "n/a (needs both classes)"
        : String.format(Locale.ROOT, "%.4f", value);
  }

  static Map<String, Object> binaryJson(BinaryEvaluation r) {
    Map<String, Object> m = new LinkedHashMap<>();
    ThresholdMetrics own = r.modelDecision();
    m.put("accuracy", own.accuracy());
    m.put("f1", own.f1());
    m.put("precision", own.precision());
    m.put("recall", own.recall());
    m.put("balanced_accuracy", own.balancedAccuracy());
    m.put("threshold", r.threshold());
    m.put("average_precision", r.averagePrecision());
    m.put("roc_auc", r.rocAuc());
    m.put("best_accuracy", r.fittedBestAccuracy().accuracy());
    m.put("best_accuracy_threshold", r.fittedBestAccuracy().threshold());
    m.put("best_f1", r.fittedBestF1().f1());
    m.put("best_f1_threshold", r.fittedBestF1().threshold());
    m.put("pairs", r.pairs());
    m.put("duplicates", r.duplicates());
    return m;
  }

  static Map<String, Object> gradedJson(GradedEvaluation r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pearson", r.pearson());
    m.put("spearman", r.spearman());
    m.put("pairs", r.pairs());
    return m;
  }

  /** One-line JSON; a NaN (a metric undefined for one-class data) is written as null. */
  static String toJson(Map<String, Object> values) {
    StringWriter text = new StringWriter();
    try (JsonWriter w = new JsonWriter(text)) {
      w.beginObject();
      for (Map.Entry<String, Object> e : values.entrySet()) {
        w.name(e.getKey());
        Object v = e.getValue();
        if (v instanceof Double && !Double.isFinite((Double) v)) {
          w.nullValue();
        } else if (v instanceof Number) {
          w.value((Number) v);
        } else if (v == null) {
          w.nullValue();
        } else {
          w.value(v.toString());
        }
      }
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
