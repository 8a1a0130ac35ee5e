package dev.qsim.examples;

import dev.qsim.Match;
import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.List;
import java.util.Locale;

/**
 * FAQ matching: for each incoming question, the closest questions of a small FAQ, and whether the
 * best one is close enough to answer with. Run it with {@code mvn -q -pl examples
 * exec:java@most-similar}.
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class MostSimilarExample {
  private MostSimilarExample() {}

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

  private static final List<String> INCOMING =
      List.of(
          "I forgot my password, what should I do?",
          "Can I pay with PayPal?",
          "I want my money back",
          "How do I close my account permanently?",
          "What is the capital of Australia?");

  /**
   * Prints the best FAQ matches of each incoming question.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
      for (String question : INCOMING) {
        // Ranked by similarity; each match carries the model's duplicate decision on the pair.
        List<Match> best = sim.mostSimilar(question, FAQ, 2);
        Match top = best.get(0);
        System.out.printf(
            Locale.ROOT,
            "%s%n  -> %s (similarity %.3f, decision score %.3f)%s%n",
            question,
            top.question(),
            top.similarity(),
            top.score(),
            top.duplicate() ? "  [same question]" : "  [not a duplicate: no FAQ answers this]");
        for (Match other : best.subList(1, best.size())) {
          System.out.printf(
              Locale.ROOT,
              "     also: %s (similarity %.3f)%n",
              other.question(),
              other.similarity());
        }
      }
    }
  }
}
