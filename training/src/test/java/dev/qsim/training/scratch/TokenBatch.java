package dev.qsim.training.scratch;

import dev.qsim.training.QuestionTokenizer;
import java.util.List;

/** Questions tokenised and right-padded with id 0 and mask 0, as {@code qsim-impl} batches them. */
record TokenBatch(long[][] ids, long[][] mask) {

  static TokenBatch of(QuestionTokenizer tokenizer, List<String> questions) {
    long[][] rows = tokenizer.encode(questions);
    int longest = 0;
    for (long[] row : rows) {
      longest = Math.max(longest, row.length);
    }
    long[][] ids = new long[rows.length][longest];
    long[][] mask = new long[rows.length][longest];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, ids[i], 0, rows[i].length);
      java.util.Arrays.fill(mask[i], 0, rows[i].length, 1L);
    }
    return new TokenBatch(ids, mask);
  }
}
