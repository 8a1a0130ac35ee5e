package dev.qsim.spark;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measurements for the closing note, run by hand (not a test):
 *
 * <pre>
 * java $SPARK_FLAGS -cp ... dev.qsim.spark.SparkBenchmark throughput 20000
 * </pre>
 */
public final class SparkBenchmark {
  private SparkBenchmark() {}

  public static void main(String[] args) {
    String what = args[0];
    int n = Integer.parseInt(args[1]);
    SparkSession spark = SharedSpark.session();
    List<String> questions = TestQuestions.corpus(n);
    switch (what) {
      case "throughput":
        throughput(spark, questions);
        break;
      default:
        throw new IllegalArgumentException(what);
    }
    spark.stop();
  }

  /** The SDK and the Spark transformer on the same questions, same batch size, one JVM. */
  static void throughput(SparkSession spark, List<String> questions) {
    int partitions = Integer.getInteger("partitions", 2);
    QuestionEmbedder embedder = new QuestionEmbedder();
    Dataset<Row> df =
        spark.createDataset(questions, Encoders.STRING()).toDF("question").repartition(partitions);
    df.cache().count();
    try (OnnxQuestionSimilarity sdk =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
            .optBatchSize(QuestionEmbedder.DEFAULT_BATCH_SIZE)
            .optThreads(2)
            .build()) {
      // Warm up both: load the executor's model and run a few batches each.
      sdk.embedAll(questions.subList(0, 200));
      embedder.transform(df.limit(200)).write().format("noop").mode("overwrite").save();
      for (int round = 1; round <= Integer.getInteger("rounds", 1); round++) {
        long t0 = System.nanoTime();
        sdk.embedAll(questions);
        double sdkSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        embedder.transform(df).write().format("noop").mode("overwrite").save();
        double sparkSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "round %d: %,d questions: SDK %.1f s (%.1f q/s), Spark local[2] %d partitions %.1f s"
                + " (%.1f q/s); Spark/SDK time %.3f (overhead %+.1f%%)%n",
            round,
            questions.size(),
            sdkSeconds,
            questions.size() / sdkSeconds,
            partitions,
            sparkSeconds,
            questions.size() / sparkSeconds,
            sparkSeconds / sdkSeconds,
            100 * (sparkSeconds / sdkSeconds - 1));
      }
    }
  }
}
