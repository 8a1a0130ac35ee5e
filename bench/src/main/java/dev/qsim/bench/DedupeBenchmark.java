package dev.qsim.bench;

import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code findDuplicates} over {@code N} real distinct questions, for each size of {@code --sizes}:
 * the time of the embedding stage and of the search stage (split where the implementation's
 * progress listener first reports {@code "searching"}), the peak Java heap while it runs ({@link
 * HeapPeak}) and the process's peak resident memory. Each size runs in a fresh JVM (the same class
 * path, {@code --jvm-args} added) unless {@code --fork false}.
 *
 * <p>Not thread-safe.
 */
final class DedupeBenchmark {
  static final String NAME = "dedupe";
  private static final double MB = 1024.0 * 1024.0;

  private final List<Integer> sizes;
  private final int reps;
  private final int warmup;
  private final int topK;
  private final String threshold;
  private final boolean fork;
  private final String jvmArgs;
  private final String vectors;
  private final Precision precision;
  private final String recall;
  private final boolean timed;

  DedupeBenchmark(Options options) {
    this.sizes = options.integers("sizes", List.of(1_000, 10_000), 2);
    this.reps = options.integer("dedupe-reps", 1, 1);
    this.warmup = options.integer("dedupe-warmup", 500, 0);
    this.topK = options.integer("top-k", DuplicateOptions.DEFAULT_TOP_K, 1);
    this.threshold = options.string("threshold", null);
    this.fork = !options.has("fork") || options.flag("fork");
    this.jvmArgs = options.string("jvm-args", "");
    this.vectors = options.string("vectors", null);
    // The first of --precision's list (all passes one list to every benchmark).
    this.precision = options.precisions("precision", "fp32").get(0);
    this.recall = options.string("recall", "none");
    this.timed = !options.has("timed") || options.flag("timed");
    if (!List.of("none", "exact", "sampled").contains(recall)) {
      throw new IllegalArgumentException(
          "--recall must be none, exact or sampled, was '" + recall + "'");
    }
    if (threshold != null) {
      parseThreshold(threshold);
    }
  }

  void run(Path dataDir, Report report) {
    if (vectors != null) {
      runScale(dataDir, report);
      return;
    }
    List<Map<String, String>> results = new ArrayList<>();
    for (int size : sizes) {
      if (fork) {
        results.addAll(runChild(dataDir, size, report));
      } else {
        results.addAll(measure(dataDir, size, report));
        HeapPeak.heapAfterGc();
      }
    }
    report.title(
        String.format(
            Locale.ROOT,
            "dedupe: findDuplicates on real distinct questions, top-%d per question, %s",
            topK,
            fork ? "one fresh JVM per size" : "all sizes in this JVM"));
    Report.Table table =
        new Report.Table(
            "questions",
            "rep",
            "embed s",
            "search s",
            "total s",
            "CPU s",
            "questions/s",
            "heap before MB",
            "peak heap MB",
            "peak RSS MB",
            "pairs",
            "groups",
            "threshold");
    for (Map<String, String> r : results) {
      table.row(
          Integer.parseInt(r.get("questions")),
          r.get("rep"),
          Double.parseDouble(r.get("embed_s")),
          Double.parseDouble(r.get("search_s")),
          Double.parseDouble(r.get("total_s")),
          Double.parseDouble(r.get("cpu_s")),
          Double.parseDouble(r.get("questions_per_s")),
          Double.parseDouble(r.get("heap_before_mb")),
          Double.parseDouble(r.get("peak_heap_mb")),
          Double.parseDouble(r.get("peak_rss_mb")),
          Integer.parseInt(r.get("pairs")),
          Integer.parseInt(r.get("groups")),
          r.get("threshold"));
    }
    table.print(report.out);
    for (Map<String, String> r : results) {
      if (!r.get("topped_up").equals("0")) {
        report.note(
            "N="
                + r.get("questions")
                + ": "
                + r.get("topped_up")
                + " texts are real texts repeated with the suffix \" [2]\" (the shared data holds"
                + " about 87,500 distinct texts)");
        break;
      }
    }
    report.note(
        "heap: peak of sampled heap use and pre-GC heap use; RSS: process high-water mark"
            + " (includes ONNX Runtime's native memory and the model load).");
    for (Map<String, String> r : results) {
      report.result(NAME, r);
    }
  }

