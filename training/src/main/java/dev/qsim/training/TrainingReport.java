package dev.qsim.training;

import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.ThresholdMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code qsim-train} prints on stdout at the end of a run. Stateless. */
final class TrainingReport {
  private TrainingReport() {}

  static void print(PrintStream out, TrainingResult result, String calibratedOn, Path written) {
    print(out, result, calibratedOn, written, false);
  }

  /**
   * As {@link #print(PrintStream, TrainingResult, String, Path)}; {@code verifier}: the model is a
   * cross-encoder, whose one score (in both of the result's threshold slots) is the verifier's.
   */
  static void print(
      PrintStream out, TrainingResult result, String calibratedOn, Path written, boolean verifier) {
    out.printf(
        Locale.ROOT,
        "%nTrained %d steps (%d skipped as non-finite) in %.0f s; kept epoch %d.%n",
        result.steps(),
        result.skippedSteps(),
        result.seconds(),
        result.bestEpoch());
    for (TrainingResult.EpochReport e : result.epochs()) {
      out.printf(
          Locale.ROOT,
          "  epoch %d: mean loss %.4f%s%n",
          e.epoch(),
          e.meanLoss(),
          e.dev() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  ", dev %s %.4f",
                  Double.isNaN(e.dev().spearman()) ? "AP" : "Spearman",
                  e.dev().selectionScore()));
    }
    if (verifier) {
      out.printf(
          Locale.ROOT,
          "Calibrated on %s (best balanced accuracy): verifier threshold %.4f%n",
          calibratedOn,
          result.headThreshold());
      if (result.dev() != null) {
        Evaluation d = result.dev();
        out.printf(Locale.ROOT, "Dev (%d pairs), the verifier's decision:%n", d.pairs());
        decision(out, "verifier", d.decision(), d.deciding());
      }
      out.println("Wrote " + written);
      return;
    }
    out.printf(
        Locale.ROOT,
        "Calibrated on %s (best balanced accuracy): similarity threshold %.4f%s%n",
        calibratedOn,
        result.similarityThreshold(),
        Double.isNaN(result.headThreshold())
            ? ""
            : String.format(Locale.ROOT, ", pair-head threshold %.4f", result.headThreshold()));
    if (result.dev() != null) {
      Evaluation d = result.dev();
      out.printf(Locale.ROOT, "Dev (%d pairs), the model's own decision:%n", d.pairs());
      decision(out, d.pairHead() != null ? "pair head" : "similarity", d.decision(), d.deciding());
      if (d.pairHead() != null) {
        decision(
            out, "similarity", d.similarity().at(result.similarityThreshold()), d.similarity());
      }
      if (!Double.isNaN(d.spearman())) {
        out.printf(Locale.ROOT, "  Pearson %.4f, Spearman %.4f%n", d.pearson(), d.spearman());
      }
    }
    out.println("Wrote " + written);
  }

  private static void decision(
      PrintStream out, String what, ThresholdMetrics at, BinaryMetrics all) {
    out.printf(
        Locale.ROOT,
        "  %-10s accuracy %.4f  F1 %.4f  precision %.4f  recall %.4f  AP %.4f  (threshold %.4f;"
            + " best on dev itself: accuracy %.4f, F1 %.4f)%n",
        what,
        at.accuracy(),
        at.f1(),
        at.precision(),
        at.recall(),
        all.averagePrecision(),
        at.threshold(),
        all.bestAccuracy().accuracy(),
        all.bestF1().f1());
  }
}
