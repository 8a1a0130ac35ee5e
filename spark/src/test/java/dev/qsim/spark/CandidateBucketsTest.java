package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.Embedding;
import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.VectorClusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Spark's approximate search buckets questions exactly as the SDK's k-means does. */
class CandidateBucketsTest {
  @Test
  void sparkBucketsEqualTheSdksKMeansForTheSameQuestionsAndSeed() {
    List<String> questions = TestQuestions.quoraDev(600);
    QuestionSimilarity model = ExecutorModels.get(new ModelSpec("", 64, 1));
    List<float[]> vectors = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<Embedding> embeddings = model.embedAll(questions);
    for (int i = 0; i < questions.size(); i++) {
      float[] v = embeddings.get(i).vector();
      vectors.add(v);
      rows.add(
          RowFactory.create(
              i,
              questions.get(i),
              Vectors.dense(EmbeddingPartitions.toDoubles(embeddings.get(i)))));
    }
    StructType schema =
        new StructType()
            .add("qsim_index", DataTypes.IntegerType, false)
            .add("question", DataTypes.StringType, false)
            .add(SparkDuplicateFinder.VECTOR, SQLDataTypes.VectorType(), false);
    // Several partitions in another order: the driver's sample and the chunks differ from the list.
    Dataset<Row> embedded =
        SharedSpark.session()
            .createDataFrame(rows, schema)
            .repartition(3)
            .sortWithinPartitions(org.apache.spark.sql.functions.col("question"));
    int k = 7;
    int probes = 3;
    long seed = 1234;

    CandidateBuckets spark = CandidateBuckets.train(embedded, questions.size(), k, probes, seed);
    int[][] sparkBuckets = new int[questions.size()][];
    for (BucketEntry e : TileCandidates.entries(embedded, spark).collect()) {
      sparkBuckets[e.index()] = e.buckets();
    }

    // The single-machine path: the seeded sample of indices, k-means, nearest clusters.
    int[] sample = VectorClusters.sample(questions.size(), k, seed);
    assertThat(sample.length).as("a sample, not every question").isLessThan(questions.size());
    List<float[]> points = new ArrayList<>();
    for (int i : sample) {
      points.add(vectors.get(i));
    }
    int[][] sdkBuckets = VectorClusters.train(points, k, seed, 2).nearest(vectors, probes);

    assertThat(spark.count()).isEqualTo(k);
    Set<Integer> homes = new HashSet<>();
    for (int i = 0; i < questions.size(); i++) {
      assertThat(sparkBuckets[i]).as("question %d", i).containsExactly(sdkBuckets[i]);
      homes.add(sdkBuckets[i][0]);
    }
    assertThat(homes).as("every bucket is someone's nearest").hasSize(k);

    // Another seed gives other buckets: the seed is really used.
    int[][] other =
        CandidateBuckets.train(embedded, questions.size(), k, probes, seed + 1).assign(vectors);
    int differ = 0;
    for (int i = 0; i < questions.size(); i++) {
      if (other[i][0] != sdkBuckets[i][0]) {
        differ++;
      }
    }
    assertThat(differ).isPositive();
  }
}
