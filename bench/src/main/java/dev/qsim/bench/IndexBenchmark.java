package dev.qsim.bench;

import dev.qsim.Embedding;
import dev.qsim.IndexMatch;
import dev.qsim.index.IndexStats;
import dev.qsim.index.LuceneQuestionIndex;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

/**
 * The persistent question index ({@link LuceneQuestionIndex}) at scale: builds an index of {@code
 * --index-size} distinct texts from the shared data ({@link Corpus#dedupeQuestions}: real texts,
 * then suffixed repeats once they run out) with the bundled model, then times, one query at a time
 * on one thread, the calls a user makes: {@code askedBefore(q, k)} (embedding the query, graph
 * search, reading candidates back, the duplicate decision), beside {@code nearest(q, k)} (no
 * decision) and {@code embed(q)} alone, over the same held-out real queries (the first texts of the
 * corpus, which are not in the index). Also reports the graph search's recall against exact search:
 * the share of each query's true 10 nearest stored vectors (by brute force over the index's own
 * vectors) that {@code nearest(q, 10)} returns.
 *
 * <p>{@code --index-dir DIR} keeps the index between runs: a directory that already holds an index
 * of the same texts is reused instead of rebuilt. Not thread-safe.
 */
final class IndexBenchmark {
  static final String NAME = "index";
  private static final double MB = 1024.0 * 1024.0;
  private static final int BUILD_BATCH = 512;
  private static final int RECALL_K = 10;

  private final int size;
  private final int queries;
  private final int warmup;
  private final int k;
  private final int recallQueries;
  private final String dir;

  IndexBenchmark(Options options) {
    this.size = options.integers("index-size", List.of(20_000), 1).get(0);
    this.queries = options.integer("index-queries", 300, 1);
    this.warmup = options.integer("index-warmup", 50, 0);
    this.k = options.integer("index-k", 5, 1);
    this.recallQueries = options.integer("recall-queries", 200, 0);
    this.dir = options.string("index-dir", null);
  }

