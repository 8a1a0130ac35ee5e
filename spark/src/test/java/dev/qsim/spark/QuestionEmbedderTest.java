package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.Embedding;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuestionEmbedderTest {
  private static Dataset<Row> frame(List<String> questions, int partitions) {
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      rows.add(RowFactory.create(i, questions.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add("question", DataTypes.StringType);
    return spark.createDataFrame(rows, schema).coalesce(1).repartition(partitions);
  }

  @Test
  void embeddingsEqualTheSdksOnRealQuestions() {
    List<String> questions = TestQuestions.quoraDev(240);
    List<Row> rows = new QuestionEmbedder().transform(frame(questions, 3)).collectAsList();
    assertThat(rows).hasSize(questions.size());
    try (OnnxQuestionSimilarity sdk = OnnxQuestionSimilarity.bundled()) {
      List<Embedding> expected = sdk.embedAll(questions);
      double maxDiff = 0;
      for (Row r : rows) {
        int id = r.getInt(0);
        assertThat(r.getString(1)).isEqualTo(questions.get(id));
        Vector v = r.getAs("embedding");
        float[] e = expected.get(id).vector();
        assertThat(v.size()).isEqualTo(e.length);
        for (int k = 0; k < e.length; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(v.apply(k) - e[k]));
        }
      }
      assertThat(maxDiff).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void loadsTheModelOncePerJvmForAllTasksAndCalls() {
    // A batch size no other test uses: a model of its own in the holder, counted from zero.
    QuestionEmbedder embedder = new QuestionEmbedder().setBatchSize(5);
    int before = ExecutorModels.loads();
    Dataset<Row> df = frame(TestQuestions.quoraDev(64), 8);
    assertThat(df.rdd().getNumPartitions()).isEqualTo(8);
    assertThat(embedder.transform(df).count()).isEqualTo(64);
    assertThat(embedder.transform(df).filter("embedding is not null").count()).isEqualTo(64);
    assertThat(ExecutorModels.loads() - before).isEqualTo(1);
  }

  @Test
  void nullAndBlankQuestionsFollowHandleInvalid() {
    Dataset<Row> df = frame(Arrays.asList("How do I learn Java?", null, " \t ", "Why?"), 2);
    assertThatThrownBy(() -> new QuestionEmbedder().transform(df).collectAsList())
        .hasMessageContaining("question in column 'question'")
        .hasMessageContaining("handleInvalid");
    List<Row> skipped =
        new QuestionEmbedder().setHandleInvalid("skip").transform(df).collectAsList();
    assertThat(skipped).extracting(r -> r.getInt(0)).containsExactlyInAnyOrder(0, 3);
    List<Row> kept = new QuestionEmbedder().setHandleInvalid("keep").transform(df).collectAsList();
    assertThat(kept).hasSize(4);
    for (Row r : kept) {
      boolean valid = r.getInt(0) == 0 || r.getInt(0) == 3;
      assertThat(r.isNullAt(2)).isEqualTo(!valid);
    }
    assertThatThrownBy(() -> new QuestionEmbedder().setHandleInvalid("ignore"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMissingModelDirectoryFailsNamingThePath(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-model");
    Dataset<Row> df = frame(List.of("How do I learn Java?"), 1);
    assertThatThrownBy(
            () ->
                new QuestionEmbedder()
                    .setModelDirectory(missing.toString())
                    .transform(df)
                    .collectAsList())
        .hasStackTraceContaining("Model directory not found")
        .hasStackTraceContaining(missing.toString());
    assertThatThrownBy(
            () ->
                new QuestionEmbedder()
                    .setModelDirectory("shipped-model")
                    .transform(df)
                    .collectAsList())
        .hasStackTraceContaining("'shipped-model', looked in");
  }

  @Test
  void anEmptyDataFrameGivesAnEmptyResultWithoutLoadingAModel() {
    int before = ExecutorModels.loads();
    Dataset<Row> empty = frame(List.of(), 2);
    Dataset<Row> out = new QuestionEmbedder().setBatchSize(3).transform(empty);
    assertThat(out.count()).isZero();
    assertThat(out.schema().fieldNames()).containsExactly("id", "question", "embedding");
    assertThat(ExecutorModels.loads()).isEqualTo(before);
  }

  @Test
  void badColumnsAreNamed() {
    Dataset<Row> df = frame(List.of("Why?"), 1);
    assertThatThrownBy(() -> new QuestionEmbedder().setInputCol("text").transform(df))
        .hasMessageContaining("'text' does not exist");
    assertThatThrownBy(() -> new QuestionEmbedder().setInputCol("id").transform(df))
        .hasMessageContaining("must be a string column");
    assertThatThrownBy(() -> new QuestionEmbedder().setOutputCol("id").transform(df))
        .hasMessageContaining("'id' already exists");
  }

  @Test
  void savesAndLoadsAloneAndInAPipeline(@TempDir Path dir) throws Exception {
    QuestionEmbedder embedder =
        new QuestionEmbedder()
            .setInputCol("question")
            .setOutputCol("vector")
            .setBatchSize(16)
            .setThreadsPerTask(2)
            .setHandleInvalid("skip");
    String path = dir.resolve("embedder").toString();
    embedder.save(path);
    QuestionEmbedder loaded = QuestionEmbedder.load(path);
    assertThat(loaded.uid()).isEqualTo(embedder.uid());
    assertThat(loaded.getOrDefault(loaded.outputCol())).isEqualTo("vector");
    assertThat(loaded.getOrDefault(loaded.batchSize())).isEqualTo(16);
    assertThat(loaded.getOrDefault(loaded.threadsPerTask())).isEqualTo(2);
    assertThat(loaded.getOrDefault(loaded.handleInvalid())).isEqualTo("skip");
    assertThat(loaded.getOrDefault(loaded.modelDirectory())).isEmpty();

    Dataset<Row> df = frame(List.of("How do I learn Java?", "What is Spark?"), 1);
    PipelineModel model =
        new Pipeline().setStages(new PipelineStage[] {new QuestionEmbedder()}).fit(df);
    String pipelinePath = dir.resolve("pipeline").toString();
    model.save(pipelinePath);
    List<Row> rows = PipelineModel.load(pipelinePath).transform(df).collectAsList();
    assertThat(rows).hasSize(2);
    try (OnnxQuestionSimilarity sdk = OnnxQuestionSimilarity.bundled()) {
      for (Row r : rows) {
        float[] e = sdk.embed(r.getString(1)).vector();
        Vector v = r.getAs("embedding");
        for (int k = 0; k < e.length; k++) {
          assertThat(v.apply(k)).isCloseTo(e[k], org.assertj.core.api.Assertions.within(1e-5));
        }
      }
    }
  }
}
