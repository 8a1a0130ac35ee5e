package dev.qsim.spark;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.SearchMode;
import dev.qsim.SimilarityFunction;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Measurements for the closing note, run by hand (not a test):
 *
 * <pre>
 * java $SPARK_FLAGS -cp ... dev.qsim.spark.SparkBenchmark throughput 20000
 * </pre>
 */
public final class SparkBenchmark {
  private SparkBenchmark() {}

  public static void main(String[] args) {
    String what = args[0];
    int n = Integer.parseInt(args[1]);
    SparkSession spark = SharedSpark.session();
    List<String> questions = TestQuestions.corpus(n);
    switch (what) {
      case "throughput":
        throughput(spark, questions);
        break;
      case "dedupe":
        dedupe(spark, questions);
        break;
      default:
        throw new IllegalArgumentException(what);
    }
    spark.stop();
  }

  /** The SDK and the Spark transformer on the same questions, same batch size, one JVM. */
  static void throughput(SparkSession spark, List<String> questions) {
    int partitions = Integer.getInteger("partitions", 2);
    QuestionEmbedder embedder = new QuestionEmbedder();
    Dataset<Row> df =
        spark.createDataset(questions, Encoders.STRING()).toDF("question").repartition(partitions);
    df.cache().count();
    try (OnnxQuestionSimilarity sdk =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
            .optBatchSize(QuestionEmbedder.DEFAULT_BATCH_SIZE)
            .optThreads(2)
            .build()) {
      // Warm up both: load the executor's model and run a few batches each.
      sdk.embedAll(questions.subList(0, 200));
      embedder.transform(df.limit(200)).write().format("noop").mode("overwrite").save();
      for (int round = 1; round <= Integer.getInteger("rounds", 1); round++) {
        long t0 = System.nanoTime();
        sdk.embedAll(questions);
        double sdkSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        embedder.transform(df).write().format("noop").mode("overwrite").save();
        double sparkSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "round %d: %,d questions: SDK %.1f s (%.1f q/s), Spark local[2] %d partitions %.1f s"
                + " (%.1f q/s); Spark/SDK time %.3f (overhead %+.1f%%)%n",
            round,
            questions.size(),
            sdkSeconds,
            questions.size() / sdkSeconds,
            partitions,
            sparkSeconds,
            questions.size() / sparkSeconds,
            sparkSeconds / sdkSeconds,
            100 * (sparkSeconds / sdkSeconds - 1));
      }
    }
  }

  /**
   * Distributed dedupe on {@code questions}: embedding once, then the candidate search (exact when
   * {@code n <= 50,000}, and approximate), verification and grouping; candidate recall of the
   * approximate search (all pairs at 20k, 1,000 sampled questions otherwise) and agreement of the
   * verified pairs and groups with the single-machine exact findDuplicates on the same embeddings.
   */
  static void dedupe(SparkSession spark, List<String> questions) {
    int n = questions.size();
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(i, questions.get(i)));
    }
    StructType schema =
        new StructType()
            .add(SparkDuplicates.INDEX, DataTypes.IntegerType)
            .add(SparkDuplicates.QUESTION, DataTypes.StringType);
    int partitions = Integer.getInteger("partitions", 8);
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(partitions);
    df.cache().count();
    SparkDuplicateFinder approximate =
        SparkDuplicateFinder.builder()
            .optOptions(DuplicateOptions.defaults().withSearch(SearchMode.APPROXIMATE))
            .build();
    OnnxQuestionSimilarity model = approximate.model();
    ResolvedDecision decision = approximate.decision();
    long t0 = System.nanoTime();
    Dataset<Row> embedded =
        new QuestionEmbedder()
            .setInputCol(SparkDuplicates.QUESTION)
            .setOutputCol(SparkDuplicateFinder.VECTOR)
            .transform(df)
            .persist(StorageLevel.MEMORY_AND_DISK());
    embedded.count();
    double embedSeconds = seconds(t0);
    System.out.printf(
        Locale.ROOT,
        "n=%,d: embedding (Spark local[2], %d partitions) %.1f s (%.1f q/s)%n",
        n,
        partitions,
        embedSeconds,
        n / embedSeconds);

    t0 = System.nanoTime();
    Dataset<Row> approxCandidates = approximate.candidates(embedded, n, decision);
    Set<Long> approxKeys = keys(approxCandidates);
    double approxCandidateSeconds = seconds(t0);
    t0 = System.nanoTime();
    Duplicates approx = approximate.finish(approxCandidates, embedded, n, decision, model);
    double approxFinishSeconds = seconds(t0);
    System.out.printf(
        Locale.ROOT,
        "approximate: candidates %.1f s (%,d), verification + top-k + grouping %.1f s: %,d pairs, %,d groups;"
            + " dedupe total %.1f s%n",
        approxCandidateSeconds,
        approxKeys.size(),
        approxFinishSeconds,
        approx.pairs().size(),
        approx.groups().size(),
        embedSeconds + approxCandidateSeconds + approxFinishSeconds);

    // The embeddings, in index order, for the exact references.
    List<Embedding> embeddings =
        new ArrayList<>(java.util.Collections.nCopies(n, (Embedding) null));
    List<String> texts = new ArrayList<>(java.util.Collections.nCopies(n, (String) null));
    for (Row r : embedded.collectAsList()) {
      embeddings.set(r.getInt(0), Embedding.of(QuestionMatcher.floats(r.getAs(2))));
      texts.set(r.getInt(0), r.getString(1));
    }
    if (n <= DuplicateOptions.AUTO_EXACT_LIMIT) {
      SparkDuplicateFinder exact =
          SparkDuplicateFinder.builder()
              .optOptions(DuplicateOptions.defaults().withSearch(SearchMode.EXACT))
              .build();
      t0 = System.nanoTime();
      Dataset<Row> exactCandidates = exact.candidates(embedded, n, decision);
      Set<Long> exactKeys = keys(exactCandidates);
      double exactCandidateSeconds = seconds(t0);
      t0 = System.nanoTime();
      Duplicates exactResult = exact.finish(exactCandidates, embedded, n, decision, model);
      double exactFinishSeconds = seconds(t0);
      long found = approxKeys.stream().filter(exactKeys::contains).count();
      System.out.printf(
          Locale.ROOT,
          "exact (Spark): candidates %.1f s (%,d), verification + top-k + grouping %.1f s: %,d pairs;"
              + " dedupe total %.1f s%n",
          exactCandidateSeconds,
          exactKeys.size(),
          exactFinishSeconds,
          exactResult.pairs().size(),
          embedSeconds + exactCandidateSeconds + exactFinishSeconds);
      System.out.printf(
          Locale.ROOT,
          "candidate recall of the approximate search vs exact: %,d / %,d = %.4f%n",
          found,
          exactKeys.size(),
          (double) found / exactKeys.size());
      agreement("exact Spark vs approximate Spark", exactResult, approx);
    } else {
      // 1,000 sampled questions: their exact candidates by brute force on the driver.
      java.util.Random random = new java.util.Random(7);
      Set<Integer> sample = new java.util.HashSet<>();
      while (sample.size() < 1000) {
        sample.add(random.nextInt(n));
      }
      SimilarityFunction f = model.similarityFunction();
      long exactCount = 0;
      long foundCount = 0;
      for (int q : sample) {
        for (int j = 0; j < n; j++) {
          if (j != q
              && embeddings.get(q).similarity(embeddings.get(j), f)
                  >= decision.candidateThreshold()) {
            exactCount++;
            if (approxKeys.contains(key(Math.min(q, j), Math.max(q, j)))) {
              foundCount++;
            }
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "candidate recall of the approximate search, 1,000 sampled questions: %,d / %,d = %.4f%n",
          foundCount,
          exactCount,
          (double) foundCount / exactCount);
    }
    t0 = System.nanoTime();
    Duplicates sdk =
        model.findDuplicates(
            texts, embeddings, DuplicateOptions.defaults().withSearch(SearchMode.EXACT));
    System.out.printf(
        Locale.ROOT,
        "single-machine findDuplicates (EXACT, same embeddings): %.1f s, %,d pairs%n",
        seconds(t0),
        sdk.pairs().size());
    agreement("single-machine exact vs approximate Spark", sdk, approx);
  }

  private static void agreement(String what, Duplicates reference, Duplicates other) {
    Set<Long> a = new java.util.HashSet<>();
    for (DuplicatePair p : reference.pairs()) {
      a.add(key(p.first(), p.second()));
    }
    long common = 0;
    for (DuplicatePair p : other.pairs()) {
      if (a.contains(key(p.first(), p.second()))) {
        common++;
      }
    }
    Set<Set<Integer>> ga = new java.util.HashSet<>();
    for (DuplicateGroup g : reference.groups()) {
      ga.add(new java.util.HashSet<>(g.members()));
    }
    long sameGroups = 0;
    for (DuplicateGroup g : other.groups()) {
      if (ga.contains(new java.util.HashSet<>(g.members()))) {
        sameGroups++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: verified pairs found %,d / %,d = %.4f (other has %,d); identical groups %,d of %,d (%.4f)%n",
        what,
        common,
        reference.pairs().size(),
        (double) common / Math.max(1, reference.pairs().size()),
        other.pairs().size(),
        sameGroups,
        reference.groups().size(),
        (double) sameGroups / Math.max(1, reference.groups().size()));
  }

  private static Set<Long> keys(Dataset<Row> candidates) {
    Set<Long> out = new java.util.HashSet<>();
    for (Row r : candidates.select("first", "second").collectAsList()) {
      out.add(key(r.getInt(0), r.getInt(1)));
    }
    return out;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | b;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
