package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The options every command shares: the model, its precision and verbosity. Not thread-safe. */
final class ModelOptions {
  @Option(
      names = "--model",
      paramLabel = "NAME|DIR",
      converter = ModelChoice.Converter.class,
      description =
          ModelChoice.HELP
              + " Default: default, all-MiniLM-L6-v2 fine-tuned on Quora with a pair head.")
  ModelChoice choice;

  @Option(
      names = "--no-pair-head",
      description =
          "Ignore the model's pair head: decide duplicates by the similarity and its calibrated"
              + " threshold.")
  boolean noPairHead;

  @Option(
      names = "--no-verifier",
      description =
          "Ignore the model's cross-encoder verifier, if it has one: decide by its pair head (or"
              + " the similarity).")
  boolean noVerifier;

  @Option(
      names = "--precision",
      paramLabel = "fp32|int8",
      converter = PrecisionConverter.class,
      description =
          "Run the encoder in fp32 or int8. Default: the model's own (fp32 for the bundled"
              + " model). int8 of an fp32 model is made once into the cache"
              + " (~/.cache/qsim, or -Dqsim.cache.dir / QSIM_CACHE_DIR); see docs/performance.md.")
  Precision precision;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  QuestionSimilarity open(ModelFactory factory) {
    return factory.open(choice(), !noPairHead, !noVerifier, precision);
  }

  /** The model {@code --model} names, the bundled default without it. */
  ModelChoice choice() {
    return choice == null ? ModelChoice.DEFAULT : choice;
  }

  /** The model directory {@code --model} names; {@code null} for a bundled model. */
  Path directory() {
    return choice().directory();
  }

  String describe() {
    return choice().describe();
  }

  /** The loaded model's name and precision, e.g. {@code all-MiniLM-L6-v2 (int8)}. */
  static String describe(QuestionSimilarity sim) {
    if (sim instanceof OnnxQuestionSimilarity) {
      OnnxQuestionSimilarity onnx = (OnnxQuestionSimilarity) sim;
      return onnx.metadata().name() + " (" + onnx.metadata().precision().id() + ")";
    }
    return sim.getClass().getSimpleName();
  }

  /** Parses {@code fp32} or {@code int8}. Stateless. */
  static final class PrecisionConverter implements ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
      return Precision.fromId(value);
    }
  }
}
