package dev.qsim.spark;

import dev.ludovic.netlib.blas.BLAS;
import dev.qsim.DuplicateOptions;
import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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

  private static final int CORPUS_CHUNK = 1024;

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
    this.options = b.options;
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
    Queries queries = new Queries(embedded);
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
    Broadcast<Queries> broadcast = JavaSparkContexts.of(corpus).broadcast(queries);
    JavaRDD<Row> found =
        corpus
            .select(idColumn, questionColumn, embeddingColumn)
            .javaRDD()
            .mapPartitions(new PartitionSearch(spec, broadcast, k, decision));
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

  /** The new questions, broadcast to the executors. Immutable. */
  static final class Queries implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object[] ids;
    final String[] questions;
    final float[][] vectors;

    Queries(List<Row> rows) {
      ids = new Object[rows.size()];
      questions = new String[rows.size()];
      vectors = new float[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        ids[i] = r.get(0);
        questions[i] = r.getString(1);
        vectors[i] = floats(r.getAs(2));
      }
    }

    int size() {
      return ids.length;
    }
  }

  /** Compares one corpus partition with every new question. Immutable. */
  private static final class PartitionSearch
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final Broadcast<Queries> queries;
    private final int k;
    private final ResolvedDecision decision;

    PartitionSearch(ModelSpec spec, Broadcast<Queries> queries, int k, ResolvedDecision decision) {
      this.spec = spec;
      this.queries = queries;
      this.k = k;
      this.decision = decision;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> corpus) {
      Queries q = queries.value();
      OnnxQuestionSimilarity model = null;
      SimilarityFunction function = null;
      double threshold = 0;
      float floor = Float.NEGATIVE_INFINITY;
      int m = q.size();
      int d = q.vectors[0].length;
      float[] b = null;
      List<PriorityQueue<Candidate>> best = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        best.add(new PriorityQueue<>());
      }
      List<Row> chunk = new ArrayList<>(CORPUS_CHUNK);
      while (corpus.hasNext()) {
        chunk.clear();
        while (chunk.size() < CORPUS_CHUNK && corpus.hasNext()) {
          Row r = corpus.next();
          if (!r.isNullAt(2)) {
            chunk.add(r);
          }
        }
        if (chunk.isEmpty()) {
          continue;
        }
        if (model == null) {
          model = ExecutorModels.get(spec);
          function = model.similarityFunction();
          threshold = decision.candidateThreshold();
          floor =
              function == SimilarityFunction.EUCLIDEAN
                  ? Float.NEGATIVE_INFINITY
                  : (float) threshold - 1e-5f * Math.max(1f, Math.abs((float) threshold));
          b = Blocks.matrix(Arrays.asList(q.vectors), function);
        }
        List<float[]> vectors = new ArrayList<>(chunk.size());
        for (Row r : chunk) {
          float[] v = floats(r.getAs(2));
          if (v.length != d) {
            throw new IllegalArgumentException(
                "Corpus embedding of id "
                    + r.get(0)
                    + " has dimension "
                    + v.length
                    + " but the model's is "
                    + d
                    + ": embed the corpus with the same model");
          }
          vectors.add(v);
        }
        float[] a = Blocks.matrix(vectors, function);
        int na = chunk.size();
        float[] c = new float[na * m];
        BLAS.getInstance().sgemm("T", "N", na, m, d, 1f, a, d, b, d, 0f, c, na);
        for (int i = 0; i < na; i++) {
          for (int j = 0; j < m; j++) {
            if (c[i + j * na] < floor) {
              continue;
            }
            double similarity = function.compare(vectors.get(i), q.vectors[j]);
            if (similarity >= threshold) {
              PriorityQueue<Candidate> top = best.get(j);
              top.add(new Candidate(chunk.get(i), vectors.get(i), similarity));
              if (top.size() > k * 4) {
                top.poll();
              }
            }
          }
        }
      }
      return verify(model, q, best).iterator();
    }

    /** The verified candidates, at most {@code k} per new question. */
    private List<Row> verify(
        OnnxQuestionSimilarity model, Queries q, List<PriorityQueue<Candidate>> best) {
      List<Row> out = new ArrayList<>();
      if (model == null) {
        return out;
      }
      List<QuestionPair> pairs = new ArrayList<>();
      List<Embedding> first = new ArrayList<>();
      List<Embedding> second = new ArrayList<>();
      List<int[]> where = new ArrayList<>();
      List<Candidate> all = new ArrayList<>();
      for (int j = 0; j < best.size(); j++) {
        for (Candidate cand : best.get(j)) {
          pairs.add(new QuestionPair(q.questions[j], cand.row.getString(1)));
          first.add(Embedding.of(q.vectors[j]));
          second.add(Embedding.of(cand.vector));
          where.add(new int[] {j});
          all.add(cand);
        }
      }
      if (pairs.isEmpty()) {
        return out;
      }
      double[] similarities = new double[all.size()];
      for (int p = 0; p < similarities.length; p++) {
        similarities[p] = all.get(p).similarity;
      }
      double[] scores = decision.scores(model, pairs, first, second, similarities);
      for (int p = 0; p < scores.length; p++) {
        if (decision.accepts(scores[p])) {
          Candidate cand = all.get(p);
          out.add(
              RowFactory.create(
                  q.ids[where.get(p)[0]],
                  cand.row.get(0),
                  cand.row.getString(1),
                  cand.similarity,
                  scores[p]));
        }
      }
      return out;
    }
  }

  /** A corpus row that passed the candidate threshold; ordered worst first. */
  private record Candidate(Row row, float[] vector, double similarity)
      implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      return Double.compare(similarity, o.similarity);
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
     * threshold).
     *
     * @param threshold a finite similarity
     * @return this builder
     */
    public Builder optCandidateThreshold(double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("candidateThreshold must be finite, was " + threshold);
      }
      this.options = options.withCandidateThreshold(threshold);
      return this;
    }

    /**
     * The decision and its threshold, as for {@code findDuplicates} (default: the model's own at
     * its calibrated threshold). Only {@link DuplicateOptions#decision()}, {@link
     * DuplicateOptions#threshold()} and {@link DuplicateOptions#candidateThreshold()} apply.
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
