package dev.qsim.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qsim.ModelLoadException;
import dev.qsim.onnx.internal.TokenizerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Loads a model's Hugging Face {@code tokenizer.json} the one way qsim uses it ({@link
 * TokenizerFiles}), naming the model when it cannot. The {@link SentenceEncoder} encodes single
 * questions with it, the {@link CrossEncoderVerifier} pairs.
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
    try (InputStream in = src.open(file)) {
      return TokenizerFiles.open(in, maxLength);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelLoadException) {
        throw (ModelLoadException) e;
      }
      throw new ModelLoadException(
          "Cannot load tokenizer '" + file + "' of model " + src.describe() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The unknown token of a model's tokenizer, the one every character outside its vocabulary
   * becomes: {@code model.unk_token} of {@code tokenizer.json} (WordPiece, BPE, WordLevel), or the
   * vocabulary entry at {@code model.unk_id} (Unigram).
   *
   * @param src the model's files
   * @param file the {@code tokenizer.json}, relative to the model
   * @return the token, e.g. {@code [UNK]}, or {@code null} if the tokenizer has none (byte-level
   *     tokenizers read every text)
   * @throws ModelLoadException naming the file and the model if it cannot be read or parsed
   */
  static String unknownToken(ModelSource src, String file) {
    try (InputStream in = src.open(file);
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      JsonElement root = JsonParser.parseReader(reader);
      JsonObject model =
          root.isJsonObject() && root.getAsJsonObject().get("model") instanceof JsonObject m
              ? m
              : null;
      if (model == null) {
        return null;
      }
      JsonElement unk = model.get("unk_token");
      if (unk != null && unk.isJsonPrimitive()) {
        return unk.getAsString();
      }
      JsonElement unkId = model.get("unk_id");
      JsonElement vocab = model.get("vocab");
      if (unkId != null
          && unkId.isJsonPrimitive()
          && unkId.getAsJsonPrimitive().isNumber()
          && vocab != null
          && vocab.isJsonArray()) {
        int id = unkId.getAsInt();
        if (id >= 0 && id < vocab.getAsJsonArray().size()) {
          JsonElement entry = vocab.getAsJsonArray().get(id);
          if (entry.isJsonArray() && !entry.getAsJsonArray().isEmpty()) {
            return entry.getAsJsonArray().get(0).getAsString();
          }
        }
      }
      return null;
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new ModelLoadException(
          "Cannot read the unknown token of tokenizer '"
              + file
              + "' of model "
              + src.describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
