package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.onnx.VectorClusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds duplicate questions in a DataFrame on a Spark cluster, with the same decision and the same
 * grouping rule as the single-machine {@code QuestionSimilarity.findDuplicates}:
 *
 * <ol>
 *   <li>embed every question on the executors ({@link QuestionEmbedder});
 *   <li>candidates: questions are put in buckets (the {@code probes} nearest of k-means centroids
 *       trained on a sample), each bucket is cut into blocks of at most {@code blockRows} rows, and
 *       each pair of blocks (a tile) is compared exactly by a matrix product on an executor; pairs
 *       at or above the model's candidate threshold are kept. With {@code buckets = 1} every pair
 *       is compared (exact search);
 *   <li>verification, in the same task: the model's duplicate decision on each candidate;
 *   <li>grouping, on the driver, of the verified pairs by the SDK's own grouping function.
 * </ol>
 *
 * <p>Null, blank and unreadable questions ({@link dev.qsim.QuestionSimilarity#readability(List)})
 * are skipped and counted ({@link SparkDuplicates#skippedQuestions()}). A question's index (the
 * {@code first}/{@code second} of the SDK's pairs) is its position among the valid rows, in the
 * DataFrame's order.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class SparkDuplicateFinder {
  /** The SDK's order of pairs: score, highest first, then first, then second. */
  static final Comparator<DuplicatePair> PAIR_ORDER =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  private static final Logger LOG = LoggerFactory.getLogger(SparkDuplicateFinder.class);

  /** Default number of nearest buckets each question goes to. */
  public static final int DEFAULT_PROBES = 3;

  /** Default most rows of one block of a tile. */
  public static final int DEFAULT_BLOCK_ROWS = 4096;

  static final String VECTOR = "qsim_vector";

  /** Default questions per bucket when the bucket count is chosen from the input size. */
  public static final int DEFAULT_QUESTIONS_PER_BUCKET = 2000;

  private final String idColumn;
  private final String questionColumn;
  private final ModelSpec spec;
  private final int buckets;
  private final int probes;
  private final int blockRows;
  private final DuplicateOptions options;
  private final long seed;

  private SparkDuplicateFinder(Builder b) {
    this.idColumn = b.idColumn;
    this.questionColumn = b.questionColumn;
    this.spec = new ModelSpec(b.modelDirectory, b.batchSize, b.threadsPerTask);
    this.buckets = b.buckets;
    this.probes = b.probes;
    this.blockRows = b.blockRows;
    this.options = b.options;
    this.seed = b.seed;
  }

  /**
   * Starts configuring a finder: columns {@code id} and {@code question}, the bundled model,
   * buckets chosen by size.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the duplicates among the rows of {@code questions}.
   *
   * @param questions a DataFrame with the id column (any type, unique) and the question column
   *     (strings)
   * @return the verified pairs and the groups; close it to release the cached questions
   * @throws IllegalArgumentException if a column is missing or the question column is not strings,
   *     or if the options do not fit the model (as {@code findDuplicates} reports them)
   */
  public SparkDuplicates find(Dataset<Row> questions) {
    Objects.requireNonNull(questions, "questions");
    StructType schema = questions.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String c : List.of(idColumn, questionColumn)) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException("Column '" + c + "' does not exist; columns: " + names);
      }
    }
    if (!schema.apply(questionColumn).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "Question column '"
              + questionColumn
              + "' must hold strings, was "
              + schema.apply(questionColumn).dataType());
    }
    // The driver's model resolves the options exactly as findDuplicates does, and decides the
    // member pairs that grouping asks about. In local mode it is the executors' model too.
    OnnxQuestionSimilarity driverModel = ExecutorModels.get(spec);
    ResolvedDecision decision = ResolvedDecision.of(driverModel, options);

    SparkSession spark = questions.sparkSession();
    Dataset<Row> selected = questions.select(idColumn, questionColumn);
    // The SDK's text rules, as qsim dedupe applies them: null, blank and unreadable are skipped.
    JavaRDD<Row> valid = selected.javaRDD().mapPartitions(new ReadableRows(spec, 1));
    StructType indexedSchema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField(SparkDuplicates.INDEX, DataTypes.IntegerType, false),
              DataTypes.createStructField(
                  SparkDuplicates.ID, schema.apply(idColumn).dataType(), true),
              DataTypes.createStructField(SparkDuplicates.QUESTION, DataTypes.StringType, false)
            });
    JavaRDD<Row> withIndex =
        valid
            .zipWithIndex()
            .map(t -> RowFactory.create(Math.toIntExact(t._2()), t._1().get(0), t._1().get(1)));
    Dataset<Row> indexed =
        spark.createDataFrame(withIndex, indexedSchema).persist(StorageLevel.MEMORY_AND_DISK());
    long total = selected.count();
    int n = Math.toIntExact(indexed.count());
    if (n < 2) {
      return new SparkDuplicates(
          spark,
          indexed,
          total - n,
          Duplicates.none(n, decision.kind(), decision.threshold(), decision.candidateThreshold()));
    }

    Dataset<Row> embedded =
        new QuestionEmbedder()
            .setInputCol(SparkDuplicates.QUESTION)
            .setOutputCol(VECTOR)
            .setModelDirectory(spec.directory())
            .setBatchSize(spec.batchSize())
            .setThreadsPerTask(spec.threadsPerTask())
            .transform(indexed.select(SparkDuplicates.INDEX, SparkDuplicates.QUESTION))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      embedded.count();
      LOG.info("embedded {} questions in {} s", n, seconds(t0));
      Duplicates found = search(embedded, n, decision, driverModel);
      return new SparkDuplicates(spark, indexed, total - n, found);
    } finally {
      embedded.unpersist(false);
    }
  }

  /**
   * Candidates, verification and grouping over embedded questions ({@code qsim_index, question,
   * qsim_vector}, indices 0 to n - 1).
   */
  Duplicates search(
      Dataset<Row> embedded, int n, ResolvedDecision decision, OnnxQuestionSimilarity driverModel) {
    return finish(candidates(embedded, n, decision), embedded, n, decision, driverModel);
  }

  /** Verification and grouping of the {@link #candidates} (which it unpersists). */
  Duplicates finish(
      Dataset<Row> candidates,
      Dataset<Row> embedded,
      int n,
      ResolvedDecision decision,
      OnnxQuestionSimilarity driverModel) {
    long t0 = System.nanoTime();
    List<DuplicatePair> verified =
        VerifiedPairs.verified(candidates, decision, options.topKPerQuestion());
    long candidateCount = candidates.count();
    candidates.unpersist(false);
    LOG.info(
        "{} candidates, {} verified pairs after top-{} per question, in {} s",
        candidateCount,
        verified.size(),
        options.topKPerQuestion(),
        seconds(t0));
    verified.sort(PAIR_ORDER);
    boolean truncated = verified.size() > options.maxPairs();
    List<DuplicatePair> kept =
        truncated ? new ArrayList<>(verified.subList(0, options.maxPairs())) : verified;
    t0 = System.nanoTime();
    List<DuplicateGroup> groups = VerifiedPairs.group(embedded, kept, decision, driverModel);
    LOG.info("{} groups in {} s", groups.size(), seconds(t0));
    return new Duplicates(
        n,
        decision.kind(),
        decision.threshold(),
        decision.candidateThreshold(),
        candidateCount,
        kept,
        groups,
        truncated);
  }

  /** The model of this finder in this JVM, and the decision its options resolve to. */
  ResolvedDecision decision() {
    return ResolvedDecision.of(ExecutorModels.get(spec), options);
  }

  OnnxQuestionSimilarity model() {
    return ExecutorModels.get(spec);
  }

  /**
   * Every candidate pair (similarity at least the candidate threshold) with its similarity and
   * decision score: columns {@code first, second, similarity, score}; cached.
   */
  Dataset<Row> candidates(Dataset<Row> embedded, int n, ResolvedDecision decision) {
    return new TileCandidates(spec, options.search(), buckets, probes, blockRows, seed)
        .candidates(embedded, n, decision);
  }

  static String seconds(long start) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
  }

  /**
   * Configures a {@link SparkDuplicateFinder}. {@code set*} names the columns, {@code opt*} values
   * are optional. Not thread-safe.
   */
  public static final class Builder {
    private String idColumn = "id";
    private String questionColumn = "question";
    private String modelDirectory = "";
    private int batchSize = QuestionEmbedder.DEFAULT_BATCH_SIZE;
    private int threadsPerTask = 1;
    private int buckets;
    private int probes = DEFAULT_PROBES;
    private int blockRows = DEFAULT_BLOCK_ROWS;
    private DuplicateOptions options = DuplicateOptions.defaults();
    private long seed = VectorClusters.DEFAULT_SEED;

    private Builder() {}

    /**
     * The id column (default {@code "id"}); any type, one value per row.
     *
     * @param column the column name
     * @return this builder
     */
    public Builder setIdColumn(String column) {
      this.idColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /**
     * The question column (default {@code "question"}), strings.
     *
     * @param column the column name
     * @return this builder
     */
    public Builder setQuestionColumn(String column) {
      this.questionColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /**
     * The model directory, as {@link QuestionEmbedder#setModelDirectory(String)}; default the
     * bundled model.
     *
     * @param directory an absolute path every node can read, or a shipped name
     * @return this builder
     */
    public Builder optModelDirectory(String directory) {
      this.modelDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Questions per encoder call (default {@value QuestionEmbedder#DEFAULT_BATCH_SIZE}).
     *
     * @param size 1 to 1024
     * @return this builder
     */
    public Builder optBatchSize(int size) {
      new ModelSpec(modelDirectory, size, threadsPerTask);
      this.batchSize = size;
      return this;
    }

    /**
     * Encoder batches one task runs side by side (default 1).
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder optThreadsPerTask(int threads) {
      new ModelSpec(modelDirectory, batchSize, threads);
      this.threadsPerTask = threads;
      return this;
    }

    /**
     * How many k-means buckets the approximate search uses; {@code 0} (default) picks about one per
     * {@value #DEFAULT_QUESTIONS_PER_BUCKET} questions.
     *
     * @param count at least 0
     * @return this builder
     */
    public Builder optBuckets(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("buckets must be >= 0, was " + count);
      }
      this.buckets = count;
      return this;
    }

    /**
     * How many nearest buckets each question goes to (default {@value #DEFAULT_PROBES}): more finds
     * more pairs that straddle a bucket border, at more work.
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder optProbes(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("probes must be >= 1, was " + count);
      }
      this.probes = count;
      return this;
    }

    /**
     * The most rows of one block (default {@value #DEFAULT_BLOCK_ROWS}): a tile compares two
     * blocks, so a task holds two blocks of vectors.
     *
     * @param rows at least 16
     * @return this builder
     */
    public Builder optBlockRows(int rows) {
      if (rows < 16) {
        throw new IllegalArgumentException("blockRows must be >= 16, was " + rows);
      }
      this.blockRows = rows;
      return this;
    }

    /**
     * The SDK's duplicate options (default {@link DuplicateOptions#defaults()}), meaning exactly
     * what they mean to {@code findDuplicates}: decision, thresholds, search ({@code EXACT}
     * compares every pair, {@code APPROXIMATE} uses k-means buckets, {@code AUTO} picks by size as
     * the SDK does), candidates per question and the cap on pairs.
     *
     * @param value the options
     * @return this builder
     */
    public Builder optOptions(DuplicateOptions value) {
      this.options = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * The seed of the k-means sample and empty-cluster picks (default {@link
     * VectorClusters#DEFAULT_SEED}, the seed of {@code findDuplicates}: the same questions and
     * bucket count give the same buckets as the SDK's approximate search).
     *
     * @param value any
     * @return this builder
     */
    public Builder optSeed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Builds the finder; the model is loaded on the executors when {@link #find(Dataset)} runs.
     *
     * @return the finder
     */
    public SparkDuplicateFinder build() {
      return new SparkDuplicateFinder(this);
    }
  }
}
