package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import dev.qsim.index.LuceneQuestionIndex;
import dev.qsim.io.TextProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim index add}. Not thread-safe: one instance per invocation. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Adds the questions of a file (UTF-8, one per line) to an index, creating it if the"
          + " directory is missing or empty. Each question's id is its 1-based line number, or"
          + " with --ids the text before the line's first tab (id<TAB>question). A question"
          + " added under an id the index already holds replaces it, so adding a file again"
          + " changes nothing.",
      "Commits every --commit-every questions and at the end; a summary goes to standard error."
    })
final class IndexAddCommand implements Callable<Integer> {
  /** Questions embedded and added per call. */
  static final int BATCH = 512;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index.")
  Path index;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "Questions, one per line.")
  Path input;

  @Option(
      names = "--ids",
      description = "Lines are id<TAB>question instead of questions numbered by line.")
  boolean ids;

  @Option(
      names = "--commit-every",
      paramLabel = "N",
      description =
          "Commit after every N questions (any N >= 1; a kill loses at most the questions added"
              + " since the last commit). Default: ${DEFAULT-VALUE}.")
  int commitEvery = 10_000;

  @Option(
      names = "--force-merge",
      description =
          "After adding, merge the index into one segment: faster queries after a bulk load (one"
              + " HNSW graph to search instead of one per segment), at the cost of the merge's time"
              + " (minutes for a million questions) and up to twice the index's size on disk"
              + " while it runs.")
  boolean forceMerge;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Mixin ModelOptions model;

  @ParentCommand IndexCommand parent;

  @Spec CommandSpec spec;

  /** Ids and questions of the input, in file order. */
  record Entries(List<String> ids, List<String> questions) {}

  @Override
  public Integer call() {
    if (commitEvery < 1) {
      throw new ParameterException(
          spec.commandLine(), "--commit-every must be >= 1, was " + commitEvery);
    }
    PrintWriter err = spec.commandLine().getErr();
    // With --ids a line is split at its tab before the id and the question are stripped.
    QuestionFile file = QuestionFile.read(input, !ids);
    Entries parsed = ids ? withIds(file) : byLine(file);
    long start = System.nanoTime();
    int commits = 0;
    int size;
    try (QuestionSimilarity sim = model.open(parent.models())) {
      Entries entries = readable(parsed, sim);
      int unreadable = parsed.ids().size() - entries.ids().size();
      int total = entries.ids().size();
      if (total == 0) {
        throw new QsimException(
            "Input file "
                + input
                + " holds no question to add ("
                + count(file.totalLines(), "line")
                + ": "
                + file.blankLines()
                + " blank, "
                + unreadable
                + " unreadable); nothing was added"
                + (java.nio.file.Files.exists(index)
                    ? " to " + index
                    : " and the index " + index + " was not created"));
      }
      try (LuceneQuestionIndex idx = parent.open(index, sim, true, false)) {
        int before = idx.size();
        TextProgress bar = new TextProgress(err, !noProgress && total >= BATCH);
        int sinceCommit = 0;
        for (int from = 0, to; from < total; from = to) {
          // A batch never crosses a commit point, so that every --commit-every N is honoured.
          to = Math.min(total, from + Math.min(BATCH, commitEvery - sinceCommit));
          idx.addAll(entries.ids().subList(from, to), entries.questions().subList(from, to));
          sinceCommit += to - from;
          if (sinceCommit >= commitEvery) {
            idx.commit();
            commits++;
            sinceCommit = 0;
          }
          bar.update("adding", to, total);
        }
        bar.finish();
        if (sinceCommit > 0) {
          idx.commit();
          commits++;
        }
        if (forceMerge) {
          long merge = System.nanoTime();
          idx.forceMerge();
          err.printf(
              Locale.ROOT,
              "Merged the index into one segment in %.1f s%n",
              (System.nanoTime() - merge) / 1e9);
        }
        size = idx.size();
        err.printf(
            Locale.ROOT,
            "Added %s from %s (%,d new, %,d replaced) in %.1f s, %s; skipped %s and %s;"
                + " the index %s holds %s%n",
            count(total, "question"),
            input,
            size - before,
            total - (size - before),
            (System.nanoTime() - start) / 1e9,
            count(commits, "commit"),
            count(file.blankLines(), "blank line"),
            count(unreadable, "unreadable line"),
            index,
            count(size, "question"));
      }
    }
    err.flush();
    return 0;
  }

  /** {@code 1 question}, {@code 2 questions}: a count with its noun in the right number. */
  static String count(long n, String noun) {
    return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
  }

  /**
   * The entries whose question the model can read; the others are dropped (and counted by the
   * caller), as blank lines are.
   */
  private static Entries readable(Entries entries, QuestionSimilarity sim) {
    List<Readability> verdicts = sim.readability(entries.questions());
    if (!verdicts.contains(Readability.UNREADABLE)) {
      return entries;
    }
    List<String> ids = new ArrayList<>(entries.ids().size());
    List<String> questions = new ArrayList<>(entries.ids().size());
    for (int i = 0; i < verdicts.size(); i++) {
      if (verdicts.get(i) == Readability.READABLE) {
        ids.add(entries.ids().get(i));
        questions.add(entries.questions().get(i));
      }
    }
    return new Entries(ids, questions);
  }

  private static Entries byLine(QuestionFile file) {
    List<String> ids = new ArrayList<>(file.questions().size());
    for (int i = 0; i < file.questions().size(); i++) {
      ids.add(Integer.toString(file.lineOf(i)));
    }
    return new Entries(ids, file.questions());
  }

  private static Entries withIds(QuestionFile file) {
    List<String> ids = new ArrayList<>(file.questions().size());
    List<String> questions = new ArrayList<>(file.questions().size());
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < file.questions().size(); i++) {
      String line = file.questions().get(i);
      int lineNumber = file.lineOf(i);
      int tab = line.indexOf('\t');
      String where = "Input file " + file.path() + " line " + lineNumber;
      if (tab < 0) {
        throw new QsimException(where + ": expected id<TAB>question (--ids), found no tab");
      }
      String id = TextRules.stripInvisible(line.substring(0, tab));
      String question = TextRules.stripInvisible(line.substring(tab + 1));
      if (id.isEmpty()) {
        throw new QsimException(where + ": the id before the tab is blank (id<TAB>question)");
      }
      if (question.isEmpty()) {
        throw new QsimException(where + ": the question after the tab is blank (id<TAB>question)");
      }
      if (id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          > LuceneQuestionIndex.MAX_ID_BYTES) {
        throw new QsimException(
            where + ": the id is longer than " + LuceneQuestionIndex.MAX_ID_BYTES + " bytes");
      }
      Integer before = seen.put(id, lineNumber);
      if (before != null) {
        throw new QsimException(where + ": id '" + id + "' was already used on line " + before);
      }
      ids.add(id);
      questions.add(question);
    }
    return new Entries(ids, questions);
  }
}
