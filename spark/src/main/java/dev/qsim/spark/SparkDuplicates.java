package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link SparkDuplicateFinder#find(Dataset)} found: the verified pairs and the groups, both as
 * the SDK's values (indices into the valid rows) and as DataFrames keyed by the input's ids.
 *
 * <ul>
 *   <li>{@link #pairs()}: {@code first_id, second_id, similarity, score}, best score first;
 *   <li>{@link #groups()}: {@code id, group, representative, score}, one row per member; {@code
 *       group} numbers the groups from 1 in the SDK's order (largest first), {@code representative}
 *       is the id of the question the group is built around, and {@code score} the member's
 *       decision score with it (null on the representative's own row).
 * </ul>
 *
 * <p>Holds the indexed questions cached in Spark until {@link #close()}. Thread-safe for reading;
 * do not close while another thread still uses the DataFrames.
 */
public final class SparkDuplicates implements AutoCloseable {
  /** Pairs by question index: {@code first, second, similarity, score}. */
  static final StructType PAIR_SCHEMA =
      new StructType()
          .add("first", DataTypes.IntegerType, false)
          .add("second", DataTypes.IntegerType, false)
          .add("similarity", DataTypes.DoubleType, false)
          .add("score", DataTypes.DoubleType, false);

  static final String INDEX = "qsim_index";
  static final String ID = "id";
  static final String QUESTION = "question";

  private final SparkSession spark;
  private final Dataset<Row> indexed;
  private final long skipped;
  private final Duplicates result;
  private final List<DuplicatePair> pairs;
  private final List<DuplicateGroup> groups;

  SparkDuplicates(SparkSession spark, Dataset<Row> indexed, long skipped, Duplicates result) {
    this.spark = spark;
    this.indexed = indexed;
    this.skipped = skipped;
    this.result = result;
    this.pairs = result.pairs();
    this.groups = result.groups();
  }

  /**
   * The result as the SDK's {@code findDuplicates} returns it: decision, thresholds, candidate
   * count, pairs and groups over the indices of the valid rows.
   *
   * @return the SDK value
   */
  public Duplicates duplicates() {
    return result;
  }

  /**
   * How many questions were searched: the rows with a non-blank question.
   *
   * @return the valid rows
   */
  public int questionCount() {
    return result.questionCount();
  }

  /**
   * How many rows had a null or blank question and were skipped.
   *
   * @return the skipped rows
   */
  public long skippedQuestions() {
    return skipped;
  }

  /**
   * The verified pairs as the SDK returns them: indices into the valid rows in input order, best
   * score first.
   *
   * @return the pairs
   */
  public List<DuplicatePair> duplicatePairs() {
    return pairs;
  }

  /**
   * The groups as the SDK's grouping function returns them, over the same indices.
   *
   * @return the groups, largest first
   */
  public List<DuplicateGroup> duplicateGroups() {
    return groups;
  }

  /**
   * The valid questions with their index: columns {@code qsim_index, id, question}.
   *
   * @return the cached, indexed questions
   */
  public Dataset<Row> questions() {
    return indexed;
  }

  /**
   * The verified pairs by id: {@code first_id, second_id, similarity, score}, best score first.
   *
   * @return a DataFrame
   */
  public Dataset<Row> pairs() {
    List<Row> rows = new ArrayList<>(pairs.size());
    for (DuplicatePair p : pairs) {
      rows.add(RowFactory.create(p.first(), p.second(), p.similarity(), p.score()));
    }
    Dataset<Row> byIndex = spark.createDataFrame(rows, PAIR_SCHEMA);
    Dataset<Row> ids = indexed.select(INDEX, ID);
    return byIndex
        .join(ids.withColumnRenamed(ID, "first_id"), byIndex.col("first").equalTo(ids.col(INDEX)))
        .drop(INDEX)
        .join(
            ids.withColumnRenamed(ID, "second_id"), functions.col("second").equalTo(ids.col(INDEX)))
        .orderBy(functions.col("score").desc(), functions.col("first"), functions.col("second"))
        .select("first_id", "second_id", "similarity", "score");
  }

  /**
   * One row per grouped question: {@code id, group, representative, score}.
   *
   * @return a DataFrame ordered by group, then representative first, then index
   */
  public Dataset<Row> groups() {
    List<Row> rows = new ArrayList<>();
    int number = 0;
    for (DuplicateGroup g : groups) {
      number++;
      int representative = g.representative();
      for (int member : g.members()) {
        Double score = member == representative ? null : g.pairOf(member).score();
        rows.add(RowFactory.create(member, number, representative, score));
      }
    }
    StructType schema =
        new StructType()
            .add("member", DataTypes.IntegerType, false)
            .add("group", DataTypes.IntegerType, false)
            .add("rep", DataTypes.IntegerType, false)
            .add("score", DataTypes.DoubleType, true);
    Dataset<Row> byIndex = spark.createDataFrame(rows, schema);
    Dataset<Row> ids = indexed.select(INDEX, ID);
    Dataset<Row> reps =
        ids.withColumnRenamed(INDEX, "rep_index").withColumnRenamed(ID, "representative");
    return byIndex
        .join(ids, byIndex.col("member").equalTo(ids.col(INDEX)))
        .join(reps, functions.col("rep").equalTo(reps.col("rep_index")))
        .orderBy(
            functions.col("group"),
            functions.col("member").equalTo(functions.col("rep")).desc(),
            functions.col("member"))
        .select(ID, "group", "representative", "score");
  }

  /**
   * Writes {@code DIR/pairs} and {@code DIR/groups} with Spark's writer.
   *
   * @param directory the output directory (local path or any Hadoop file system URI); it must not
   *     hold {@code pairs} or {@code groups} yet
   * @param format {@code "parquet"} or {@code "json"} (JSON Lines)
   */
  public void write(String directory, String format) {
    Objects.requireNonNull(directory, "directory");
    if (!format.equals("parquet") && !format.equals("json")) {
      throw new IllegalArgumentException(
          "format must be 'parquet' or 'json', was '" + format + "'");
    }
    pairs().write().mode(SaveMode.ErrorIfExists).format(format).save(directory + "/pairs");
    groups().write().mode(SaveMode.ErrorIfExists).format(format).save(directory + "/groups");
  }

  /** Releases the cached questions. Idempotent. */
  @Override
  public void close() {
    indexed.unpersist(false);
  }
}
