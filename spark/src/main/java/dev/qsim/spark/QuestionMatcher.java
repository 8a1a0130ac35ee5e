package dev.qsim.spark;

import dev.qsim.DuplicateOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * "Has this been asked before?" for a batch of new questions against a corpus that was embedded
 * once with {@link QuestionEmbedder}: every new question is compared with every corpus question on
 * the executors (a matrix product per block of corpus rows), candidates at or above the model's
 * candidate threshold are verified with the model's duplicate decision, and each new question gets
 * its best {@code k} verified matches.
 *
 * <pre>{@code
 * Dataset<Row> corpus = new QuestionEmbedder().transform(oldQuestions).cache(); // id, question, embedding
 * Dataset<Row> matches = QuestionMatcher.builder().build().match(newQuestions, corpus);
 * }</pre>
 *
 * <p>The new questions are embedded on the executors, then collected and broadcast: a batch is
 * meant to fit in the driver's and each executor's memory (100,000 questions of 384 dimensions take
 * about 150 MB); match larger sets in several batches. Null and blank new questions are skipped.
 * The corpus must have been embedded with the same model.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class QuestionMatcher {
  /** Default number of matches per new question. */
  public static final int DEFAULT_K = 5;

  private final ModelSpec spec;
  private final String idColumn;
  private final String questionColumn;
  private final String embeddingColumn;
  private final int k;
  private final DuplicateOptions options;

  private QuestionMatcher(Builder b) {
    this.spec = new ModelSpec(b.modelDirectory, b.batchSize, b.threadsPerTask);
    this.idColumn = b.idColumn;
    this.questionColumn = b.questionColumn;
    this.embeddingColumn = b.embeddingColumn;
    this.k = b.k;
    this.options =
        Double.isNaN(b.candidateThreshold)
            ? b.options
            : b.options.withCandidateThreshold(b.candidateThreshold);
  }

  /** The options this matcher resolves against the model (for tests). */
  DuplicateOptions options() {
    return options;
  }

  /**
   * Starts configuring a matcher: columns {@code id}, {@code question}, {@code embedding}, the
   * bundled model, {@value #DEFAULT_K} matches per question.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The verified matches of each new question in the corpus.
   *
   * @param newQuestions the id and question columns
   * @param corpus the id, question and embedding columns ({@link QuestionEmbedder}'s output)
   * @return {@code new_id, id, question, similarity, score, rank}: per new question, its verified
   *     matches by decision score, best first ({@code rank} from 1), at most {@code k}; new
   *     questions without a match have no row
   */
  public Dataset<Row> match(Dataset<Row> newQuestions, Dataset<Row> corpus) {
    Objects.requireNonNull(newQuestions, "newQuestions");
    Objects.requireNonNull(corpus, "corpus");
    requireColumns(newQuestions, "newQuestions", idColumn, questionColumn);
    requireColumns(corpus, "corpus", idColumn, questionColumn, embeddingColumn);
    // The SDK's text rules: null, blank and unreadable new questions have no match.
    Dataset<Row> selected = newQuestions.select(idColumn, questionColumn);
    Dataset<Row> valid =
        newQuestions
            .sparkSession()
            .createDataFrame(
                selected.javaRDD().mapPartitions(new ReadableRows(spec, 1)), selected.schema());
    List<Row> embedded =
        new QuestionEmbedder()
            .setInputCol(questionColumn)
            .setOutputCol("qsim_new_vector")
            .setModelDirectory(spec.directory())
            .setBatchSize(spec.batchSize())
            .setThreadsPerTask(spec.threadsPerTask())
            .transform(valid)
            .collectAsList();
    CorpusSearch.Queries queries = new CorpusSearch.Queries(embedded);
    ResolvedDecision decision = ResolvedDecision.of(ExecutorModels.get(spec), options);
    StructType schema =
        new StructType()
            .add("new_id", newQuestions.schema().apply(idColumn).dataType(), true)
            .add("id", corpus.schema().apply(idColumn).dataType(), true)
            .add("question", DataTypes.StringType, true)
            .add("similarity", DataTypes.DoubleType, false)
            .add("score", DataTypes.DoubleType, false);
    if (queries.size() == 0) {
      return newQuestions
          .sparkSession()
          .createDataFrame(List.of(), schema.add("rank", DataTypes.IntegerType));
    }
    Broadcast<CorpusSearch.Queries> broadcast = JavaSparkContexts.of(corpus).broadcast(queries);
    JavaRDD<Row> found =
        corpus
            .select(idColumn, questionColumn, embeddingColumn)
            .javaRDD()
            .mapPartitions(new CorpusSearch(spec, broadcast, k, decision));
    Dataset<Row> matches = corpus.sparkSession().createDataFrame(found, schema);
    return matches
        .withColumn(
            "rank",
            functions
                .row_number()
                .over(
                    Window.partitionBy("new_id")
                        .orderBy(
                            functions.col("score").desc(), functions.col("similarity").desc())))
        .filter(functions.col("rank").leq(k))
        .orderBy(functions.col("new_id"), functions.col("rank"));
  }

  private static void requireColumns(Dataset<Row> df, String what, String... columns) {
    List<String> names = Arrays.asList(df.schema().fieldNames());
    for (String c : columns) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException(
            "Column '" + c + "' does not exist in " + what + "; columns: " + names);
      }
    }
  }

  static float[] floats(Vector v) {
    double[] values = v.toArray();
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  /** Configures a {@link QuestionMatcher}; all values are optional. Not thread-safe. */
  public static final class Builder {
    private String modelDirectory = "";
    private int batchSize = QuestionEmbedder.DEFAULT_BATCH_SIZE;
    private int threadsPerTask = 1;
    private String idColumn = "id";
    private String questionColumn = "question";
    private String embeddingColumn = "embedding";
    private int k = DEFAULT_K;
    private DuplicateOptions options = DuplicateOptions.defaults();

    /** {@link #optCandidateThreshold}'s value, or NaN: applied over {@link #optOptions}'s. */
    private double candidateThreshold = Double.NaN;

    private Builder() {}

    /**
     * The model directory (default the bundled model); the corpus must have been embedded with it.
     *
     * @param directory as {@link QuestionEmbedder#setModelDirectory(String)}
     * @return this builder
     */
    public Builder optModelDirectory(String directory) {
      this.modelDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Questions per encoder call for the new questions.
     *
     * @param size 1 to 1024
     * @return this builder
     */
    public Builder optBatchSize(int size) {
      this.batchSize = size;
      new ModelSpec(modelDirectory, size, threadsPerTask);
      return this;
    }

    /**
     * Encoder batches one task runs side by side.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder optThreadsPerTask(int threads) {
      this.threadsPerTask = threads;
      new ModelSpec(modelDirectory, batchSize, threads);
      return this;
    }

    /**
     * The id and question columns of both DataFrames (default {@code id}, {@code question}).
     *
     * @param id the id column
     * @param question the question column
     * @return this builder
     */
    public Builder optColumns(String id, String question) {
      this.idColumn = Objects.requireNonNull(id, "id");
      this.questionColumn = Objects.requireNonNull(question, "question");
      return this;
    }

    /**
     * The corpus's vector column (default {@code embedding}, {@link QuestionEmbedder}'s default).
     *
     * @param column the column name
     * @return this builder
     */
    public Builder optEmbeddingColumn(String column) {
      this.embeddingColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /**
     * The most matches per new question (default {@value QuestionMatcher#DEFAULT_K}).
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder optK(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("k must be >= 1, was " + value);
      }
      this.k = value;
      return this;
    }

    /**
     * The similarity a corpus question must reach to be verified (default: the model's candidate
     * threshold). It wins over the candidate threshold of {@link #optOptions}, whichever is called
     * first.
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
     * The decision and its threshold, as for {@code findDuplicates} (default: the model's own at
     * its calibrated threshold). Only {@link DuplicateOptions#decision()}, {@link
     * DuplicateOptions#threshold()} and {@link DuplicateOptions#candidateThreshold()} apply (the
     * last unless {@link #optCandidateThreshold} is set, in either order).
     *
     * @param value the options
     * @return this builder
     */
    public Builder optOptions(DuplicateOptions value) {
      this.options = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Builds the matcher.
     *
     * @return the matcher
     */
    public QuestionMatcher build() {
      return new QuestionMatcher(this);
    }
  }
}
