package dev.qsim.spark;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that embeds a column of questions into a column of vectors with a
 * qsim model: the bundled all-MiniLM-L6-v2 by default, or a model directory.
 *
 * <pre>{@code
 * QuestionEmbedder embedder = new QuestionEmbedder().setInputCol("question").setOutputCol("vector");
 * Dataset<Row> embedded = embedder.transform(questions);
 * }</pre>
 *
 * <p>Each executor JVM loads the model once, on the first task that needs it, and shares it with
 * all its tasks; it is closed when the JVM exits. Tasks embed their partition in chunks of {@code
 * batchSize × threadsPerTask × 128} rows, never one row at a time. The vectors are the SDK's {@link
 * OnnxQuestionSimilarity#embedAll(java.util.List)} vectors, as doubles.
 *
 * <p><b>Invalid questions</b> (null, blank: no visible character, or unreadable: all or nearly all
 * words unknown to the model, by the SDK's {@link
 * dev.qsim.QuestionSimilarity#readability(java.util.List)}) follow {@link #handleInvalid()}: {@code
 * "error"} (default) fails the task with a message naming the column and partition, {@code "skip"}
 * drops the row, {@code "keep"} keeps it with a null vector.
 *
 * <p>Saved and loaded like Spark's own stages ({@link #save(String)}, {@link #load(String)}), so it
 * can be a {@code Pipeline} stage. The model directory is saved as a path, not copied.
 *
 * <p>Thread safety: as Spark's own stages, a configured instance may be used by several threads to
 * transform; setting params while another thread transforms is not safe.
 */
public final class QuestionEmbedder extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The {@link #handleInvalid()} values. */
  static final String[] INVALID_POLICIES = {"error", "skip", "keep"};

  /** Rows per encoder call, per batch of the encoder and per thread of a task. */
  static final int BATCHES_PER_CALL = 128;

  /** This stage's unique id ({@link #uid()}). */
  private final String uid;

  /** See {@link #inputCol()}. */
  private final Param<String> inputCol;

  /** See {@link #outputCol()}. */
  private final Param<String> outputCol;

  /** See {@link #modelDirectory()}. */
  private final Param<String> modelDirectory;

  /** See {@link #batchSize()}. */
  private final IntParam batchSize;

  /** See {@link #threadsPerTask()}. */
  private final IntParam threadsPerTask;

  /** See {@link #handleInvalid()}. */
  private final Param<String> handleInvalid;

  /** A transformer with a random uid and the default params. */
  public QuestionEmbedder() {
    this(Identifiable$.MODULE$.randomUID("questionEmbedder"));
  }

  /**
   * A transformer with the given uid (Spark's readers call this).
   *
   * @param uid the stage's unique id
   */
  public QuestionEmbedder(String uid) {
    this.uid = uid;
    this.inputCol = new Param<>(this, "inputCol", "column of questions (strings)");
    this.outputCol = new Param<>(this, "outputCol", "column of embeddings (vectors) to add");
    this.modelDirectory =
        new Param<>(
            this,
            "modelDirectory",
            "a bundled model (default, base or cascade; empty: default) or a qsim model"
                + " directory: an absolute path every node can read, or a name shipped with"
                + " SparkContext.addFile(dir, true) or --archives. A bundled name that is also a"
                + " shipped or local directory is refused as ambiguous (give ./NAME for it)");
    this.batchSize =
        new IntParam(
            this,
            "batchSize",
            "questions per encoder call, 1 to 1024",
            ParamValidators.inRange(1, 1024));
    this.threadsPerTask =
        new IntParam(
            this,
            "threadsPerTask",
            "encoder batches one task runs side by side (Spark already runs one task per core)",
            ParamValidators.gtEq(1));
    this.handleInvalid =
        new Param<>(
            this,
            "handleInvalid",
            "what to do with a null or blank question: error, skip (drop the row) or keep (null"
                + " vector)",
            ParamValidators.inArray(INVALID_POLICIES));
    setDefault(inputCol, "question");
    setDefault(outputCol, "embedding");
    setDefault(modelDirectory, "");
    setDefault(batchSize, DEFAULT_BATCH_SIZE);
    setDefault(threadsPerTask, 1);
    setDefault(handleInvalid, "error");
  }