  /** Measures one size in this JVM. */
  List<Map<String, String>> measure(Path dataDir, int size, Report report) {
    Corpus.Questions corpus = Corpus.dedupeQuestions(dataDir, size);
    List<String> questions = corpus.questions();
    report.log(
        "dedupe: %d questions (%s%s)",
        questions.size(),
        corpus.realByFile(),
        corpus.toppedUp() > 0 ? ", " + corpus.toppedUp() + " suffixed repeats" : "");
    List<Map<String, String>> out = new ArrayList<>();
    try (OnnxQuestionSimilarity qsim = BenchMain.bundled(precision)) {
      DuplicateOptions options = DuplicateOptions.defaults().withTopKPerQuestion(topK);
      if (threshold != null) {
        options = options.withThreshold(parseThreshold(threshold));
      }
      if (warmup > 0) {
        int w = Math.min(warmup, questions.size());
        report.log("dedupe: warm-up on %d questions", w);
        qsim.findDuplicates(questions.subList(questions.size() - w, questions.size()), options);
      }
      for (int rep = 1; rep <= reps; rep++) {
        long heapBefore = HeapPeak.heapAfterGc();
        AtomicLong searchStart = new AtomicLong();
        AtomicLong lastLog = new AtomicLong(System.nanoTime());
        Duplicates result;
        long t0;
        long t1;
        long peakHeap;
        double cpu0;
        double cpu1;
        try (HeapPeak peak = HeapPeak.start()) {
          cpu0 = HeapPeak.processCpuSeconds();
          t0 = System.nanoTime();
          result =
              qsim.findDuplicates(
                  questions,
                  options,
                  (stage, done, total) -> {
                    long now = System.nanoTime();
                    if (stage.equals("searching")) {
                      searchStart.compareAndSet(0, now);
                    }
                    if (now - lastLog.get() > 10_000_000_000L) {
                      lastLog.set(now);
                      report.log("dedupe: N=%d %s %d/%d", size, stage, done, total);
                    }
                  });
          t1 = System.nanoTime();
          cpu1 = HeapPeak.processCpuSeconds();
          peakHeap = peak.peakBytes();
        }
        long split = searchStart.get() == 0 ? t1 : searchStart.get();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("questions", Integer.toString(questions.size()));
        f.put("rep", Integer.toString(rep));
        f.put("embed_s", Report.format((split - t0) / 1e9));
        f.put("search_s", Report.format((t1 - split) / 1e9));
        f.put("total_s", Report.format((t1 - t0) / 1e9));
        f.put("cpu_s", Report.format(cpu1 - cpu0));
        f.put("questions_per_s", Report.format(questions.size() / ((t1 - t0) / 1e9)));
        f.put("heap_before_mb", Report.format(heapBefore / MB));
        f.put("peak_heap_mb", Report.format(peakHeap / MB));
        f.put("peak_rss_mb", Report.format(HeapPeak.peakResidentBytes() / MB));
        f.put("pairs", Integer.toString(result.pairs().size()));
        f.put("groups", Integer.toString(result.groups().size()));
        f.put("truncated", Boolean.toString(result.truncated()));
        f.put("threshold", Report.format(result.threshold()));
        f.put("top_k", Integer.toString(topK));
        f.put("topped_up", Integer.toString(corpus.toppedUp()));
        f.put("max_heap_mb", Report.format(Runtime.getRuntime().maxMemory() / MB));
        f.put("search_stage_seen", Boolean.toString(searchStart.get() != 0));
        report.log("dedupe: %s", Report.resultLine(NAME, f));
        out.add(f);
      }
    }
    return out;
  }

