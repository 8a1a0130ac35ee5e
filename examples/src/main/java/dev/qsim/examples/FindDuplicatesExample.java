package dev.qsim.examples;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the duplicate groups among the first 300 distinct questions of the Quora dev file. Run it
 * with {@code mvn -q -pl examples exec:java@duplicates}; the first argument, if any, is the path of
 * a file in that format ({@code label<TAB>question1<TAB>question2<TAB>id}).
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class FindDuplicatesExample {
  private static final int QUESTIONS = 300;
  private static final int GROUPS_SHOWN = 15;

  private FindDuplicatesExample() {}

  /**
   * Prints the duplicate groups.
   *
   * @param args optional: the path of the Quora dev file
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    Path file = Examples.quoraDev(args);
    List<String> questions = firstDistinctQuestions(file, QUESTIONS);
    System.out.printf(
        Locale.ROOT, "Searching %d questions from %s%n", questions.size(), file.normalize());

    try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
      // Embeds every question once, finds candidate pairs without an N x N matrix, verifies each
      // with the model's duplicate decision and groups them without chaining.
      Duplicates found = sim.findDuplicates(questions);
      System.out.printf(
          Locale.ROOT,
          "%d duplicate pairs (%d candidates at similarity >= %.3f, verified by the %s)"
              + " in %d groups%n%n",
          found.pairs().size(),
          found.candidates(),
          found.candidateThreshold(),
          found.decision() == DuplicateDecision.PAIR_HEAD ? "pair head" : "similarity threshold",
          found.groups().size());
      int shown = 0;
      for (DuplicateGroup group : found.groups()) {
        if (shown++ == GROUPS_SHOWN) {
          System.out.printf(
              Locale.ROOT, "... and %d more groups%n", found.groups().size() - GROUPS_SHOWN);
          break;
        }
        System.out.printf(
            Locale.ROOT, "Group %d: %s%n", shown, questions.get(group.representative()));
        for (int member : group.members()) {
          if (member != group.representative()) {
            System.out.printf(
                Locale.ROOT,
                "  - %s (%.3f)%n",
                questions.get(member),
                group.pairOf(member).score());
          }
        }
      }
      if (!found.pairs().isEmpty()) {
        DuplicatePair best = found.pairs().get(0);
        System.out.printf(
            Locale.ROOT,
            "%nMost certain pair (score %.3f):%n  %s%n  %s%n",
            best.score(),
            questions.get(best.first()),
            questions.get(best.second()));
      }
    }
  }

  /** Reads questions 1 and 2 of each row, in file order, keeping the first {@code max} distinct. */
  static List<String> firstDistinctQuestions(Path file, int max) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "Quora dev file not found: " + file.toAbsolutePath() + " (pass its path as argument)");
    }
    Set<String> distinct = new LinkedHashSet<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (distinct.size() < max && (line = reader.readLine()) != null) {
        String[] columns = line.split("\t", -1);
        for (int c = 1; c <= 2 && c < columns.length && distinct.size() < max; c++) {
          if (!columns[c].isBlank()) {
            distinct.add(columns[c].strip());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return new ArrayList<>(distinct);
  }
}
