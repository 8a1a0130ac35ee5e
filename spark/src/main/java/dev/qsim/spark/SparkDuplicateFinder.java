package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
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
import scala.Tuple2;

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
 * <p>Null and blank questions are skipped and counted ({@link SparkDuplicates#skippedQuestions()}).
 * A question's index (the {@code first}/{@code second} of the SDK's pairs) is its position among
 * the valid rows, in the DataFrame's order.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class SparkDuplicateFinder {
  private static final Logger LOG = LoggerFactory.getLogger(SparkDuplicateFinder.class);

  /** Default number of nearest buckets each question goes to. */
  public static final int DEFAULT_PROBES = 3;

  /** Default most rows of one block of a tile. */
  public static final int DEFAULT_BLOCK_ROWS = 2048;

  /** Default questions per bucket when the bucket count is chosen from the input size. */
  public static final int DEFAULT_QUESTIONS_PER_BUCKET = 2000;

  private final String idColumn;
  private final String questionColumn;
  private final ModelSpec spec;
  private final int buckets;
  private final int probes;
  private final int blockRows;
  private final Double candidateThreshold;
  private final long seed;

  private SparkDuplicateFinder(Builder b) {
    this.idColumn = b.idColumn;
    this.questionColumn = b.questionColumn;
    this.spec = new ModelSpec(b.modelDirectory, b.batchSize, b.threadsPerTask);
    this.buckets = b.buckets;
    this.probes = b.probes;
    this.blockRows = b.blockRows;
    this.candidateThreshold = b.candidateThreshold;
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
   * @throws IllegalArgumentException if a column is missing or the question column is not strings
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
    SparkSession spark = questions.sparkSession();
    Dataset<Row> selected = questions.select(idColumn, questionColumn);
    Dataset<Row> valid =
        selected.filter((FilterFunction<Row>) r -> !r.isNullAt(1) && !r.getString(1).isBlank());
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
            .javaRDD()
            .zipWithIndex()
            .map(t -> RowFactory.create(Math.toIntExact(t._2()), t._1().get(0), t._1().get(1)));
    Dataset<Row> indexed =
        spark.createDataFrame(withIndex, indexedSchema).persist(StorageLevel.MEMORY_AND_DISK());
    long total = selected.count();
    int n = Math.toIntExact(indexed.count());

    List<ScoredPair> verified;
    if (n < 2) {
      verified = List.of();
    } else {
      verified = search(indexed, n, false);
    }
    List<DuplicatePair> pairs = new ArrayList<>(verified.size());
    for (ScoredPair p : verified) {
      pairs.add(SdkGrouping.pair(p));
    }
    pairs.sort(SdkGrouping.PAIR_ORDER);
    List<DuplicateGroup> groups = SdkGrouping.group(n, pairs);
    return new SparkDuplicates(spark, indexed, n, total - n, pairs, groups);
  }

  /**
   * The candidate pairs with their similarity and decision score; with {@code keepRejected} also
   * those the decision rejects. For measuring the candidate search.
   */
  List<ScoredPair> search(Dataset<Row> indexed, int n, boolean keepRejected) {
    String vectorColumn = "qsim_vector";
    Dataset<Row> embedded =
        new QuestionEmbedder()
            .setInputCol(SparkDuplicates.QUESTION)
            .setOutputCol(vectorColumn)
            .setModelDirectory(spec.directory())
            .setBatchSize(spec.batchSize())
            .setThreadsPerTask(spec.threadsPerTask())
            .transform(indexed.select(SparkDuplicates.INDEX, SparkDuplicates.QUESTION))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      embedded.count();
      LOG.info("qsim-spark: embedded {} questions in {} s", n, seconds(t0));
      t0 = System.nanoTime();
      int k =
          buckets > 0
              ? buckets
              : Math.max(1, (int) Math.round((double) n / DEFAULT_QUESTIONS_PER_BUCKET));
      CandidateBuckets bucketing =
          CandidateBuckets.train(
              embedded, vectorColumn, n, k, probes, Math.max(20 * k, 10_000), seed);
      JavaRDD<BucketEntry> entries =
          embedded
              .javaRDD()
              .map(
                  r -> {
                    float[] v = toFloats(r.getAs(2));
                    return new BucketEntry(r.getInt(0), r.getString(1), v, bucketing.assign(v), 0);
                  })
              .persist(StorageLevel.MEMORY_AND_DISK());
      LOG.info("qsim-spark: {} buckets trained in {} s", bucketing.count(), seconds(t0));
      t0 = System.nanoTime();
      Map<Integer, Long> sizes =
          entries.flatMap(e -> Arrays.stream(e.buckets()).boxed().iterator()).countByValue();
      int[] blocks = new int[bucketing.count()];
      int tiles = 0;
      for (int b = 0; b < blocks.length; b++) {
        long size = sizes.getOrDefault(b, 0L);
        blocks[b] = (int) Math.max(1, (size + blockRows - 1) / blockRows);
        tiles += blocks[b] * (blocks[b] + 1) / 2;
      }
      Broadcast<int[]> blocksPerBucket = JavaSparkContexts.of(indexed).broadcast(blocks);
      JavaPairRDD<TileKey, BucketEntry> toTiles =
          entries.flatMapToPair(
              e -> {
                List<Tuple2<TileKey, BucketEntry>> out = new ArrayList<>();
                int[] bb = blocksPerBucket.value();
                for (int bucket : e.buckets()) {
                  int count = bb[bucket];
                  int x = Math.floorMod(mix(e.index(), bucket), count);
                  BucketEntry placed =
                      new BucketEntry(e.index(), e.question(), e.vector(), e.buckets(), x);
                  for (int y = 0; y < count; y++) {
                    out.add(
                        new Tuple2<>(new TileKey(bucket, Math.min(x, y), Math.max(x, y)), placed));
                  }
                }
                return out.iterator();
              });
      int partitions = Math.max(1, Math.min(tiles, 100_000));
      List<ScoredPair> found =
          toTiles
              .groupByKey(new HashPartitioner(partitions))
              .flatMap(new TileSearch(spec, candidateThreshold, keepRejected))
              .collect();
      LOG.info(
          "qsim-spark: {} tiles searched and verified in {} s: {} pairs",
          tiles,
          seconds(t0),
          found.size());
      entries.unpersist(false);
      blocksPerBucket.destroy();
      return new ArrayList<>(found);
    } finally {
      embedded.unpersist(false);
    }
  }

  private static String seconds(long start) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
  }

  private static int mix(int index, int bucket) {
    int h = index * 0x9E3779B1 + bucket * 0x85EBCA77;
    return h ^ (h >>> 15);
  }

  private static float[] toFloats(Vector v) {
    double[] d = v.toArray();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
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
    private Double candidateThreshold;
    private long seed = 42;

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
      if (size < 1 || size > 1024) {
        throw new IllegalArgumentException("batchSize must be in [1, 1024], was " + size);
      }
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
      if (threads < 1) {
        throw new IllegalArgumentException("threadsPerTask must be >= 1, was " + threads);
      }
      this.threadsPerTask = threads;
      return this;
    }

    /**
     * How many k-means buckets the candidate search uses: {@code 1} compares every pair (exact);
     * {@code 0} (default) picks about one per {@value #DEFAULT_QUESTIONS_PER_BUCKET} questions.
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
     * The similarity a pair must reach to be verified (default: the model's candidate threshold).
     *
     * @param threshold a finite similarity
     * @return this builder
     */
    public Builder optCandidateThreshold(double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("candidateThreshold must be finite, was " + threshold);
      }
      this.candidateThreshold = threshold;
      return this;
    }

    /**
     * The seed of the k-means sample and initialisation (default 42).
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