  void run(Path dataDir, Report report) {
    int held = warmup + queries;
    Corpus.Questions corpus = Corpus.dedupeQuestions(dataDir, held + size);
    List<String> asked = corpus.questions().subList(0, held);
    List<String> stored = corpus.questions().subList(held, held + size);
    report.log(
        "index: %,d stored texts (%,d real, %,d suffixed repeats), %,d held-out real queries",
        size, size - corpus.toppedUp(), corpus.toppedUp(), held);
    Path path;
    try {
      path = dir != null ? Path.of(dir) : Files.createTempDirectory("qsim-bench-index-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    try (OnnxQuestionSimilarity model = OnnxQuestionSimilarity.bundled()) {
      double buildSeconds = build(model, path, stored, report);
      IndexStats stats = LuceneQuestionIndex.stats(path);
      double[] embedMs = new double[queries];
      double[] nearestMs = new double[queries];
      double[] askedMs = new double[queries];
      int duplicates = 0;
      long heapBefore = HeapPeak.heapAfterGc();
      try (LuceneQuestionIndex index =
          LuceneQuestionIndex.builder().setDirectory(path).setModel(model).build()) {
        for (String q : asked.subList(0, warmup)) {
          model.embed(q);
          index.nearest(q, k);
          index.askedBefore(q, k);
        }
        // Interleaved, so that the three calls see the same machine load.
        for (int i = 0; i < queries; i++) {
          String q = asked.get(warmup + i);
          long t0 = System.nanoTime();
          model.embed(q);
          long t1 = System.nanoTime();
          index.nearest(q, k);
          long t2 = System.nanoTime();
          List<IndexMatch> found = index.askedBefore(q, k);
          long t3 = System.nanoTime();
          embedMs[i] = (t1 - t0) / 1e6;
          nearestMs[i] = (t2 - t1) / 1e6;
          askedMs[i] = (t3 - t2) / 1e6;
          if (!found.isEmpty() && found.get(0).duplicate()) {
            duplicates++;
          }
        }
      }
      double recall =
          recallQueries == 0
              ? Double.NaN
              : recall(model, path, asked.subList(0, Math.min(recallQueries, held)));
      report.title(
          String.format(
              Locale.ROOT,
              "index: LuceneQuestionIndex of %,d questions (%,d real), one query at a time,"
                  + " %d held-out real queries after %d warm-up, k=%d (ms)",
              size,
              size - corpus.toppedUp(),
              queries,
              warmup,
              k));
      Report.Table table = new Report.Table("call", "mean", "p50", "p90", "p99", "max");
      table.row(row("embed(q) only", embedMs));
      table.row(row("nearest(q, k)", nearestMs));
      table.row(row("askedBefore(q, k)", askedMs));
      table.print(report.out);
      report.note(
          String.format(
              Locale.ROOT,
              "build: %.1f s (%.0f questions/s, embedding included); index %.1f MB on disk, %d"
                  + " segments, %s; heap after GC with the model loaded %.0f MB, peak RSS %.0f MB;"
                  + " nearest(q, %d) recall against exact search %.4f over %d queries;"
                  + " %d of %d queries had a verified duplicate",
              buildSeconds,
              buildSeconds > 0 ? size / buildSeconds : Double.NaN,
              stats.bytes() / MB,
              stats.segments(),
              stats.vectorFormat(),
              heapBefore / MB,
              HeapPeak.peakResidentBytes() / MB,
              RECALL_K,
              recall,
              Math.min(recallQueries, held),
              duplicates,
              queries));
      f.put("size", size);
      f.put("real", size - corpus.toppedUp());
      f.put("queries", queries);
      f.put("k", k);
      f.put("build_s", buildSeconds);
      f.put("embed_p50_ms", Stats.percentile(embedMs, 50));
      f.put("nearest_p50_ms", Stats.percentile(nearestMs, 50));
      f.put("asked_mean_ms", Stats.mean(askedMs));
      f.put("asked_p50_ms", Stats.percentile(askedMs, 50));
      f.put("asked_p99_ms", Stats.percentile(askedMs, 99));
      f.put("recall_at_10", recall);
      f.put("index_mb", stats.bytes() / MB);
      f.put("peak_rss_mb", HeapPeak.peakResidentBytes() / MB);
    }
    report.result(NAME, f);
  }

  private static Object[] row(String call, double[] ms) {
    return new Object[] {
      call,
      Stats.mean(ms),
      Stats.percentile(ms, 50),
      Stats.percentile(ms, 90),
      Stats.percentile(ms, 99),
      Stats.max(ms)
    };
  }

  /**
   * Builds the index in batches through {@link LuceneQuestionIndex#addAll}, committing at the end;
   * returns the seconds it took, or 0 if an index of the same texts was already there.
   */
  private static double build(
      OnnxQuestionSimilarity model, Path path, List<String> stored, Report report) {
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(path).setModel(model).build()) {
      if (index.size() == stored.size()
          && index
              .question("s" + (stored.size() - 1))
              .orElse("")
              .equals(stored.get(stored.size() - 1))) {
        report.log("index: reusing the index of %,d questions in %s", stored.size(), path);
        return 0;
      }
      long t0 = System.nanoTime();
      for (int from = 0; from < stored.size(); from += BUILD_BATCH) {
        int to = Math.min(stored.size(), from + BUILD_BATCH);
        List<String> ids = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          ids.add("s" + i);
        }
        index.addAll(ids, stored.subList(from, to));
        if (from / BUILD_BATCH % 20 == 19) {
          index.commit();
          report.log(
              "index: %,d/%,d added, %.0f s", to, stored.size(), (System.nanoTime() - t0) / 1e9);
        }
      }
      index.commit();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /**
   * The mean share of each query's exact 10 nearest stored vectors that {@code nearest(q, 10)}
   * returns; exact neighbours by brute force over the vectors the index stores.
   */
  private static double recall(OnnxQuestionSimilarity model, Path path, List<String> queries) {
    List<Embedding> embedded = model.embedAll(queries);
    List<Set<String>> exact = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(path);
        DirectoryReader reader = DirectoryReader.open(d)) {
      List<PriorityQueue<Object[]>> best = new ArrayList<>();
      float[][] targets = new float[queries.size()][];
      for (int q = 0; q < queries.size(); q++) {
        targets[q] = unit(embedded.get(q).vector());
        best.add(new PriorityQueue<>((a, b) -> Float.compare((float) a[0], (float) b[0])));
      }
      for (LeafReaderContext leaf : reader.leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues("vector");
        StoredFields fields = leaf.reader().storedFields();
        var live = leaf.reader().getLiveDocs();
        for (int doc = values.nextDoc();
            doc != DocIdSetIterator.NO_MORE_DOCS;
            doc = values.nextDoc()) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          float[] v = values.vectorValue();
          for (int q = 0; q < targets.length; q++) {
            float s = VectorUtil.dotProduct(targets[q], v);
            PriorityQueue<Object[]> heap = best.get(q);
            if (heap.size() < RECALL_K || s > (float) heap.peek()[0]) {
              heap.add(new Object[] {s, fields.document(doc).get("id")});
              if (heap.size() > RECALL_K) {
                heap.poll();
              }
            }
          }
        }
      }
      for (PriorityQueue<Object[]> heap : best) {
        Set<String> ids = new HashSet<>();
        for (Object[] e : heap) {
          ids.add((String) e[1]);
        }
        exact.add(ids);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder()
            .setDirectory(path)
            .setModel(model)
            .optReadOnly(true)
            .build()) {
      List<List<IndexMatch>> found = index.nearestAll(queries, RECALL_K);
      double sum = 0;
      for (int q = 0; q < queries.size(); q++) {
        int hit = 0;
        for (IndexMatch m : found.get(q)) {
          if (exact.get(q).contains(m.id())) {
            hit++;
          }
        }
        sum += hit / (double) exact.get(q).size();
      }
      return sum / queries.size();
    }
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
