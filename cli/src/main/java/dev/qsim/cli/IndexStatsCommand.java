package dev.qsim.cli;

import dev.qsim.index.IndexCheck;
import dev.qsim.index.IndexStats;
import dev.qsim.index.LuceneQuestionIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qsim index stats}. Not thread-safe: one instance per invocation. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Describes an index as of its last commit: questions, model, files. Loads no model."
    })
final class IndexStatsCommand implements Callable<Integer> {
  @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index.")
  Path index;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    IndexStats stats = LuceneQuestionIndex.stats(index);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Index:      %s%n", stats.directory());
    out.printf(Locale.ROOT, "Questions:  %,d%n", stats.questions());
    out.printf(
        Locale.ROOT,
        "Deleted:    %,d (deleted or replaced, space not yet reclaimed)%n",
        stats.deletedQuestions());
    out.printf(Locale.ROOT, "Model:      %s%n", stats.model().name());
    out.printf(Locale.ROOT, "Encoder:    %s%n", stats.model().fingerprint());
    out.printf(Locale.ROOT, "Dimension:  %d%n", stats.model().dimension());
    out.printf(Locale.ROOT, "Vectors:    %s%n", stats.vectorFormat());
    out.printf(Locale.ROOT, "Segments:   %d%n", stats.segments());
    out.printf(Locale.ROOT, "Size:       %.1f MB%n", stats.bytes() / (1024.0 * 1024.0));
    out.printf(
        Locale.ROOT,
        "Checked:    %s%n",
        IndexCheck.lastPassed(index)
            .map(
                p ->
                    "passed "
                        + p.time()
                        + (p.current()
                            ? ""
                            : " (the index has changed since: run qsim index check again)"))
            .orElse("never (qsim index check)"));
    out.flush();
    return 0;
  }
}
