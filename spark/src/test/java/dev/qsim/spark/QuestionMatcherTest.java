package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class QuestionMatcherTest {
  private static final int K = 3;

  private static Dataset<Row> frame(List<String> questions, long firstId) {
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      rows.add(RowFactory.create(firstId + i, questions.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("question", DataTypes.StringType);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void findsTheVerifiedMatchesThatTheSdkFindsByBruteForce() {
    // Quora dev lists question 1 then question 2 of each row, half of the rows being duplicates:
    // the corpus takes one side, the new questions the other.
    List<String> real = TestQuestions.quoraDev(400);
    List<String> corpusQuestions = new ArrayList<>();
    List<String> incoming = new ArrayList<>();
    for (int i = 0; i < real.size(); i++) {
      (i % 2 == 0 ? corpusQuestions : incoming).add(real.get(i));
    }
    incoming = new ArrayList<>(incoming.subList(0, 60));
    // Then a corpus question itself, a question about nothing in the corpus, and a blank and a
    // null one (skipped).
    incoming.add(corpusQuestions.get(17));
    incoming.add("What is the boiling point of liquid nitrogen on Mars?");
    incoming.add("   ");
    incoming.add(null);

    Dataset<Row> corpus = new QuestionEmbedder().transform(frame(corpusQuestions, 0)).cache();
    List<Row> matches =
        QuestionMatcher.builder()
            .optK(K)
            .build()
            .match(frame(incoming, 1000), corpus)
            .collectAsList();

    Set<List<Long>> expected = new HashSet<>();
    try (OnnxQuestionSimilarity sdk = OnnxQuestionSimilarity.bundled()) {
      List<Embedding> c = sdk.embedAll(corpusQuestions);
      for (int q = 0; q < incoming.size(); q++) {
        String text = incoming.get(q);
        if (text == null || text.isBlank()) {
          continue;
        }
        Embedding e = sdk.embed(text);
        List<double[]> accepted = new ArrayList<>();
        for (int j = 0; j < c.size(); j++) {
          double similarity = e.similarity(c.get(j), sdk.similarityFunction());
          if (similarity < sdk.candidateThreshold()) {
            continue;
          }
          double score =
              sdk.duplicateScores(
                      List.of(new QuestionPair(text, corpusQuestions.get(j))),
                      List.of(e),
                      List.of(c.get(j)))[0];
          if (score >= sdk.duplicateThreshold()) {
            accepted.add(new double[] {j, score});
          }
        }
        accepted.sort(Comparator.comparingDouble((double[] a) -> a[1]).reversed());
        for (double[] a : accepted.subList(0, Math.min(K, accepted.size()))) {
          expected.add(List.of(1000L + q, (long) a[0]));
        }
      }
    }
    Set<List<Long>> actual = new HashSet<>();
    for (Row r : matches) {
      actual.add(List.of(r.getLong(0), r.getLong(1)));
      assertThat(r.getInt(5)).isBetween(1, K);
      assertThat(r.getString(2)).isEqualTo(corpusQuestions.get((int) r.getLong(1)));
    }
    assertThat(expected).hasSizeGreaterThan(5);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual).contains(List.of(1000L + 60, 17L));
    assertThat(matches).noneMatch(r -> r.getLong(0) >= 1000 + 61);
  }

  @Test
  void noValidNewQuestionsGiveNoMatchesAndMissingColumnsAreNamed() {
    Dataset<Row> corpus =
        new QuestionEmbedder().transform(frame(List.of("How do I learn Java?"), 0)).cache();
    assertThat(
            QuestionMatcher.builder()
                .build()
                .match(frame(Arrays.asList(" ", null), 10), corpus)
                .count())
        .isZero();
    assertThatThrownBy(
            () ->
                QuestionMatcher.builder()
                    .build()
                    .match(frame(List.of("Why?"), 10), frame(List.of("Why?"), 0)))
        .hasMessageContaining("'embedding' does not exist in corpus");
  }
}
