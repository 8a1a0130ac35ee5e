package dev.qsim.onnx;

import java.nio.file.Path;
import java.util.List;

/** Loads a model directory, embeds one question and exits: {@link NativeLibrariesTest}'s child. */
public final class NativeLitterChild {
  private NativeLitterChild() {}

  /**
   * Runs the child.
   *
   * @param args the model directory
   */
  public static void main(String[] args) {
    try (OnnxQuestionSimilarity model =
        OnnxQuestionSimilarity.builder()
            .setModelDirectory(Path.of(args[0]))
            .optThreads(1)
            .build()) {
      System.out.println(
          "dimension " + model.embedAll(List.of("Why is the sky blue?")).get(0).dimension());
    }
  }
}
