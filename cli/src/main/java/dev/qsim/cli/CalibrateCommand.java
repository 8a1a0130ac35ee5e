package dev.qsim.cli;

import dev.qsim.DuplicateDecision;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.PairDataset;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.Calibration;
import dev.qsim.eval.Evaluator;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.io.TextProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim calibrate}. Not thread-safe: one instance per invocation. */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the similarity threshold that maximises balanced accuracy on labelled pairs:"
          + " how a model's duplicate threshold (similarity_threshold in qsim-model.json) is"
          + " chosen. Balanced accuracy does not depend on the share of duplicates in the data.",
      "With a pair head or a verifier it also prints the candidate threshold: the similarity"
          + " above which 99%% of the pairs the decision accepts lie (candidate_threshold); with"
          + " a verifier also the best verifier threshold.",
      "The last line is the similarity threshold alone, for scripts."
    })
final class CalibrateCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Mixin ModelOptions model;

  @Option(
      names = "--cascade",
      description =
          "Also choose the cascade band of a model with a pair head and a verifier: the narrowest"
              + " band of pair-head probabilities, around the head's threshold, in which the"
              + " verifier decides, whose accuracy on these pairs is within --max-loss of the best"
              + " band's (at least that of the verifier deciding every pair).")
  boolean cascade;

  @Option(
      names = "--max-loss",
      paramLabel = "A",
      defaultValue = "0.002",
      description =
          "With --cascade: the accuracy the band may lose against the best band (default"
              + " ${DEFAULT-VALUE}).")
  double maxLoss;

  @Option(
      names = "--verify-accepted",
      description =
          "With --cascade: a band that reaches probability 1, so that the verifier also confirms"
              + " every pair the head would accept (pairs that differ only in word order look like"
              + " sure duplicates to the head).")
  boolean verifyAccepted;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "With --cascade: write a copy of the --model directory with the band recorded"
              + " (verifier.cascade in qsim-model.json); DIR must not exist.")
  Path outDir;

  @ParentCommand QsimCli parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (data.selection(spec.commandLine()).graded()) {
      throw new ParameterException(
          spec.commandLine(),
          "calibrate needs duplicate labels (0/1); --format "
              + data.format.id()
              + " is graded: add --binarize LOW,HIGH");
    }
    if ((outDir != null || maxLoss != 0.002 || verifyAccepted) && !cascade) {
      throw new ParameterException(
          spec.commandLine(), "--out, --max-loss and --verify-accepted need --cascade");
    }
    if (cascade && model.directory() == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--cascade needs --model DIR, a model directory with a pair head and a verifier (not "
              + model.describe()
              + ")");
    }
    if (!(maxLoss >= 0 && maxLoss <= 1)) {
      throw new ParameterException(
          spec.commandLine(), "--max-loss must be in [0, 1], was " + maxLoss);
    }
    if (outDir != null && Files.exists(outDir)) {
      throw new ParameterException(spec.commandLine(), "--out " + outDir + " already exists");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PairDataset dataset = data.read(spec.commandLine(), err);
    double[] labels = dataset.labels();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new QsimException(
            dataset.pairs().get(i).location()
                + ": label "
                + labels[i]
                + " is not 0 or 1; calibrate needs duplicate labels");
      }
    }
    double[] similarities;
    double[] decisionScores = null;
    double decisionThreshold = Double.NaN;
    double current;
    String modelName;
    boolean verifier;
    DuplicateDecision decision;
    TextProgress progress =
        new TextProgress(err, !noProgress && dataset.size() >= EvalCommand.PROGRESS_MIN_PAIRS);
    try (QuestionSimilarity sim = model.open(parent.models())) {
      modelName = ModelOptions.describe(sim);
      current = sim.similarityThreshold();
      Evaluator evaluator = Evaluator.of(sim).withProgress(progress);
      similarities = evaluator.similarities(dataset.pairs());
      decision = sim.decision();
      verifier = decision == DuplicateDecision.VERIFIER;
      if (sim.decision() != DuplicateDecision.SIMILARITY) {
        decisionScores = evaluator.duplicateScores(dataset.pairs());
        decisionThreshold = sim.duplicateThreshold();
      }
    } finally {
      progress.finish();
    }
    BinaryMetrics metrics = BinaryMetrics.of(similarities, labels);
    if (metrics.duplicateCount() == 0 || metrics.nonDuplicateCount() == 0) {
      throw new QsimException(
          "Cannot calibrate on "
              + data.data
              + ": its "
              + dataset.size()
              + " pairs are all "
              + (metrics.duplicateCount() == 0 ? "non-duplicates" : "duplicates")
              + "; calibration needs both"
              + (dataset.truncated()
                  ? " (--limit reads the first pairs: is the file sorted by label?)"
                  : ""));
    }
    boolean[] duplicates = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      duplicates[i] = labels[i] == 1;
    }
    Calibration calibration =
        Calibration.of(similarities, decisionScores, duplicates, decisionThreshold);
    ThresholdMetrics best = calibration.similarity();
    ThresholdMetrics atCurrent = metrics.at(current);
    out.printf(
        Locale.ROOT,
        "Calibrated on %,d pairs from %s (%s%s%s; %,d duplicates), model: %s%n",
        dataset.size(),
        data.data,
        data.format.id(),
        data.selection(spec.commandLine()).describe(),
        dataset.truncated() ? ", first pairs only: --limit" : "",
        metrics.duplicateCount(),
        modelName);
    out.printf(
        Locale.ROOT,
        "Best balanced accuracy %.4f at similarity >= %.4f"
            + " (recall of duplicates %.4f, of non-duplicates %.4f)%n",
        best.balancedAccuracy(),
        best.threshold(),
        best.recall(),
        best.specificity());
    out.printf(
        Locale.ROOT,
        "The model's current similarity threshold %.4f gives balanced accuracy %.4f%n",
        current,
        atCurrent.balancedAccuracy());
    if (verifier) {
      ThresholdMetrics v = calibration.decision().orElseThrow();
      out.printf(
          Locale.ROOT,
          "Verifier: best balanced accuracy %.4f at probability >= %.4f; the model's current"
              + " verifier threshold %.4f%n",
          v.balancedAccuracy(),
          v.threshold(),
          decisionThreshold);
    }
    if (calibration.candidateThreshold().isPresent()) {
      double candidate = calibration.candidateThreshold().getAsDouble();
      out.printf(
          Locale.ROOT,
          "Candidate threshold %.4f: %.0f%% of the pairs the %s accepts (score >= %.4f)"
              + " have a similarity at or above it%n",
          candidate,
          100 * Evaluator.CANDIDATE_COVERAGE,
          switch (decision) {
            case VERIFIER -> "verifier";
            case CASCADE -> "cascade";
            default -> "pair head";
          },
          decisionThreshold);
    }
    if (cascade) {
      CascadeCalibration.run(
          parent.models(),
          model,
          dataset,
          labels,
          maxLoss,
          verifyAccepted,
          outDir,
          out,
          err,
          !noProgress);
    }
    out.println(SimilarityCommand.formatNumber(best.threshold()));
    out.flush();
    return 0;
  }
}
