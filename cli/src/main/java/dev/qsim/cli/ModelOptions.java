package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares: the model and verbosity. Not thread-safe. */
final class ModelOptions {
  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "A qsim model directory (see docs/model-format.md). Default: the bundled"
              + " all-MiniLM-L6-v2.")
  Path modelDirectory;

  @Option(
      names = "--no-pair-head",
      description =
          "Ignore the model's pair head: decide duplicates by the similarity and its calibrated"
              + " threshold.")
  boolean noPairHead;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  QuestionSimilarity open(ModelFactory factory) {
    return factory.open(modelDirectory, !noPairHead);
  }

  String describe() {
    return modelDirectory == null ? "bundled all-MiniLM-L6-v2" : modelDirectory.toString();
  }
}
