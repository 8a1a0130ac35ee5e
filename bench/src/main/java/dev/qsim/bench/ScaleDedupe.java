package dev.qsim.bench;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.SearchMode;
import dev.qsim.io.EmbeddingCache;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scale run of the {@code dedupe} benchmark ({@code --vectors FILE}): {@code findDuplicates}
 * with precomputed embeddings over the scale corpus ({@link Corpus#scaleCorpus}), timing each stage
 * (candidate search, verification, grouping) from the progress the implementation reports, with the
 * peak heap and RSS, and the approximate search's recall against exact search.
 *
 * <p>Vectors: every text is embedded by the bundled model at the chosen precision, through {@code
 * embedAll} in the chunks of qsim's one embedding cache ({@link EmbeddingCache}: an interrupted run
 * resumes at the first missing chunk, and a larger size reuses a smaller one's chunks); the cache's
 * timing is the embedding stage. The timed run is then the {@code findDuplicates} overload for
 * callers who hold vectors, the same search, verification and grouping as {@code qsim dedupe}.
 *
 * <p>Recall: {@code exact} runs the candidate search both ways (similarity decision at the
 * candidate threshold, so that every candidate is returned) and counts the exact pairs the
 * approximate search finds; {@code sampled} compares, for {@value #SAMPLED_QUERIES} seeded random
 * questions, the approximate candidates' top 10 with the exact top 10 above the candidate threshold
 * by brute force ({@link BruteForce}).
 *
 * <p>Not thread-safe.
 */
final class ScaleDedupe {
  static final int SAMPLED_QUERIES = 1000;
  private static final double MB = 1024.0 * 1024.0;

  private ScaleDedupe() {}

  /** The vectors of the scale corpus, each the model's own embedding, read from the cache. */
  static final class Vectors extends AbstractList<Embedding> {
    private final EmbeddingCache cache;

    Vectors(EmbeddingCache cache) {
      this.cache = cache;
    }

    @Override
    public Embedding get(int i) {
      return Embedding.of(cache.vector(i, new float[cache.dimension()]));
    }

    @Override
    public int size() {
      return cache.count();
    }
  }

  /** Measures one size; fields as in {@code RESULT dedupe-scale} lines. */
  static Map<String, String> measure(
      Path dataDir,
      int size,
      Path vectorsDir,
      Precision precision,
      String recall,
      boolean timed,
      Report report) {
    Corpus.ScaleCorpus corpus = Corpus.scaleCorpus(dataDir, size);
    report.log(
        "dedupe-scale: %d texts: %d real %s, %d generated",
        size, corpus.real(), corpus.realByFile(), size - corpus.real());
    Map<String, String> f = new LinkedHashMap<>();
    try (OnnxQuestionSimilarity qsim = BenchMain.bundled(precision)) {
      List<String> questions = corpus.questions();
      EmbeddingCache cache =
          EmbeddingCache.load(
              vectorsDir,
              "bundled-" + precision.id() + ":" + qsim.fingerprint(),
              questions,
              qsim::embedAll,
              (stage, done, total) -> report.log("embedding cache: %d/%d texts", done, total));
      Vectors vectors = new Vectors(cache);
      f.put("questions", Integer.toString(size));
      f.put("real", Integer.toString(corpus.real()));
      f.put("generated", Integer.toString(size - corpus.real()));
      f.put("precision", precision.id());
      f.put("embed_s", Report.format(cache.embedSeconds()));
      f.put("embed_cpu_s", Report.format(cache.embedCpuSeconds()));

      if (timed) {
        timedRun(qsim, questions, vectors, report, f, cache.embedSeconds());
      }
      if (recall.equals("exact")) {
        exactRecall(qsim, questions, vectors, report, f);
      } else if (recall.equals("sampled")) {
        sampledRecall(qsim, questions, vectors, report, f);
      }
    }
    return f;
  }

  /** The default {@code findDuplicates}, timed by stage, with peak heap and RSS. */
  private static void timedRun(
      OnnxQuestionSimilarity qsim,
      List<String> questions,
      Vectors vectors,
      Report report,
      Map<String, String> f,
      double embedSeconds) {
    int size = questions.size();
    {
      long heapBefore = HeapPeak.heapAfterGc();
      Stages stages = new Stages(report, size);
      Duplicates result;
      long peakHeap;
      double cpu0 = HeapPeak.processCpuSeconds();
      try (HeapPeak peak = HeapPeak.start()) {
        stages.start();
        result = qsim.findDuplicates(questions, vectors, DuplicateOptions.defaults(), stages);
        stages.end();
        peakHeap = peak.peakBytes();
      }
      f.put("search", DuplicateOptions.defaults().search().toString());
      String searchStage = stages.seen("clustering") ? "clustering" : "searching";
      f.put("copy_s", Report.format(stages.seconds(null, searchStage)));
      f.put("search_s", Report.format(stages.seconds(searchStage, "verifying")));
      f.put("verify_s", Report.format(stages.seconds("verifying", "grouping")));
      f.put("group_s", Report.format(stages.seconds("grouping", "end")));
      double svg = stages.seconds(searchStage, "end");
      f.put("search_verify_group_s", Report.format(svg));
      f.put("svg_share_of_embed", Report.format(svg / embedSeconds));
      f.put("cpu_s", Report.format(HeapPeak.processCpuSeconds() - cpu0));
      f.put("heap_before_mb", Report.format(heapBefore / MB));
      f.put("peak_heap_mb", Report.format(peakHeap / MB));
      f.put("peak_rss_mb", Report.format(HeapPeak.peakResidentBytes() / MB));
      f.put("max_heap_mb", Report.format(Runtime.getRuntime().maxMemory() / MB));
      f.put("candidates", Long.toString(result.candidates()));
      f.put("pairs", Integer.toString(result.pairs().size()));
      f.put("groups", Integer.toString(result.groups().size()));
      f.put("decision", result.decision().toString());
    }
  }

  /** All candidates: the similarity decision at the candidate threshold accepts every one. */
  private static DuplicateOptions allCandidates(OnnxQuestionSimilarity qsim, SearchMode mode) {
    return DuplicateOptions.defaults()
        .withDecision(DuplicateDecision.SIMILARITY)
        .withThreshold(qsim.candidateThreshold())
        .withMaxPairs(Integer.MAX_VALUE)
        .withSearch(mode);
  }

  private static void exactRecall(
      OnnxQuestionSimilarity qsim,
      List<String> questions,
      Vectors vectors,
      Report report,
      Map<String, String> f) {
    Map<SearchMode, Set<Long>> found = new HashMap<>();
    for (SearchMode mode : List.of(SearchMode.EXACT, SearchMode.APPROXIMATE)) {
      Stages stages = new Stages(report, questions.size());
      stages.start();
      Duplicates d = qsim.findDuplicates(questions, vectors, allCandidates(qsim, mode), stages);
      stages.end();
      Set<Long> keys = new HashSet<>();
      for (DuplicatePair p : d.pairs()) {
        keys.add((long) p.first() << 32 | p.second());
      }
      found.put(mode, keys);
      f.put("recall_run_" + mode.name().toLowerCase() + "_s", Report.format(stages.total()));
      report.log("dedupe-scale: %s candidates %d", mode, keys.size());
    }
    Set<Long> exact = found.get(SearchMode.EXACT);
    long hit = exact.stream().filter(found.get(SearchMode.APPROXIMATE)::contains).count();
    f.put("recall_kind", "share-of-exact-candidate-pairs");
    f.put("exact_candidates", Integer.toString(exact.size()));
    f.put("approximate_candidates", Integer.toString(found.get(SearchMode.APPROXIMATE).size()));
    f.put("recall", Report.format((double) hit / Math.max(1, exact.size())));
  }

  private static void sampledRecall(
      OnnxQuestionSimilarity qsim,
      List<String> questions,
      Vectors vectors,
      Report report,
      Map<String, String> f) {
    int n = questions.size();
    Random rnd = new Random(GeneratedQuestions.SEED + 1);
    int[] queries = rnd.ints(0, n).distinct().limit(SAMPLED_QUERIES).toArray();
    Map<Integer, Map<Integer, Double>> approximate = new HashMap<>();
    for (int q : queries) {
      approximate.put(q, new HashMap<>());
    }
    Stages stages = new Stages(report, n);
    stages.start();
    Duplicates d =
        qsim.findDuplicates(
            questions, vectors, allCandidates(qsim, SearchMode.APPROXIMATE), stages);
    stages.end();
    for (DuplicatePair p : d.pairs()) {
      Map<Integer, Double> a = approximate.get(p.first());
      if (a != null) {
        a.put(p.second(), p.similarity());
      }
      Map<Integer, Double> b = approximate.get(p.second());
      if (b != null) {
        b.put(p.first(), p.similarity());
      }
    }
    d = null;
    long t0 = System.nanoTime();
    int[][] exact =
        BruteForce.topK(
            vectors.cache::vector,
            n,
            vectors.cache.dimension(),
            queries,
            10,
            qsim.candidateThreshold());
    f.put("brute_force_s", Report.format((System.nanoTime() - t0) / 1e9));
    long hits = 0;
    long wanted = 0;
    for (int e = 0; e < queries.length; e++) {
      Map<Integer, Double> a = approximate.get(queries[e]);
      Set<Integer> top =
          new HashSet<>(
              a.entrySet().stream()
                  .sorted(
                      Map.Entry.<Integer, Double>comparingByValue()
                          .reversed()
                          .thenComparing(Map.Entry.comparingByKey()))
                  .limit(10)
                  .map(Map.Entry::getKey)
                  .toList());
      for (int j : exact[e]) {
        wanted++;
        hits += top.contains(j) ? 1 : 0;
      }
    }
    f.put("recall_run_approximate_s", Report.format(stages.total()));
    f.put("recall_kind", "top10-above-candidate-threshold-" + queries.length + "-queries");
    f.put("exact_neighbours", Long.toString(wanted));
    f.put("recall", Report.format((double) hits / Math.max(1, wanted)));
  }

  /** When each progress stage was first reported, and throttled log lines. */
  static final class Stages implements ProgressListener {
    private final Map<String, Long> first = new ConcurrentHashMap<>();
    private final Report report;
    private final int size;
    private volatile long lastLog;

    Stages(Report report, int size) {
      this.report = report;
      this.size = size;
    }

    void start() {
      first.put("start", System.nanoTime());
      lastLog = System.nanoTime();
    }

    void end() {
      first.put("end", System.nanoTime());
    }

    @Override
    public void update(String stage, long done, long total) {
      long now = System.nanoTime();
      first.putIfAbsent(stage, now);
      if (now - lastLog > 20_000_000_000L) {
        lastLog = now;
        report.log("dedupe-scale: N=%d %s %d/%d", size, stage, done, total);
      }
    }

    /** Seconds from the first of {@code from} (null: the start) to the first of the end stages. */
    double seconds(String from, String... to) {
      Long a = from == null ? first.get("start") : first.get(from);
      if (a == null) {
        return 0;
      }
      for (String t : to) {
        Long b = first.get(t);
        if (b != null) {
          return (b - a) / 1e9;
        }
      }
      return 0;
    }

    boolean seen(String stage) {
      return first.containsKey(stage);
    }

    double total() {
      return (first.get("end") - first.get("start")) / 1e9;
    }
  }
}
