package dev.qsim.cli;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.index.ModelIdentity;
import dev.qsim.model.Precision;
import dev.qsim.onnx.BundledModel;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the model a command runs on. Implementations are thread-safe. */
@FunctionalInterface
interface ModelFactory {
  /**
   * Opens a model.
   *
   * @param model a bundled model or a model directory
   * @param pairHead whether to use the model's pair head, if it has one
   * @param verifier whether to use the model's cross-encoder verifier, if it has one
   * @param precision the precision to run in, or {@code null} for the model's own
   * @return the model; the caller closes it
   */
  QuestionSimilarity open(
      ModelChoice model, boolean pairHead, boolean verifier, Precision precision);

  /**
   * What a question index records of a model this factory opened: its name, encoder fingerprint and
   * dimension.
   *
   * @param model a model from {@link #open(ModelChoice, boolean, boolean, Precision)}
   * @return its identity
   * @throws QsimException if the model cannot be fingerprinted
   */
  default ModelIdentity identify(QuestionSimilarity model) {
    if (model instanceof OnnxQuestionSimilarity onnx) {
      return ModelIdentity.of(onnx);
    }
    throw new QsimException(
        "A question index needs an ONNX model (to fingerprint its encoder), not " + model);
  }

  /**
   * The real loader: a bundled model or a model directory through the ONNX Runtime implementation.
   */
  ModelFactory ONNX =
      (model, pairHead, verifier, precision) -> {
        OnnxQuestionSimilarity.Builder builder = OnnxQuestionSimilarity.builder();
        Path directory = model.directory();
        if (directory == null) {
          builder.setBundledModel(model.bundled().id());
        } else {
          if (!Files.isDirectory(directory)) {
            throw new ModelLoadException(
                "Model directory not found: "
                    + directory
                    + (Files.exists(directory)
                        ? " (it is a file)"
                        : " (nor is it a bundled model: " + BundledModel.names() + ")"));
          }
          builder.setModelDirectory(directory);
        }
        if (precision != null) {
          builder.optPrecision(precision);
        }
        return builder.optPairHead(pairHead).optVerifier(verifier).build();
      };
}
