package dev.qsim.examples;

import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.List;
import java.util.Locale;

/**
 * Compares a few real question pairs from the Quora Question Pairs data with the bundled model:
 * their similarity and the model's duplicate decision. Run it with {@code mvn -q -pl examples
 * exec:java@similarity}.
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class SimilarityExample {
  private SimilarityExample() {}

  /** Pairs from ../shared/data/quora/dev.tsv with the data set's label (true = duplicate). */
  private static final List<Object[]> PAIRS =
      List.of(
          new Object[] {
            "How can I stop my depression?", "What can I do to stop being depressed?", true
          },
          new Object[] {
            "What do intelligent people do to pass time?",
            "How do intelligent people spend their time?",
            true
          },
          new Object[] {
            "Which is the best android device to buy under 15000?",
            "What are the best smartphones under 15000?",
            true
          },
          new Object[] {
            "Is honey a viable alternative to sugar for diabetics?",
            "How would you compare the United States' euthanasia laws to Denmark?",
            false
          },
          new Object[] {
            "How do I get funding for my web based startup idea?",
            "How do I get seed funding pre product?",
            true
          });

  /**
   * Prints the similarity and duplicate decision of each pair.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    // One instance, shared, closed at the end: it holds the ONNX Runtime session's native memory.
    try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
      System.out.printf(
          Locale.ROOT,
          "Bundled model: %s similarity (first column); duplicate decision by %s%n%n",
          sim.similarityFunction().id(),
          sim.hasPairHead()
              ? String.format(
                  Locale.ROOT, "its pair head (probability >= %.3f)", sim.duplicateThreshold())
              : String.format(Locale.ROOT, "similarity >= %.3f", sim.duplicateThreshold()));
      for (Object[] pair : PAIRS) {
        String q1 = (String) pair[0];
        String q2 = (String) pair[1];
        boolean labelled = (Boolean) pair[2];
        double similarity = sim.similarity(q1, q2);
        boolean duplicate = sim.isDuplicate(q1, q2);
        System.out.printf(
            Locale.ROOT,
            "%.3f  model says %-13s (data set: %s)%n       %s%n       %s%n",
            similarity,
            duplicate ? "duplicate" : "not duplicate",
            labelled ? "duplicate" : "not duplicate",
            q1,
            q2);
      }
    }
  }
}
