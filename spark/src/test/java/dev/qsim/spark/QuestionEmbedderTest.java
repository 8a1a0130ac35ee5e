package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.Embedding;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class QuestionEmbedderTest {
  @Test
  void embeddingsEqualTheSdks() {
    SparkSession spark = SharedSpark.session();
    List<String> questions = TestQuestions.quoraDev(300);
    Dataset<Row> df =
        spark.createDataset(questions, Encoders.STRING()).toDF("question").repartition(3);
    List<Row> rows = new QuestionEmbedder().transform(df).collectAsList();
    List<String> texts = new ArrayList<>();
    for (Row r : rows) {
      texts.add(r.getString(0));
    }
    try (OnnxQuestionSimilarity sdk = OnnxQuestionSimilarity.bundled()) {
      List<Embedding> expected = sdk.embedAll(texts);
      double maxDiff = 0;
      for (int i = 0; i < rows.size(); i++) {
        Vector v = rows.get(i).getAs(1);
        float[] e = expected.get(i).vector();
        assertThat(v.size()).isEqualTo(e.length);
        for (int k = 0; k < e.length; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(v.apply(k) - e[k]));
        }
      }
      assertThat(rows).hasSize(300);
      assertThat(maxDiff).isLessThanOrEqualTo(1e-5);
    }
  }
}
