package dev.qsim.onnx;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * One padded batch of token ids, row-major, as {@link SentenceEncoder} feeds it to its network.
 *
 * <p>Not thread-safe: its arrays are filled once, then only read.
 */
final class TokenBatch {
  final int rows;
  final int cols;
  final long[] ids;
  final long[] mask;
  final long[] types;

  private TokenBatch(int rows, int cols) {
    this.rows = rows;
    this.cols = cols;
    this.ids = new long[rows * cols];
    this.mask = new long[rows * cols];
    this.types = new long[rows * cols];
  }

  static TokenBatch of(Encoding[] encodings, Integer[] order, int start, int end) {
    int cols = 1;
    for (int i = start; i < end; i++) {
      cols = Math.max(cols, encodings[order[i]].getIds().length);
    }
    TokenBatch b = new TokenBatch(end - start, cols);
    for (int r = 0; r < b.rows; r++) {
      Encoding e = encodings[order[start + r]];
      long[] ids = e.getIds();
      long[] mask = e.getAttentionMask();
      long[] types = e.getTypeIds();
      System.arraycopy(ids, 0, b.ids, r * cols, ids.length);
      System.arraycopy(mask, 0, b.mask, r * cols, mask.length);
      System.arraycopy(types, 0, b.types, r * cols, types.length);
    }
    return b;
  }
}
