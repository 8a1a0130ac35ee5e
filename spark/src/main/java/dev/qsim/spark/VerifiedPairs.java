package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import scala.collection.JavaConverters;

/**
 * The verification and grouping stages of {@link SparkDuplicateFinder}: the scored candidates that
 * {@code findDuplicates} keeps (top-k per question, decision threshold), and their groups by the
 * SDK's own grouping, on the driver.
 *
 * <p>Stateless and thread-safe.
 */
final class VerifiedPairs {
  private VerifiedPairs() {}

  /**
   * The candidates that findDuplicates verifies and keeps: among each question's {@code
   * topKPerQuestion} most similar candidates (ties by the lower index), or its partner's, with a
   * decision score at or above the threshold.
   */
  static List<DuplicatePair> verified(
      Dataset<Row> candidates, ResolvedDecision decision, int topKPerQuestion) {
    Column first = functions.col("first");
    Column second = functions.col("second");
    Dataset<Row> sides =
        candidates
            .select(first.as("q"), second.as("other"), functions.col("similarity"))
            .union(
                candidates.select(second.as("q"), first.as("other"), functions.col("similarity")));
    Dataset<Row> top =
        sides
            .withColumn(
                "rank",
                functions
                    .row_number()
                    .over(
                        Window.partitionBy("q")
                            .orderBy(functions.col("similarity").desc(), functions.col("other"))))
            .filter(functions.col("rank").leq(topKPerQuestion))
            .select(
                functions.least(functions.col("q"), functions.col("other")).as("first"),
                functions.greatest(functions.col("q"), functions.col("other")).as("second"))
            .distinct();
    List<Row> rows =
        candidates
            .filter(functions.col("score").geq(decision.threshold()))
            .join(
                top, JavaConverters.asScalaBuffer(List.of("first", "second")).toSeq(), "left_semi")
            .collectAsList();
    List<DuplicatePair> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new DuplicatePair(r.getInt(0), r.getInt(1), r.getDouble(2), r.getDouble(3)));
    }
    return out;
  }

  /**
   * Groups the verified pairs with the SDK's {@link DuplicateGrouping}, on the driver. Grouping
   * asks the decision about member pairs that are not among the verified pairs; their vectors (only
   * those of questions in a verified pair) are collected for it.
   */
  static List<DuplicateGroup> group(
      Dataset<Row> embedded,
      List<DuplicatePair> kept,
      ResolvedDecision decision,
      OnnxQuestionSimilarity model) {
    Set<Integer> involved = new HashSet<>();
    for (DuplicatePair p : kept) {
      involved.add(p.first());
      involved.add(p.second());
    }
    Broadcast<Set<Integer>> wanted = JavaSparkContexts.of(embedded).broadcast(involved);
    Map<Integer, Embedding> vectors = new HashMap<>();
    Map<Integer, String> texts = new HashMap<>();
    for (Row r :
        embedded
            .filter((FilterFunction<Row>) r -> wanted.value().contains(r.getInt(0)))
            .collectAsList()) {
      vectors.put(r.getInt(0), Embedding.of(QuestionMatcher.floats(r.getAs(2))));
      texts.put(r.getInt(0), r.getString(1));
    }
    wanted.destroy();
    SimilarityFunction function = model.similarityFunction();
    return DuplicateGrouping.group(
        kept,
        (a, b) -> {
          int first = Math.min(a, b);
          int second = Math.max(a, b);
          Embedding u = vectors.get(first);
          Embedding v = vectors.get(second);
          double similarity = u.similarity(v, function);
          double[] score =
              decision.scores(
                  model,
                  List.of(new QuestionPair(texts.get(first), texts.get(second))),
                  List.of(u),
                  List.of(v),
                  new double[] {similarity});
          return decision.accepts(score[0])
              ? new DuplicatePair(first, second, similarity, score[0])
              : null;
        });
  }
}
