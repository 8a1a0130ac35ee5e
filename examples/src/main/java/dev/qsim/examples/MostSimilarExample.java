package dev.qsim.examples;

import dev.qsim.Match;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.Evaluator;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * FAQ matching: for each incoming question, the closest questions of a small FAQ, and whether the
 * best one is close enough to answer with. Run it with {@code mvn -q -pl examples
 * exec:java@most-similar}.
 *
 * <p>It uses the plain all-MiniLM-L6-v2 ({@link OnnxQuestionSimilarity#BASE_MODEL}), not the
 * default: the default's encoder is fine-tuned on Quora question pairs, and on this FAQ's 54
 * labelled pairs ({@code faq-pairs.tsv}: a short user question against an FAQ entry) its cosine
 * separates less well (best balanced accuracy 0.79 against 0.85 for the plain model). A pair head
 * trained on pairs of like sentences is not made for this either: on the same pairs the plain
 * model's head ranks worse than its cosine (average precision 0.84 against 0.92). So this FAQ
 * decides by the plain model's similarity, at the threshold that a few dozen labelled pairs of its
 * own give (best balanced accuracy, as {@code qsim calibrate} computes it). Check both models on
 * your own pairs; the command line calibrates the default model the same way:
 *
 * <pre>
 * java -jar cli/target/qsim.jar calibrate \
 *   --data examples/src/main/resources/dev/qsim/examples/faq-pairs.tsv --format bimpm
 * </pre>
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class MostSimilarExample {
  private MostSimilarExample() {}

  private static final String LABELLED_PAIRS = "/dev/qsim/examples/faq-pairs.tsv";

  private static final List<String> FAQ =
      List.of(
          "How do I reset my password?",
          "How can I change the email address on my account?",
          "How do I delete my account?",
          "What payment methods do you accept?",
          "How do I get a refund?",
          "Can I use the app offline?",
          "How do I contact customer support?",
          "Is my personal data shared with third parties?");

  /** Questions that are not in {@code faq-pairs.tsv}: the threshold never saw them. */
  private static final List<String> INCOMING =
      List.of(
          "I forgot my password, what should I do?",
          "Can I pay with PayPal?",
          "I want my money back",
          "How do I close my account permanently?",
          "What is the capital of Australia?");

  /**
   * Calibrates a similarity threshold on the FAQ's labelled pairs, then prints the best FAQ matches
   * of each incoming question.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    try (QuestionSimilarity sim =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                MostSimilarExample.class.getClassLoader(), OnnxQuestionSimilarity.BASE_MODEL)
            .build()) {
      // 1. This FAQ's own threshold: a few dozen (user question, FAQ entry, 0/1) pairs.
      PairDataset labelled = labelledPairs();
      BinaryMetrics cosine =
          BinaryMetrics.of(Evaluator.of(sim).similarities(labelled.pairs()), labelled.labels());
      ThresholdMetrics best = cosine.bestBalancedAccuracy();
      double threshold = best.threshold();
      System.out.printf(
          Locale.ROOT,
          "Similarity threshold %.3f, calibrated on %d labelled FAQ pairs (balanced accuracy %.2f;"
              + " the model's Quora threshold %.3f gives %.2f)%n%n",
          threshold,
          labelled.size(),
          best.balancedAccuracy(),
          sim.similarityThreshold(),
          cosine.at(sim.similarityThreshold()).balancedAccuracy());

      // 2. Matching: ranked by similarity, answered when the best match reaches the threshold.
      for (String question : INCOMING) {
        List<Match> matches = sim.mostSimilar(question, FAQ, 2);
        Match top = matches.get(0);
        System.out.printf(
            Locale.ROOT,
            "%s%n  -> %s (similarity %.3f)%s%n",
            question,
            top.question(),
            top.similarity(),
            top.similarity() >= threshold
                ? "  [answer with this FAQ entry]"
                : "  [below the threshold: no FAQ answers this]");
        for (Match other : matches.subList(1, matches.size())) {
          System.out.printf(
              Locale.ROOT,
              "     also: %s (similarity %.3f)%n",
              other.question(),
              other.similarity());
        }
      }
    }
  }

  private static PairDataset labelledPairs() {
    try (InputStream in = MostSimilarExample.class.getResourceAsStream(LABELLED_PAIRS)) {
      if (in == null) {
        throw new QsimException("Missing classpath resource " + LABELLED_PAIRS);
      }
      Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
      return PairReader.read(reader, LABELLED_PAIRS, PairFormat.BIMPM, ReadOptions.defaults());
    } catch (IOException e) {
      throw new QsimException("Cannot read " + LABELLED_PAIRS + ": " + e, e);
    }
  }
}
