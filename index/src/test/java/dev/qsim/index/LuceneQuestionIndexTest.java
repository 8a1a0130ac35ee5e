package dev.qsim.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.IndexMatch;
import dev.qsim.QsimException;
import dev.qsim.QuestionPair;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneQuestionIndexTest {
  private static OnnxQuestionSimilarity model;
  private static List<TestData.Row> rows;

  @BeforeAll
  static void load() {
    model = TestData.model();
    rows = TestData.quoraDev(60);
  }

  private static LuceneQuestionIndex open(Path dir) {
    return LuceneQuestionIndex.builder().setDirectory(dir).setModel(model).build();
  }

  /** Stores question 1 of each of the first 60 dev rows under id "r{row}". */
  private static void addFirstQuestions(LuceneQuestionIndex index) {
    List<String> ids = new ArrayList<>();
    List<String> questions = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      ids.add("r" + r);
      questions.add(rows.get(r).q1());
    }
    index.addAll(ids, questions);
  }

  @Test
  void askedBeforeMakesTheModelsOwnDecisionOnEveryMatch(@TempDir Path dir) {
    try (LuceneQuestionIndex index = open(dir.resolve("idx"))) {
      addFirstQuestions(index);
      List<String> queries = new ArrayList<>();
      for (int r = 0; r < 30; r++) {
        queries.add(rows.get(r).q2());
      }
      List<List<IndexMatch>> answers = index.askedBeforeAll(queries, 3);
      // The model's own scores for every returned pair, computed by the model alone.
      List<QuestionPair> pairs = new ArrayList<>();
      for (int q = 0; q < queries.size(); q++) {
        assertThat(answers.get(q)).hasSize(3);
        for (IndexMatch m : answers.get(q)) {
          pairs.add(new QuestionPair(queries.get(q), m.question()));
        }
      }
      double candidateThreshold = model.candidateThreshold();
      int verified = 0;
      int unverified = 0;
      double[] scores = model.duplicateScores(pairs);
      double[] similarities = model.similarities(pairs);
      int p = 0;
      int duplicatesFound = 0;
      for (int q = 0; q < queries.size(); q++) {
        List<IndexMatch> matches = answers.get(q);
        for (IndexMatch m : matches) {
          assertThat(m.similarity()).isCloseTo(similarities[p], within(1e-5));
          // findDuplicates' pairs: only candidates at the candidate threshold are verified.
          assertThat(m.verified()).isEqualTo(m.similarity() >= candidateThreshold);
          if (m.verified()) {
            assertThat(m.score()).isCloseTo(scores[p], within(1e-5));
            // isDuplicate's rule: score >= duplicateThreshold().
            assertThat(m.duplicate()).isEqualTo(scores[p] >= model.duplicateThreshold());
            verified++;
          } else {
            assertThat(m.duplicate()).isFalse();
            unverified++;
          }
          p++;
        }
        // Verified first by decision score (duplicates lead), then the rest by similarity.
        for (int i = 1; i < matches.size(); i++) {
          IndexMatch before = matches.get(i - 1);
          IndexMatch after = matches.get(i);
          assertThat(before.verified() || !after.verified()).isTrue();
          if (after.verified()) {
            assertThat(before.score()).isGreaterThanOrEqualTo(after.score());
          } else if (!before.verified()) {
            assertThat(before.similarity()).isGreaterThanOrEqualTo(after.similarity());
          }
        }
        String partner = "r" + q;
        if (model.isDuplicate(queries.get(q), rows.get(q).q1())
            && model.similarity(queries.get(q), rows.get(q).q1()) >= candidateThreshold) {
          // A partner that findDuplicates would verify and accept is a verified duplicate here.
          // (A pair the head accepts below the candidate threshold, as dev row 10's at similarity
          // 0.5998, is verified by neither findDuplicates nor the index.)
          assertThat(matches).anyMatch(m -> m.id().equals(partner) && m.duplicate());
          duplicatesFound++;
        }
      }
      assertThat(duplicatesFound).isGreaterThan(5);
      // Both kinds occur in this slice, so both branches above were checked.
      assertThat(verified).isPositive();
      assertThat(unverified).isPositive();
    }
  }

  @Test
  void nearestIsUnverifiedAndOrderedBySimilarity(@TempDir Path dir) {
    try (LuceneQuestionIndex index = open(dir.resolve("idx"))) {
      addFirstQuestions(index);
      String query = rows.get(5).q1();
      List<IndexMatch> near = index.nearest(query, 4);
      assertThat(near).hasSize(4);
      assertThat(near.get(0).id()).isEqualTo("r5");
      assertThat(near.get(0).similarity()).isCloseTo(1.0, within(1e-5));
      for (int i = 0; i < near.size(); i++) {
        IndexMatch m = near.get(i);
        assertThat(m.verified()).isFalse();
        assertThat(m.duplicate()).isFalse();
        assertThat(m.similarity()).isCloseTo(model.similarity(query, m.question()), within(1e-5));
        if (i > 0) {
          assertThat(near.get(i - 1).similarity()).isGreaterThanOrEqualTo(m.similarity());
        }
      }
      // Exact: no stored question is more similar than the fourth returned.
      double fourth = near.get(3).similarity();
      long better =
          rows.stream().filter(r -> model.similarity(query, r.q1()) > fourth + 1e-6).count();
      assertThat(better).isLessThanOrEqualTo(3);
      assertThat(index.nearest(query, 500)).hasSize(rows.size());
    }
  }

  @Test
  void addDeleteCommitReopen(@TempDir Path dir) {
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex index = open(path)) {
      addFirstQuestions(index);
      assertThat(index.size()).isEqualTo(60);
      index.commit();
      assertThat(index.delete("r7")).isTrue();
      assertThat(index.delete("r7")).isFalse();
      assertThat(index.delete("no-such-id")).isFalse();
      // Visible at once, before any commit.
      assertThat(index.size()).isEqualTo(59);
      assertThat(index.question("r7")).isEmpty();
      assertThat(index.nearest(rows.get(7).q1(), 5)).noneMatch(m -> m.id().equals("r7"));
      // Replacing keeps one question per id.
      index.add("r8", "How do I replace a question stored under an id?");
      assertThat(index.size()).isEqualTo(59);
      index.commit();
      index.add("late", "Is a question added after the last commit kept by close?");
    }
    assertThat(LuceneQuestionIndex.stats(path).questions()).isEqualTo(60);
    try (LuceneQuestionIndex index = open(path)) {
      assertThat(index.size()).isEqualTo(60);
      assertThat(index.question("r7")).isEmpty();
      assertThat(index.question("r8")).hasValue("How do I replace a question stored under an id?");
      assertThat(index.question("r9")).hasValue(rows.get(9).q1());
      assertThat(index.question("late")).isPresent();
      assertThat(index.nearest(rows.get(9).q1(), 1).get(0).id()).isEqualTo("r9");
    }
  }

  @Test
  void batchesReturnOneListPerQueryInOrder(@TempDir Path dir) {
    try (LuceneQuestionIndex index = open(dir.resolve("idx"))) {
      addFirstQuestions(index);
      List<String> queries = List.of(rows.get(3).q1(), rows.get(11).q1(), rows.get(42).q1());
      List<List<IndexMatch>> batch = index.askedBeforeAll(queries, 2);
      assertThat(batch).hasSize(3);
      for (int i = 0; i < queries.size(); i++) {
        assertThat(batch.get(i)).isEqualTo(index.askedBefore(queries.get(i), 2));
        assertThat(batch.get(i).get(0).duplicate()).isTrue();
      }
      assertThat(batch.get(0).get(0).id()).isEqualTo("r3");
      assertThat(batch.get(1).get(0).id()).isEqualTo("r11");
      assertThat(batch.get(2).get(0).id()).isEqualTo("r42");
      assertThat(index.askedBeforeAll(List.of(), 2)).isEmpty();
    }
  }

  @Test
  void emptyIndexAnswersNothing(@TempDir Path dir) {
    try (LuceneQuestionIndex index = open(dir.resolve("idx"))) {
      assertThat(index.size()).isZero();
      assertThat(index.askedBefore("Has anyone asked this?", 5)).isEmpty();
      assertThat(index.nearest("Has anyone asked this?", 5)).isEmpty();
    }
    IndexStats stats = LuceneQuestionIndex.stats(dir.resolve("idx"));
    assertThat(stats.questions()).isZero();
    assertThat(stats.model()).isEqualTo(ModelIdentity.of(model));
  }

  @Test
  void rejectsBadArgumentsNamingThem(@TempDir Path dir) {
    try (LuceneQuestionIndex index = open(dir.resolve("idx"))) {
      assertThatThrownBy(() -> index.addAll(List.of("a", "b", "a"), List.of("Q1?", "Q2?", "Q3?")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ids[2] repeats ids[0]");
      assertThatThrownBy(() -> index.addAll(List.of("a"), List.of("Q1?", "Q2?")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("differ in size");
      assertThatThrownBy(() -> index.add(" ", "Q?"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("id is blank");
      assertThatThrownBy(() -> index.addAll(List.of("a", "b"), List.of("Q?", " \t ")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("questions[1]");
      assertThatThrownBy(() -> index.add("x".repeat(1001), "Q?"))
          .hasMessageContaining("longer than 1000 bytes");
      assertThatThrownBy(() -> index.askedBefore("Q?", 0)).hasMessageContaining("k must be >= 1");
      assertThatThrownBy(() -> index.nearestAll(List.of("ok?", ""), 1))
          .hasMessageContaining("queries[1]");
      assertThat(index.size()).isZero();
    }
  }

  @Test
  void readOnlyInstanceSeesTheWritersCommitsAndCannotWrite(@TempDir Path dir) {
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex writer = open(path)) {
      writer.add("a", rows.get(0).q1());
      writer.commit();
      try (LuceneQuestionIndex reader =
          LuceneQuestionIndex.builder()
              .setDirectory(path)
              .setModel(model)
              .optReadOnly(true)
              .build()) {
        assertThat(reader.size()).isEqualTo(1);
        writer.add("b", rows.get(1).q1());
        assertThat(reader.nearest(rows.get(1).q1(), 5)).hasSize(1);
        writer.commit();
        assertThat(reader.nearest(rows.get(1).q1(), 5).get(0).id()).isEqualTo("b");
        assertThatThrownBy(() -> reader.add("c", "Q?"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("read-only");
        assertThatThrownBy(() -> reader.commit()).isInstanceOf(IllegalStateException.class);
      }
      assertThatThrownBy(() -> open(path))
          .isInstanceOf(QsimException.class)
          .hasMessageContaining("open for writing elsewhere");
    }
  }

  @Test
  void refusesWhatIsNotAQuestionIndex(@TempDir Path dir) throws IOException {
    Path notEmpty = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notEmpty.resolve("todo.txt"), "not an index");
    assertThatThrownBy(() -> open(notEmpty))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("No question index in " + notEmpty)
        .hasMessageContaining("not empty");
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> open(file))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("is a file");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(
            () ->
                LuceneQuestionIndex.builder()
                    .setDirectory(missing)
                    .setModel(model)
                    .optCreate(false)
                    .build())
        .hasMessageContaining("No question index at " + missing);
    assertThat(missing).doesNotExist();
    assertThatThrownBy(() -> LuceneQuestionIndex.stats(missing))
        .hasMessageContaining("no such directory");
  }

  @Test
  void closeIsIdempotentAndLaterCallsFail(@TempDir Path dir) {
    LuceneQuestionIndex index = open(dir.resolve("idx"));
    index.add("a", rows.get(0).q1());
    index.close();
    index.close();
    assertThatThrownBy(() -> index.size())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(() -> index.askedBefore("Q?", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> index.add("b", "Q?")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void statsDescribeTheCommittedIndex(@TempDir Path dir) {
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex index = open(path)) {
      addFirstQuestions(index);
      index.delete("r1");
      index.commit();
    }
    IndexStats stats = LuceneQuestionIndex.stats(path);
    assertThat(stats.questions()).isEqualTo(59);
    assertThat(stats.model().name()).isEqualTo("all-MiniLM-L6-v2 fine-tuned on Quora");
    assertThat(stats.model().fingerprint()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(stats.model().dimension()).isEqualTo(384);
    assertThat(stats.bytes()).isPositive();
    assertThat(stats.vectorFormat()).contains("Hnsw");
  }
}
