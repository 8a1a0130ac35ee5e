package dev.qsim.training.minilm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.qsim.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The bundled WordPiece tokenizer with padding switched off (the file pads to 128) and truncation
 * at a chosen length; batches are padded to their longest question (or to a fixed length) with id 0
 * and mask 0.
 *
 * <p>Used by the benchmark and tests of this package. Thread-safe for encoding (the native
 * tokenizer is); closing is not.
 */
final class MiniLmTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;

  /**
   * Loads the bundled tokenizer.
   *
   * @param loader the class loader that holds {@link MiniLmEncoder#BUNDLED_TOKENIZER_RESOURCE}
   * @param maxLength most tokens per question, special tokens included
   */
  MiniLmTokenizer(ClassLoader loader, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be at least 2: " + maxLength);
    }
    this.maxLength = maxLength;
    String resource = MiniLmEncoder.BUNDLED_TOKENIZER_RESOURCE.substring(1);
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ModelLoadException("classpath:/" + resource + ": resource not found");
      }
      Map<String, String> options =
          Map.of(
              "padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength));
      tokenizer = HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new ModelLoadException(
          "classpath:/" + resource + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Token ids and masks of a batch, padded to the longest question, or to {@code maxLength} when
   * {@code fixed}.
   *
   * @param manager where to create the arrays
   * @param texts the questions
   * @param fixed pad every row to {@code maxLength}
   * @return {@code NDList(inputIds, attentionMask)}, int64 {@code [texts, tokens]}
   */
  NDList encode(NDManager manager, List<String> texts, boolean fixed) {
    Encoding[] encodings = tokenizer.batchEncode(texts, true, false);
    int width = fixed ? maxLength : 1;
    for (Encoding e : encodings) {
      width = Math.max(width, Math.min(e.getIds().length, maxLength));
    }
    long[][] ids = new long[encodings.length][width];
    long[][] mask = new long[encodings.length][width];
    for (int i = 0; i < encodings.length; i++) {
      long[] row = encodings[i].getIds();
      int n = Math.min(row.length, width);
      System.arraycopy(row, 0, ids[i], 0, n);
      for (int j = 0; j < n; j++) {
        mask[i][j] = 1;
      }
    }
    NDArray idArray = manager.create(ids);
    NDArray maskArray = manager.create(mask);
    return new NDList(idArray, maskArray);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
