package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import dev.qsim.index.LuceneQuestionIndex;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim index add|query|stats}. Not thread-safe: one instance per invocation. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "A persistent \"asked before?\" index of questions (Apache Lucene, HNSW vectors).",
      "add stores questions, query finds the stored questions a new one duplicates, stats"
          + " describes an index, check looks for damage. An index remembers its model and"
          + " refuses any other."
    },
    subcommands = {
      IndexAddCommand.class,
      IndexQueryCommand.class,
      IndexStatsCommand.class,
      IndexCheckCommand.class
    })
final class IndexCommand implements Runnable {
  @ParentCommand QsimCli parent;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: add, query, stats or check");
  }

  ModelFactory models() {
    return parent.models();
  }

  /** Opens the index at {@code dir} with a model the command line opened. */
  LuceneQuestionIndex open(Path dir, QuestionSimilarity model, boolean create, boolean readOnly) {
    return LuceneQuestionIndex.builder()
        .setDirectory(dir)
        .setModel(model, models().identify(model))
        .optCreate(create)
        .optReadOnly(readOnly)
        .build();
  }
}
