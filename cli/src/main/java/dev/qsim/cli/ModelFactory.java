package dev.qsim.cli;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.index.ModelIdentity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the model a command runs on. Implementations are thread-safe. */
@FunctionalInterface
interface ModelFactory {
  /**
   * Opens a model.
   *
   * @param directory a qsim model directory, or {@code null} for the bundled model
   * @param pairHead whether to use the model's pair head, if it has one
   * @return the model; the caller closes it
   */
  QuestionSimilarity open(Path directory, boolean pairHead);

  /**
   * What a question index records of a model this factory opened: its name, encoder fingerprint and
   * dimension.
   *
   * @param model a model from {@link #open(Path, boolean)}
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
   * The real loader: a model directory through the ONNX Runtime implementation, or the bundled one.
   */
  ModelFactory ONNX =
      (directory, pairHead) -> {
        if (directory == null) {
          return OnnxQuestionSimilarity.builder()
              .setModelResource(
                  OnnxQuestionSimilarity.class.getClassLoader(),
                  OnnxQuestionSimilarity.BUNDLED_MODEL)
              .optPairHead(pairHead)
              .build();
        }
        if (!Files.isDirectory(directory)) {
          throw new ModelLoadException(
              "Model directory not found: "
                  + directory
                  + (Files.exists(directory) ? " (it is a file)" : ""));
        }
        return OnnxQuestionSimilarity.builder()
            .setModelDirectory(directory)
            .optPairHead(pairHead)
            .build();
      };
}
