package dev.qsim.index;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.Objects;

/**
 * Which model a question index was built with: the model's name, a fingerprint of its encoder file
 * and the embedding dimension. The index stores it with every commit and refuses to open with a
 * model whose identity differs, since that model's vectors would not be comparable with the stored
 * ones.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param name the model's name, from its metadata
 * @param fingerprint the encoder file's fingerprint (see {@link
 *     OnnxQuestionSimilarity#fingerprint()})
 * @param dimension the embedding dimension
 */
public record ModelIdentity(String name, String fingerprint, int dimension) {
  /**
   * Validates the components.
   *
   * @param name the model's name, from its metadata
   * @param fingerprint the encoder file's fingerprint (see {@link
   *     OnnxQuestionSimilarity#fingerprint()})
   * @param dimension the embedding dimension
   */
  public ModelIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (name.isBlank() || fingerprint.isBlank()) {
      throw new IllegalArgumentException("A model identity needs a name and a fingerprint");
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
    }
  }

  /**
   * The identity of a loaded model; reads its encoder file once to fingerprint it.
   *
   * @param model the model
   * @return its name, encoder fingerprint and dimension
   */
  public static ModelIdentity of(OnnxQuestionSimilarity model) {
    Objects.requireNonNull(model, "model");
    return new ModelIdentity(model.metadata().name(), model.fingerprint(), model.dimension());
  }

  /**
   * A short description for messages, for example {@code all-MiniLM-L6-v2 (encoder
   * sha256:53aa51172d14…, 384 dimensions)}.
   *
   * @return the name, the fingerprint's first 16 hex digits and the dimension
   */
  public String describe() {
    int colon = fingerprint.indexOf(':');
    String shown =
        fingerprint.length() > colon + 17
            ? fingerprint.substring(0, colon + 17) + "…"
            : fingerprint;
    return name + " (encoder " + shown + ", " + dimension + " dimensions)";
  }
}
