package dev.qsim.index;

import dev.qsim.QuestionIndex;
import dev.qsim.TextRules;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The checks of what callers pass a {@link LuceneQuestionIndex}; each error names the argument and
 * its index. Stateless.
 */
final class IndexArguments {
  private IndexArguments() {}

  /** Ids and questions to add: as many of each, ids valid and distinct, questions readable. */
  static void checkBatch(List<String> ids, List<String> questions) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(questions, "questions");
    if (ids.size() != questions.size()) {
      throw new IllegalArgumentException(
          "ids and questions differ in size: " + ids.size() + " ids, " + questions.size());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = QuestionIndex.checkId(ids.get(i), "ids[" + i + "]");
      if (id.getBytes(StandardCharsets.UTF_8).length > LuceneQuestionIndex.MAX_ID_BYTES) {
        throw new IllegalArgumentException(
            "ids["
                + i
                + "] is longer than "
                + LuceneQuestionIndex.MAX_ID_BYTES
                + " bytes in UTF-8");
      }
      Integer before = seen.put(id, i);
      if (before != null) {
        throw new IllegalArgumentException(
            "ids[" + i + "] repeats ids[" + before + "]: '" + id + "'");
      }
      TextRules.checkQuestion(questions.get(i), "questions[" + i + "]");
    }
  }

  /** Queries to search and how many matches each: readable queries, {@code 1 <= k <= MAX_K}. */
  static void checkQueries(List<String> queries, int k) {
    Objects.requireNonNull(queries, "queries");
    for (int i = 0; i < queries.size(); i++) {
      TextRules.checkQuestion(queries.get(i), "queries[" + i + "]");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    if (k > QuestionIndex.MAX_K) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "k must be at most %,d, was %d", QuestionIndex.MAX_K, k));
    }
  }
}