  /** Default {@link #batchSize()}: the SDK's. */
  public static final int DEFAULT_BATCH_SIZE = OnnxQuestionSimilarity.DEFAULT_BATCH_SIZE;

  @Override
  public String uid() {
    return uid;
  }

  /**
   * The column of questions; default {@code "question"}.
   *
   * @return the param
   */
  public Param<String> inputCol() {
    return inputCol;
  }

  /**
   * The vector column added; default {@code "embedding"}.
   *
   * @return the param
   */
  public Param<String> outputCol() {
    return outputCol;
  }

  /**
   * The model directory; default {@code ""}, the bundled model.
   *
   * @return the param
   */
  public Param<String> modelDirectory() {
    return modelDirectory;
  }

  /**
   * Questions per encoder call; default {@value #DEFAULT_BATCH_SIZE}.
   *
   * @return the param
   */
  public IntParam batchSize() {
    return batchSize;
  }

  /**
   * Encoder batches one task runs side by side; default 1, as Spark runs a task per core.
   *
   * @return the param
   */
  public IntParam threadsPerTask() {
    return threadsPerTask;
  }

  /**
   * What to do with null, blank or unreadable questions: {@code "error"} (default), {@code "skip"}
   * or {@code "keep"}.
   *
   * @return the param
   */
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  /**
   * Sets {@link #inputCol()}.
   *
   * @param value the column name
   * @return this
   */
  public QuestionEmbedder setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  /**
   * Sets {@link #outputCol()}.
   *
   * @param value the column name
   * @return this
   */
  public QuestionEmbedder setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  /**
   * Sets {@link #modelDirectory()}.
   *
   * @param value {@code default}, {@code base}, {@code cascade} ({@code ""}: {@code default}), or a
   *     directory path or shipped name
   * @return this
   */
  public QuestionEmbedder setModelDirectory(String value) {
    set(modelDirectory, value);
    return this;
  }

  /**
   * Sets {@link #batchSize()}.
   *
   * @param value 1 to 1024
   * @return this
   */
  public QuestionEmbedder setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  /**
   * Sets {@link #threadsPerTask()}.
   *
   * @param value at least 1
   * @return this
   */
  public QuestionEmbedder setThreadsPerTask(int value) {
    set(threadsPerTask, value);
    return this;
  }

  /**
   * Sets {@link #handleInvalid()}.
   *
   * @param value {@code "error"}, {@code "skip"} or {@code "keep"}
   * @return this
   */
  public QuestionEmbedder setHandleInvalid(String value) {
    set(handleInvalid, value);
    return this;
  }

  /** The model this stage's params name. */
  ModelSpec modelSpec() {
    return new ModelSpec($(modelDirectory), (Integer) $(batchSize), (Integer) $(threadsPerTask));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    int column = dataset.schema().fieldIndex($(inputCol));
    ModelSpec spec = modelSpec();
    EmbeddingPartitions embed =
        new EmbeddingPartitions(
            spec,
            column,
            $(inputCol),
            $(handleInvalid),
            spec.batchSize() * spec.threadsPerTask() * BATCHES_PER_CALL);
    return dataset.toDF().mapPartitions(embed, Encoders.row(out));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = $(inputCol);
    String out = $(outputCol);
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException(
          "Input column '"
              + in
              + "' does not exist; columns: "
              + Arrays.toString(schema.fieldNames()));
    }
    if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "Input column '" + in + "' must be a string column, was " + schema.apply(in).dataType());
    }
    if (Arrays.asList(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException("Output column '" + out + "' already exists");
    }
    return schema.add(new StructField(out, SQLDataTypes.VectorType(), true, Metadata.empty()));
  }

  @Override
  public QuestionEmbedder copy(ParamMap extra) {
    return (QuestionEmbedder) defaultCopy(extra);
  }

  /**
   * The reader Spark's {@code Pipeline} and {@link #load(String)} use.
   *
   * @return a reader of saved embedders
   */
  public static MLReader<QuestionEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  /**
   * Loads an embedder saved with {@link #save(String)}.
   *
   * @param path where it was saved
   * @return the embedder, with its saved params and uid
   */
  public static QuestionEmbedder load(String path) {
    return read().load(path);
  }
}
