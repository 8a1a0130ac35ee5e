package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.TextRules;
import dev.qsim.duplicates.GroupLines;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The distributed {@code qsim dedupe}: reads a text file with one question per line, finds the
 * duplicate groups with {@link SparkDuplicateFinder} and writes, into a new output directory:
 *
 * <ul>
 *   <li>{@code groups.jsonl}: one JSON object per group, the layout of {@code qsim dedupe} (line
 *       numbers are the 1-based input lines);
 *   <li>{@code pairs/}: the verified pairs as Parquet ({@code first_id, second_id, similarity,
 *       score}, ids being line numbers).
 * </ul>
 *
 * <p>Run it with {@code spark-submit --class dev.qsim.spark.DedupeJob qsim-spark-all.jar --input
 * FILE --output DIR}, or without a cluster with {@code --master local[2]}. Options: {@code --model
 * DIR} (default the bundled model); {@code --threshold}, {@code --candidate-threshold}, {@code
 * --search}, {@code --top-k} and {@code --max-pairs} as for {@code qsim dedupe}; {@code --buckets
 * N} and {@code --probes N} for the approximate search. The output directory must not exist; it is
 * written beside itself under a temporary name and renamed when complete, so it never holds half an
 * output. Blank lines and lines the model cannot read are skipped and counted, and questions are
 * stripped, by the SDK's text rules ({@link TextRules#stripInvisible(String)}, {@link
 * QuestionSimilarity#readability(List)}), as {@code qsim dedupe} does.
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class DedupeJob {
  private final DedupeJobOptions options;

  private DedupeJob(DedupeJobOptions options) {
    this.options = options;
  }

  /**
   * Runs the job; exits with 0 on success, 1 on bad input or a failed run, 2 on bad arguments.
   *
   * @param args {@code --input FILE --output DIR} and the options {@code --help} would list
   */
  public static void main(String[] args) {
    int status;
    try {
      Summary s = run(args);
      System.err.println(s.describe());
      status = 0;
    } catch (IllegalArgumentException e) {
      System.err.println("qsim-spark dedupe: " + e.getMessage());
      System.err.print(DedupeJobOptions.usage());
      status = 2;
    } catch (QsimException e) {
      System.err.println("qsim-spark dedupe: " + e.getMessage());
      status = 1;
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /** What a run did, for the summary line and tests. */
  record Summary(
      String output,
      int questions,
      long skippedLines,
      int pairs,
      int groups,
      long groupedQuestions) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "Found %,d duplicate pairs in %,d groups (%,d questions) among %,d questions"
              + " (%,d blank or unreadable lines skipped); wrote %s/groups.jsonl and %s/pairs",
          pairs,
          groups,
          groupedQuestions,
          questions,
          skippedLines,
          output,
          output);
    }
  }

  /**
   * Parses the arguments and runs the job, starting (or reusing) a Spark session.
   *
   * @throws IllegalArgumentException for bad arguments
   * @throws QsimException for bad input or a failed run, naming the file or the failure
   */
  static Summary run(String[] args) {
    DedupeJobOptions options = DedupeJobOptions.parse(args);
    SparkSession.Builder builder = SparkSession.builder().appName("qsim-dedupe");
    if (options.master != null) {
      builder.master(options.master);
    }
    SparkSession spark;
    try {
      spark = builder.getOrCreate();
    } catch (Exception e) {
      throw new QsimException(
          "Cannot start Spark: "
              + e.getMessage()
              + " (run it with spark-submit, or pass --master local[2] to run without a cluster)",
          e);
    }
    try {
      return new DedupeJob(options).run(spark);
    } catch (QsimException e) {
      throw e;
    } catch (Exception e) {
      // Spark's failures (SparkException is checked but undeclared) carry the executor's error.
      throw SparkFailures.unwrap(e);
    }
  }

  private Summary run(SparkSession spark) {
    String input = options.input;
    String output = options.output;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path in = new Path(input);
    Path out = new Path(output);
    FileSystem inFs = fileSystem(in, hadoop);
    FileSystem outFs = fileSystem(out, hadoop);
    try {
      if (!inFs.exists(in)) {
        throw new QsimException("Input file not found: " + input);
      }
      if (inFs.getFileStatus(in).isDirectory()) {
        throw new QsimException("Input is a directory, not a file: " + input);
      }
      if (outFs.exists(out)) {
        throw new QsimException("Output directory already exists: " + output);
      }
    } catch (IOException e) {
      throw new QsimException("Cannot read " + input + " or " + output + ": " + e, e);
    }

    Dataset<Row> lines = lines(spark, input);
    SparkDuplicateFinder.Builder finder =
        SparkDuplicateFinder.builder().setIdColumn("line").setQuestionColumn("question");
    if (options.model != null) {
      finder.optModelDirectory(options.model);
    }
    finder.optOptions(options.duplicateOptions());
    if (options.buckets != null) {
      finder.optBuckets(options.buckets);
    }
    if (options.probes != null) {
      finder.optProbes(options.probes);
    }
    Path staging =
        new Path(out.getParent(), "." + out.getName() + "." + UUID.randomUUID() + ".tmp");
    try (SparkDuplicates found = finder.build().find(lines)) {
      List<Row> indexed = found.questions().orderBy(SparkDuplicates.INDEX).collectAsList();
      long[] lineOf = new long[indexed.size()];
      String[] text = new String[indexed.size()];
      for (Row r : indexed) {
        int i = r.getInt(0);
        lineOf[i] = r.getLong(1);
        text[i] = r.getString(2);
      }
      found.pairs().write().parquet(new Path(staging, "pairs").toString());
      try (Writer w =
          new OutputStreamWriter(
              outFs.create(new Path(staging, "groups.jsonl"), false), StandardCharsets.UTF_8)) {
        writeGroups(w, found.duplicateGroups(), lineOf, text);
      }
      if (!outFs.rename(staging, out)) {
        throw new QsimException("Cannot rename " + staging + " to " + output);
      }
      long grouped = found.duplicateGroups().stream().mapToLong(g -> g.members().size()).sum();
      return new Summary(
          output,
          found.questionCount(),
          found.skippedQuestions(),
          found.duplicatePairs().size(),
          found.duplicateGroups().size(),
          grouped);
    } catch (IOException e) {
      throw new QsimException("Cannot write " + output + ": " + e, e);
    } finally {
      deleteQuietly(outFs, staging);
    }
  }

  /** The input's lines as {@code line} (1-based) and {@code question} (stripped). */
  static Dataset<Row> lines(SparkSession spark, String input) {
    JavaRDD<Row> rows =
        spark
            .read()
            .textFile(input)
            .javaRDD()
            .zipWithIndex()
            .map(
                t -> {
                  String line = t._1();
                  if (t._2() == 0 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                  }
                  // The SDK's strip rule, as qsim dedupe strips a question file's lines.
                  return RowFactory.create(t._2() + 1, TextRules.stripInvisible(line));
                });
    StructType schema =
        new StructType()
            .add("line", DataTypes.LongType, false)
            .add("question", DataTypes.StringType, false);
    return spark.createDataFrame(rows, schema);
  }

  /** One JSON object per group, as {@code qsim dedupe} writes them. */
  static void writeGroups(Writer writer, List<DuplicateGroup> groups, long[] lineOf, String[] text)
      throws IOException {
    GroupLines.write(writer, groups, i -> lineOf[i], i -> text[i]);
  }

  private static FileSystem fileSystem(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw new QsimException("No file system for " + path + ": " + e, e);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path path) {
    try {
      if (fs.exists(path)) {
        fs.delete(path, true);
      }
    } catch (IOException ignored) {
      // The run already failed or succeeded; the leftover temporary directory is harmless.
    }
  }
}
