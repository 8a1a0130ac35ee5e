package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.index.LuceneQuestionIndex;
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
      "Adds the questions of a file (UTF-8, one per line) to an index, creating it if the",
      "directory is missing or empty. Each question's id is its 1-based line number, or with",
      "--ids the text before the line's first tab (id<TAB>question). A question added under",
      "an id the index already holds replaces it, so adding a file again changes nothing.",
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
      description = "Commit after every N questions. Default: ${DEFAULT-VALUE}.")
  int commitEvery = 10_000;

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
    QuestionFile file = QuestionFile.read(input);
    Entries entries = ids ? withIds(file) : byLine(file);
    int total = entries.ids().size();
    long start = System.nanoTime();
    int commits = 0;
    int size;
    try (QuestionSimilarity sim = model.open(parent.models());
        LuceneQuestionIndex idx = parent.open(index, sim, true, false)) {
      int before = idx.size();
      ProgressBar bar = new ProgressBar(err, "adding    ", total, !noProgress && total >= BATCH);
      int sinceCommit = 0;
      for (int from = 0; from < total; from += BATCH) {
        int to = Math.min(total, from + BATCH);
        idx.addAll(entries.ids().subList(from, to), entries.questions().subList(from, to));
        sinceCommit += to - from;
        if (sinceCommit >= commitEvery) {
          idx.commit();
          commits++;
          sinceCommit = 0;
        }
        bar.update(to);
      }
      bar.finish();
      if (sinceCommit > 0 || total == 0) {
        idx.commit();
        commits++;
      }
      size = idx.size();
      err.printf(
          Locale.ROOT,
          "Added %,d questions from %s (%,d new, %,d replaced) in %.1f s, %,d commits;"
              + " the index %s holds %,d questions%n",
          total,
          input,
          size - before,
          total - (size - before),
          (System.nanoTime() - start) / 1e9,
          commits,
          index,
          size);
    }
    err.flush();
    return 0;
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
      String id = line.substring(0, tab).strip();
      String question = line.substring(tab + 1).strip();
      if (id.isEmpty()) {
        throw new QsimException(where + ": the id before the tab is blank");
      }
      if (question.isEmpty()) {
        throw new QsimException(where + ": the question after the tab is blank");
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
