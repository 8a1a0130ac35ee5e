package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import dev.qsim.index.IndexCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim index check}. Not thread-safe: one instance per invocation. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Checks an index for damage: Lucene's CheckIndex (every file's checksum), then a sample"
          + " of the stored vectors (dimension, unit length, and the stored question embedded"
          + " again with the model). Exit 0 if it passed (index stats then shows when), 1 on"
          + " damage."
    })
final class IndexCheckCommand implements Callable<Integer> {
  @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index.")
  Path index;

  @Option(
      names = "--sample",
      paramLabel = "N",
      description = "Stored vectors to check, spread over the index. Default: ${DEFAULT-VALUE}.")
  int sample = 1000;

  @Option(
      names = "--reembed",
      paramLabel = "N",
      description =
          "Of those, stored questions to embed again (0: load no model). Default: ${DEFAULT-VALUE}.")
  int reembed = 32;

  @Mixin ModelOptions model;

  @ParentCommand IndexCommand parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (sample < 1) {
      throw new ParameterException(spec.commandLine(), "--sample must be >= 1, was " + sample);
    }
    if (reembed < 0) {
      throw new ParameterException(spec.commandLine(), "--reembed must be >= 0, was " + reembed);
    }
    IndexCheck.Result result;
    if (reembed == 0) {
      result = IndexCheck.check(index, null, null, sample, 0);
    } else {
      try (QuestionSimilarity sim = model.open(parent.models())) {
        result = IndexCheck.check(index, sim, parent.models().identify(sim), sample, reembed);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (String problem : result.problems()) {
      err.println("qsim index check: " + result.directory() + ": " + problem);
    }
    out.printf(
        Locale.ROOT,
        "%s: %s (%,d stored vectors checked, %,d questions embedded again)%n",
        result.directory(),
        result.passed() ? "passed" : "DAMAGED",
        result.vectorsChecked(),
        result.questionsReembedded());
    if (result.note() != null) {
      out.println("Note: " + result.note());
    }
    out.flush();
    err.flush();
    return result.passed() ? 0 : 1;
  }
}
