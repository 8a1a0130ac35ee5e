package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim similarity Q1 Q2}. Not thread-safe: one instance per invocation. */
@Command(
    name = "similarity",
    mixinStandardHelpOptions = true,
    description = {
      "Prints how similar two questions are and whether the model calls them duplicates.",
      "The last line is the similarity alone, for scripts."
    })
final class SimilarityCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "Q1", description = "The first question.")
  String first;

  @Parameters(index = "1", paramLabel = "Q2", description = "The second question.")
  String second;

  @Mixin ModelOptions model;

  @ParentCommand QsimCli parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    requireText(first, "Q1");
    requireText(second, "Q2");
    PrintWriter out = spec.commandLine().getOut();
    try (QuestionSimilarity sim = model.open(parent.models())) {
      List<Readability> readability = sim.readability(List.of(first, second));
      requireReadable(readability.get(0), "Q1");
      requireReadable(readability.get(1), "Q2");
      double similarity = sim.similarity(first, second);
      boolean duplicate = sim.isDuplicate(first, second);
      out.println("Model:      " + ModelOptions.describe(sim));
      out.printf(
          Locale.ROOT,
          "Similarity: %.4f (%s; %s)%n",
          similarity,
          sim.similarityFunction().id(),
          range(sim));
      if (sim.hasPairHead()) {
        double score = sim.duplicateScore(first, second);
        out.printf(
            Locale.ROOT,
            "Duplicate:  %s (the pair head's probability %.4f is %s its threshold %.4f)%n",
            duplicate ? "yes" : "no",
            score,
            duplicate ? "at or above" : "below",
            sim.duplicateThreshold());
      } else {
        out.printf(
            Locale.ROOT,
            "Duplicate:  %s (the similarity is %s the model's threshold %.4f)%n",
            duplicate ? "yes" : "no",
            duplicate ? "at or above" : "below",
            sim.duplicateThreshold());
      }
      out.println(formatNumber(similarity));
      out.flush();
    }
    return 0;
  }

  private void requireText(String question, String name) {
    if (TextRules.isBlankQuestion(question)) {
      throw new ParameterException(
          spec.commandLine(), name + " is blank (no visible character): give a question");
    }
  }

  /**
   * Refuses a question the model cannot read, as a blank one is refused: two such questions would
   * be read as the same unknown tokens and called duplicates.
   */
  private void requireReadable(Readability readability, String name) {
    if (readability == Readability.UNREADABLE) {
      throw new ParameterException(
          spec.commandLine(),
          name
              + " is unreadable: its words are all or nearly all (at least "
              + Math.round(100 * TextRules.UNREADABLE_SHARE)
              + " %) unknown to the model's tokenizer, e.g. emoji or a script the model does not"
              + " read; give a question in words the model knows");
    }
  }

  private static String range(QuestionSimilarity sim) {
    switch (sim.similarityFunction()) {
      case COSINE:
        return "-1 to 1, 1 = same meaning";
      case EUCLIDEAN:
        return "0 to 1, 1 = same meaning";
      default:
        return "higher = more similar";
    }
  }

  /** Enough digits to round-trip to 1e-9, without exponent notation. */
  static String formatNumber(double value) {
    return String.format(Locale.ROOT, "%.9f", value);
  }
}
