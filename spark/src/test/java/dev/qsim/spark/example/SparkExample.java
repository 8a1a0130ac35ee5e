package dev.qsim.spark.example;

import dev.qsim.DuplicateOptions;
import dev.qsim.spark.QuestionEmbedder;
import dev.qsim.spark.QuestionMatcher;
import dev.qsim.spark.SparkDuplicateFinder;
import dev.qsim.spark.SparkDuplicates;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The three uses of qsim-spark on a handful of questions, in local mode: embed a column, find the
 * duplicate groups, ask whether new questions were asked before. Run it with the Java 17 {@code
 * --add-opens} flags of docs/spark.md. Not thread-safe (a program).
 */
public final class SparkExample {
  private SparkExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder().master("local[2]").appName("qsim-spark-example").getOrCreate();
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("question", DataTypes.StringType);
    Dataset<Row> questions =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1L, "How do I learn Java quickly?"),
                RowFactory.create(2L, "What is the fastest way to learn Java?"),
                RowFactory.create(3L, "How do I bake sourdough bread?"),
                RowFactory.create(4L, "What is the best way to learn Java fast?"),
                RowFactory.create(5L, "How can I make sourdough bread at home?")),
            schema);

    // 1. A vector per question (a Spark ML stage: it fits in a Pipeline and saves like one).
    Dataset<Row> corpus = new QuestionEmbedder().transform(questions).cache();
    corpus.select("id", "embedding").show(false);

    // 2. Duplicate groups, decided and grouped as QuestionSimilarity.findDuplicates does.
    try (SparkDuplicates found =
        SparkDuplicateFinder.builder()
            .optOptions(DuplicateOptions.defaults())
            .build()
            .find(questions)) {
      found.groups().show(false);
    }

    // 3. Were these asked before?
    Dataset<Row> incoming =
        spark.createDataFrame(
            List.of(
                RowFactory.create(100L, "Which is the quickest way to learn Java?"),
                RowFactory.create(101L, "How tall is Mount Everest?")),
            schema);
    QuestionMatcher.builder().optK(3).build().match(incoming, corpus).show(false);
    spark.stop();
  }
}
