package dev.qsim.onnx.internal;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The one way qsim opens a Hugging Face {@code tokenizer.json}: no padding (batches are padded per
 * batch), truncation at the maximum length (for a pair, the longer question first), special tokens
 * added. Inference (the sentence encoder and the verifier) and training both open their tokenizers
 * here, so that a model is trained on the token ids it later runs on.
 *
 * <p>Internal: public only so that qsim's own modules can call it. Stateless; thread-safe. The
 * returned tokenizer is thread-safe for encoding and must be closed once.
 */
public final class TokenizerFiles {
  private TokenizerFiles() {}

  /**
   * Opens a tokenizer.
   *
   * @param json the {@code tokenizer.json} bytes; read, not closed
   * @param maxLength most tokens per sequence, special tokens included
   * @return the tokenizer
   * @throws IOException if the stream cannot be read
   * @throws RuntimeException from DJL if the file is not a tokenizer it can load
   */
  public static HuggingFaceTokenizer open(InputStream json, int maxLength) throws IOException {
    return HuggingFaceTokenizer.newInstance(
        json,
        Map.of(
            "padding", "false",
            "truncation", "true",
            "maxLength", Integer.toString(maxLength),
            "addSpecialTokens", "true"));
  }
}
