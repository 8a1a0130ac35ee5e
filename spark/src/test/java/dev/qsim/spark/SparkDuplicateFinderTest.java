package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.SearchMode;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkDuplicateFinderTest {
  /** Ids 1..n in list order; the finder's indices are then list positions. */
  static Dataset<Row> frame(List<String> questions) {
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      rows.add(RowFactory.create((long) i + 1, questions.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("question", DataTypes.StringType);
    return spark.createDataFrame(rows, schema);
  }

  static Set<List<Integer>> pairSet(List<DuplicatePair> pairs) {
    Set<List<Integer>> out = new HashSet<>();
    for (DuplicatePair p : pairs) {
      out.add(List.of(p.first(), p.second()));
    }
    return out;
  }

  static Set<Set<Integer>> groupSet(List<DuplicateGroup> groups) {
    Set<Set<Integer>> out = new HashSet<>();
    for (DuplicateGroup g : groups) {
      out.add(new HashSet<>(g.members()));
    }
    return out;
  }

  @Test
  @Tag("slow")
  void exactSearchFindsTheSdksPairsAndGroupsOnRealQuestions() {
    List<String> questions = TestQuestions.quoraDev(400);
    Duplicates sdk;
    try (OnnxQuestionSimilarity model = OnnxQuestionSimilarity.bundled()) {
      sdk = model.findDuplicates(questions);
    }
    try (SparkDuplicates found =
        SparkDuplicateFinder.builder()
            .optBuckets(1)
            .optBlockRows(128)
            .build()
            .find(frame(questions))) {
      assertThat(found.questionCount()).isEqualTo(400);
      assertThat(sdk.pairs()).isNotEmpty();
      assertThat(found.duplicates().decision()).isEqualTo(sdk.decision());
      assertThat(found.duplicates().threshold()).isEqualTo(sdk.threshold());
      assertThat(found.duplicates().candidateThreshold()).isEqualTo(sdk.candidateThreshold());
      assertThat(pairSet(found.duplicatePairs())).isEqualTo(pairSet(sdk.pairs()));
      assertThat(groupSet(found.duplicateGroups())).isEqualTo(groupSet(sdk.groups()));
      for (int g = 0; g < sdk.groups().size(); g++) {
        assertThat(found.duplicateGroups().get(g).representative())
            .isEqualTo(sdk.groups().get(g).representative());
      }

      // The DataFrames carry the same pairs and groups, by id (= index + 1).
      List<Row> pairs = found.pairs().collectAsList();
      assertThat(pairs).hasSize(sdk.pairs().size());
      Set<List<Integer>> byId = new HashSet<>();
      for (Row r : pairs) {
        byId.add(List.of((int) r.getLong(0) - 1, (int) r.getLong(1) - 1));
        assertThat(r.getDouble(3)).isGreaterThanOrEqualTo(r.getDouble(2) - 1);
      }
      assertThat(byId).isEqualTo(pairSet(sdk.pairs()));
      List<Row> groups = found.groups().collectAsList();
      long members = sdk.groups().stream().mapToLong(g -> g.members().size()).sum();
      assertThat(groups).hasSize((int) members);
      for (Row r : groups) {
        DuplicateGroup g = found.duplicateGroups().get(r.getInt(1) - 1);
        assertThat(g.members()).contains((int) r.getLong(0) - 1);
        assertThat(r.getLong(2) - 1).isEqualTo(g.representative());
        assertThat(r.isNullAt(3)).isEqualTo(r.getLong(0) == r.getLong(2));
      }
    }
  }

  @Test
  @Tag("slow")
  void bucketedSearchFindsASubsetOfTheExactPairs() {
    List<String> questions = TestQuestions.quoraDev(400);
    Set<List<Integer>> exact;
    try (SparkDuplicates all =
        SparkDuplicateFinder.builder()
            .optOptions(DuplicateOptions.defaults().withSearch(SearchMode.EXACT))
            .build()
            .find(frame(questions))) {
      exact = pairSet(all.duplicatePairs());
    }
    try (SparkDuplicates bucketed =
        SparkDuplicateFinder.builder()
            .optOptions(DuplicateOptions.defaults().withSearch(SearchMode.APPROXIMATE))
            .optBuckets(4)
            .optProbes(2)
            .build()
            .find(frame(questions))) {
      Set<List<Integer>> found = pairSet(bucketed.duplicatePairs());
      assertThat(exact).containsAll(found);
      assertThat((double) found.size() / exact.size()).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void nullAndBlankQuestionsAreSkippedAndCounted(@TempDir Path dir) {
    List<String> questions =
        Arrays.asList(
            "How do I learn Java?",
            null,
            "How can I learn Java?",
            "  ",
            "What is the capital of France?",
            "How do I learn Java ?");
    try (SparkDuplicates found = SparkDuplicateFinder.builder().build().find(frame(questions))) {
      assertThat(found.skippedQuestions()).isEqualTo(2);
      assertThat(found.questionCount()).isEqualTo(4);
      List<Row> ids = found.questions().orderBy(SparkDuplicates.INDEX).collectAsList();
      assertThat(ids).extracting(r -> r.getLong(1)).containsExactly(1L, 3L, 5L, 6L);
      // "How do I learn Java?" and "How do I learn Java ?" are duplicates by any model.
      assertThat(found.pairs().collectAsList())
          .anySatisfy(r -> assertThat(List.of(r.getLong(0), r.getLong(1))).contains(1L, 6L));
      // Written as JSON Lines and read back: the same rows.
      found.write(dir.resolve("out").toString(), "json");
      SparkSession spark = SharedSpark.session();
      assertThat(spark.read().json(dir.resolve("out/pairs").toString()).count())
          .isEqualTo(found.duplicatePairs().size());
      assertThat(spark.read().json(dir.resolve("out/groups").toString()).count())
          .isEqualTo(found.duplicateGroups().stream().mapToLong(g -> g.members().size()).sum());
      assertThatThrownBy(() -> found.write(dir.resolve("out").toString(), "json"))
          .hasMessageContaining("already exists");
      assertThatThrownBy(() -> found.write(dir.resolve("x").toString(), "csv"))
          .hasMessageContaining("'parquet' or 'json'");
    }
  }

  @Test
  void emptyAndSingleQuestionInputsHaveNoDuplicates() {
    try (SparkDuplicates found = SparkDuplicateFinder.builder().build().find(frame(List.of()))) {
      assertThat(found.questionCount()).isZero();
      assertThat(found.pairs().count()).isZero();
      assertThat(found.groups().count()).isZero();
    }
    try (SparkDuplicates found =
        SparkDuplicateFinder.builder().build().find(frame(List.of("Why is the sky blue?")))) {
      assertThat(found.questionCount()).isEqualTo(1);
      assertThat(found.duplicatePairs()).isEmpty();
    }
  }

  @Test
  void badColumnsAreNamed() {
    Dataset<Row> df = frame(List.of("Why?"));
    assertThatThrownBy(() -> SparkDuplicateFinder.builder().setIdColumn("key").build().find(df))
        .hasMessageContaining("'key' does not exist");
    assertThatThrownBy(
            () -> SparkDuplicateFinder.builder().setQuestionColumn("id").build().find(df))
        .hasMessageContaining("must hold strings");
  }
}
