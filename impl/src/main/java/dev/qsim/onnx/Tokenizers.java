package dev.qsim.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.qsim.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a model's Hugging Face {@code tokenizer.json} the one way qsim uses it: no padding (batches
 * are padded per batch), truncation at the maximum length (for a pair, the longer question first),
 * special tokens added. The {@link SentenceEncoder} encodes single questions with it, the {@link
 * CrossEncoderVerifier} pairs.
 *
 * <p>Stateless and thread-safe; the returned tokenizer is thread-safe and must be closed.
 */
final class Tokenizers {
  private Tokenizers() {}

  /**
   * Loads the tokenizer file of a model.
   *
   * @param src the model's files
   * @param file the {@code tokenizer.json}, relative to the model
   * @param maxLength most tokens per sequence, special tokens included
   * @return the tokenizer
   * @throws ModelLoadException naming the file and the model if it cannot be loaded
   */
  static HuggingFaceTokenizer load(ModelSource src, String file, int maxLength) {
    Map<String, String> options = new HashMap<>();
    options.put("padding", "false");
    options.put("truncation", "true");
    options.put("maxLength", Integer.toString(maxLength));
    options.put("addSpecialTokens", "true");
    try (InputStream in = src.open(file)) {
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelLoadException) {
        throw (ModelLoadException) e;
      }
      throw new ModelLoadException(
          "Cannot load tokenizer '" + file + "' of model " + src.describe() + ": " + e.getMessage(),
          e);
    }
  }
}
