package dev.qsim.spark;

import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkDuplicateFinderTest {
  static Dataset<Row> frame(List<String> questions) {
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      rows.add(RowFactory.create((long) i + 1, questions.get(i)));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("question", DataTypes.StringType);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  @Test
  void smoke() {
    List<String> questions = TestQuestions.quoraDev(2000);
    long t0 = System.nanoTime();
    try (SparkDuplicates found =
        SparkDuplicateFinder.builder().optBuckets(4).optProbes(2).build().find(frame(questions))) {
      System.out.println(
          "pairs "
              + found.duplicatePairs().size()
              + " groups "
              + found.duplicateGroups().size()
              + " in "
              + (System.nanoTime() - t0) / 1e9);
      found.pairs().show(5);
      found.questions().show(3);
      found.groups().show(5);
      for (DuplicatePair p : found.duplicatePairs().subList(0, 3)) {
        System.out.println(questions.get(p.first()) + " | " + questions.get(p.second()));
      }
    }
  }
}