  /** The scale run ({@code --vectors}): see {@link ScaleDedupe}. */
  private void runScale(Path dataDir, Report report) {
    List<Map<String, String>> results = new ArrayList<>();
    for (int size : sizes) {
      if (fork) {
        results.addAll(runChild(dataDir, size, report));
      } else {
        results.add(
            ScaleDedupe.measure(dataDir, size, Path.of(vectors), precision, recall, timed, report));
        HeapPeak.heapAfterGc();
      }
    }
    report.title(
        "dedupe (scale): findDuplicates on the scale corpus's real embeddings, default"
            + " options, "
            + (fork ? "one fresh JVM per size" : "all sizes in this JVM"));
    Report.Table table =
        new Report.Table(
            "questions",
            "real",
            "generated",
            "precision",
            "embed s",
            "search s",
            "verify s",
            "group s",
            "(s+v+g)/embed",
            "peak heap MB",
            "peak RSS MB",
            "candidates",
            "pairs",
            "groups",
            "recall");
    for (Map<String, String> r : results) {
      if (!r.containsKey("search_s")) {
        r.put("search_s", "0");
        r.put("verify_s", "0");
        r.put("group_s", "0");
        r.put("svg_share_of_embed", "0");
        r.put("peak_heap_mb", "0");
        r.put("peak_rss_mb", "0");
        r.put("candidates", "0");
        r.put("pairs", "0");
        r.put("groups", "0");
      }
      table.row(
          Integer.parseInt(r.get("questions")),
          Integer.parseInt(r.get("real")),
          Integer.parseInt(r.get("generated")),
          r.get("precision"),
          Double.parseDouble(r.get("embed_s")),
          Double.parseDouble(r.get("search_s")),
          Double.parseDouble(r.get("verify_s")),
          Double.parseDouble(r.get("group_s")),
          Double.parseDouble(r.get("svg_share_of_embed")),
          Double.parseDouble(r.get("peak_heap_mb")),
          Double.parseDouble(r.get("peak_rss_mb")),
          Long.parseLong(r.get("candidates")),
          Integer.parseInt(r.get("pairs")),
          Integer.parseInt(r.get("groups")),
          r.getOrDefault("recall", "-"));
    }
    table.print(report.out);
    report.note(
        "embed s: embedAll over every text in EmbeddingCache chunks (summed over the runs that"
            + " embedded them). recall: see recall_kind in the RESULT lines.");
    for (Map<String, String> r : results) {
      report.result(NAME + "-scale", r);
    }
  }

  private List<Map<String, String>> runChild(Path dataDir, int size, Report report) {
    List<String> args = new ArrayList<>();
    args.add(NAME);
    args.add("--sizes=" + size);
    if (vectors != null) {
      args.add("--vectors=" + Path.of(vectors).toAbsolutePath());
      args.add("--recall=" + recall);
      args.add("--timed=" + timed);
    }
    args.add("--fork=false");
    args.add("--precision=" + precision.id());
    args.add("--data=" + dataDir.toAbsolutePath());
    args.add("--dedupe-reps=" + reps);
    args.add("--dedupe-warmup=" + warmup);
    args.add("--top-k=" + topK);
    if (threshold != null) {
      args.add("--threshold=" + threshold);
    }
    report.log(
        "dedupe: N=%d in a fresh JVM %s", size, jvmArgs.isBlank() ? "" : "(" + jvmArgs + ")");
    List<Map<String, String>> results = new ArrayList<>();
    ChildJvm.run(
        "dedupe N=" + size,
        jvmArgs,
        args,
        Map.of(),
        line -> {
          Map<String, String> r =
              Report.parseResult(line, vectors != null ? NAME + "-scale" : NAME);
          if (r != null) {
            results.add(r);
          }
        });
    if (results.isEmpty()) {
      throw new IllegalStateException("The JVM for dedupe N=" + size + " reported no result");
    }
    return results;
  }

  private static double parseThreshold(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--threshold needs a number, was '" + value + "'", e);
    }
  }
}
