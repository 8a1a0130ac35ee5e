package dev.qsim.cli;

import com.google.gson.stream.JsonWriter;
import dev.qsim.IndexMatch;
import dev.qsim.QuestionIndex;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import dev.qsim.index.LuceneQuestionIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim index query}. Not thread-safe: one instance per invocation. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Finds the stored questions that a question may duplicate: the nearest by vector, each"
          + " verified by the model's duplicate decision; duplicates first, then by score.",
      "With --json the last line is one JSON array of",
      "  {\"id\":...,\"text\":...,\"similarity\":...,\"score\":...,\"duplicate\":true|false}",
      "(score null: below the model's candidate threshold, not verified).",
      "With --queries FILE each line of FILE is a question, answered in order (with --json one"
          + " array per line, [] for a blank line or one the model cannot read: emoji or a script"
          + " it does not know). Opens the index read-only: an add may run meanwhile."
    })
final class IndexQueryCommand implements Callable<Integer> {
  /** Queries embedded and searched per call. */
  static final int BATCH = 64;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index.")
  Path index;

  @Option(
      names = "--k",
      paramLabel = "K",
      description =
          "Matches per question, from 1 to "
              + QuestionIndex.MAX_K
              + " (more than the index holds returns them all). Default: ${DEFAULT-VALUE}.")
  int k = 5;

  @Option(names = "--json", description = "Print JSON arrays instead of text.")
  boolean json;

  @Option(
      names = "--queries",
      paramLabel = "FILE",
      description = "Questions to look up, one per line, instead of QUESTION.")
  Path queries;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "QUESTION",
      description = "The question to look up.")
  String question;

  @Mixin ModelOptions model;

  @ParentCommand IndexCommand parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (k < 1) {
      throw new ParameterException(spec.commandLine(), "--k must be >= 1, was " + k);
    }
    if (k > QuestionIndex.MAX_K) {
      throw new ParameterException(
          spec.commandLine(),
          String.format(
              Locale.ROOT,
              "--k must be at most %,d (matches per question), was %d",
              QuestionIndex.MAX_K,
              k));
    }
    if ((question == null) == (queries == null)) {
      throw new ParameterException(
          spec.commandLine(), "Give either one QUESTION or --queries FILE");
    }
    if (question != null && TextRules.isBlankQuestion(question)) {
      throw new ParameterException(
          spec.commandLine(), "QUESTION is blank (no visible character): give a question");
    }
    QuestionFile read = queries == null ? null : QuestionFile.read(queries);
    PrintWriter out = spec.commandLine().getOut();
    try (QuestionSimilarity sim = model.open(parent.models());
        LuceneQuestionIndex idx = parent.open(index, sim, false, true)) {
      if (question != null && sim.readability(List.of(question)).get(0) == Readability.UNREADABLE) {
        throw new ParameterException(
            spec.commandLine(),
            "QUESTION is unreadable: its words are all or nearly all unknown to the model's"
                + " tokenizer (emoji or a script the model does not read)");
      }
      QuestionFile file = read == null ? null : read.readable(sim);
      if (file == null) {
        print(out, question, idx.askedBefore(question, k));
      } else {
        answerFile(out, idx, file);
      }
    }
    out.flush();
    return 0;
  }

  private void answerFile(PrintWriter out, LuceneQuestionIndex idx, QuestionFile file) {
    List<String> all = file.questions();
    int nextLine = 1;
    for (int from = 0; from < all.size(); from += BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
      List<List<IndexMatch>> answers = idx.askedBeforeAll(batch, k);
      for (int i = 0; i < batch.size(); i++) {
        int line = file.lineOf(from + i);
        for (; nextLine < line; nextLine++) {
          blankLine(out, file, nextLine);
        }
        if (!json) {
          out.printf(Locale.ROOT, "# line %d%n", line);
        }
        print(out, batch.get(i), answers.get(i));
        nextLine = line + 1;
      }
      out.flush();
    }
    for (; nextLine <= file.totalLines(); nextLine++) {
      blankLine(out, file, nextLine);
    }
    if (file.unreadableLines() > 0) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          Locale.ROOT,
          "Skipped %,d blank and %,d unreadable lines of %s%n",
          file.blankLines(),
          file.unreadableLines(),
          file.path());
      err.flush();
    }
  }

  /** A skipped line: blank, or a question the model cannot read. */
  private void blankLine(PrintWriter out, QuestionFile file, int line) {
    String why = file.isUnreadable(line) ? "unreadable" : "blank";
    out.println(json ? "[]" : "# line " + line + ": " + why + ", skipped");
  }

  private void print(PrintWriter out, String query, List<IndexMatch> matches) {
    if (json) {
      out.println(toJson(matches));
      return;
    }
    out.printf(Locale.ROOT, "Query: %s%n", query);
    if (matches.isEmpty()) {
      out.println("  (the index is empty)");
    }
    for (IndexMatch m : matches) {
      out.printf(
          Locale.ROOT,
          "  %-13s score %-6s  similarity %.4f  id %s: %s%n",
          m.duplicate() ? "DUPLICATE" : "not duplicate",
          m.verified() ? String.format(Locale.ROOT, "%.4f", m.score()) : "-",
          m.similarity(),
          m.id(),
          m.question());
    }
  }

  static String toJson(List<IndexMatch> matches) {
    StringWriter text = new StringWriter();
    try (JsonWriter w = new JsonWriter(text)) {
      w.setHtmlSafe(false);
      w.beginArray();
      for (IndexMatch m : matches) {
        w.beginObject();
        w.name("id").value(m.id());
        w.name("text").value(m.question());
        w.name("similarity").value(m.similarity());
        if (m.verified()) {
          w.name("score").value(m.score());
        } else {
          w.name("score").nullValue();
        }
        w.name("duplicate").value(m.duplicate());
        w.endObject();
      }
      w.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
