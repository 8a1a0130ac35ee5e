package dev.qsim.cli;

import dev.qsim.DuplicateDecision;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.PairDataset;
import dev.qsim.eval.CascadeBand;
import dev.qsim.eval.Evaluator;
import dev.qsim.io.TextProgress;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code qsim calibrate --cascade}: scores the labelled pairs with the model's pair head alone and
 * with its verifier alone, chooses the band ({@link CascadeBand}) and, with {@code --out}, writes a
 * copy of the model directory with the band in {@code verifier.cascade}. Stateless.
 */
final class CascadeCalibration {
  private CascadeCalibration() {}

  static void run(
      ModelFactory models,
      ModelOptions model,
      PairDataset dataset,
      double[] labels,
      double maxLoss,
      boolean upToOne,
      Path outDir,
      PrintWriter out,
      PrintWriter err,
      boolean showProgress) {
    double[] head;
    double[] verifier;
    double headThreshold;
    double verifierThreshold;
    TextProgress progress =
        new TextProgress(err, showProgress && dataset.size() >= EvalCommand.PROGRESS_MIN_PAIRS);
    try {
      try (QuestionSimilarity sim = models.open(model.choice(), true, false, model.precision)) {
        require(sim, DuplicateDecision.PAIR_HEAD, "a pair head", model);
        headThreshold = sim.duplicateThreshold();
        head = Evaluator.of(sim).withProgress(progress).duplicateScores(dataset.pairs());
      }
      try (QuestionSimilarity sim = models.open(model.choice(), false, true, model.precision)) {
        require(sim, DuplicateDecision.VERIFIER, "a verifier", model);
        verifierThreshold = sim.duplicateThreshold();
        verifier = Evaluator.of(sim).withProgress(progress).duplicateScores(dataset.pairs());
      }
    } finally {
      progress.finish();
    }
    CascadeBand narrowest =
        CascadeBand.choose(
            head, verifier, labels, headThreshold, verifierThreshold, maxLoss, false);
    CascadeBand toOne =
        CascadeBand.choose(head, verifier, labels, headThreshold, verifierThreshold, maxLoss, true);
    print(out, "Cascade", narrowest, maxLoss);
    print(out, "Cascade with --verify-accepted", toOne, maxLoss);
    CascadeBand band = upToOne ? toOne : narrowest;
    if (outDir != null) {
      write(model.directory(), outDir, band, dataset, maxLoss, upToOne);
      out.printf(Locale.ROOT, "Wrote %s with the band in verifier.cascade%n", outDir);
    }
  }

  private static void print(PrintWriter out, String what, CascadeBand band, double maxLoss) {
    out.printf(
        Locale.ROOT,
        "%s: the verifier decides pair-head probabilities in [%.4f, %.4f], %,d of %,d pairs"
            + " (%.1f%%); accuracy %.4f (pair head alone %.4f, verifier alone %.4f, allowed loss"
            + " %.4f)%n",
        what,
        band.lower(),
        band.upper(),
        band.inBand(),
        band.pairs(),
        100 * band.share(),
        band.accuracy(),
        band.headAccuracy(),
        band.verifierAccuracy(),
        maxLoss);
  }

  private static void require(
      QuestionSimilarity sim, DuplicateDecision kind, String what, ModelOptions model) {
    if (sim.decision() != kind) {
      throw new QsimException(
          "--cascade needs a model with a pair head and a verifier; "
              + model.describe()
              + " has no "
              + what.substring(what.indexOf(' ') + 1));
    }
  }

  /** A copy of {@code source} whose metadata records the band. */
  private static void write(
      Path source,
      Path target,
      CascadeBand band,
      PairDataset dataset,
      double maxLoss,
      boolean upToOne) {
    ModelMetadata md = ModelMetadata.read(source.resolve(ModelMetadata.FILE_NAME));
    ModelMetadata.Cascade cascade =
        new ModelMetadata.Cascade(
            band.lower(),
            band.upper(),
            String.format(
                Locale.ROOT,
                "qsim calibrate --cascade --max-loss %s%s on %,d pairs of %s: the narrowest band whose"
                    + " accuracy (%.4f) is within the loss of the best band's (at least the verifier"
                    + " alone, %.4f); %.1f%% of the pairs reach the verifier",
                maxLoss,
                upToOne ? " --verify-accepted" : "",
                band.pairs(),
                dataset.source(),
                band.accuracy(),
                band.verifierAccuracy(),
                100 * band.share()));
    ModelMetadata written = md.toBuilder().verifier(md.verifier().withCascade(cascade)).build();
    ModelDirectoryWriter.write(
        target,
        into -> {
          try (Stream<Path> files = Files.list(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
              String name = f.getFileName().toString();
              if (Files.isRegularFile(f) && !name.equals(ModelMetadata.FILE_NAME)) {
                Files.copy(f, into.resolve(name));
              }
            }
          } catch (IOException e) {
            throw new QsimException("Cannot copy " + source + ": " + e.getMessage(), e);
          }
          return written;
        });
  }
}
