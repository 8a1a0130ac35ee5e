package dev.qsim.bench;

import dev.qsim.QuestionPair;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A soak test of one shared model: {@code --calls} {@code similarity(q1, q2)} calls, spread over
 * {@code --soak-threads} threads that cycle through the Quora dev pairs, with the process's
 * resident memory (RSS, from {@code /proc/self/status}) and the heap in use sampled every tenth of
 * the calls. Memory that grows sample after sample is a leak; memory that settles is the working
 * set. Not part of {@code all}: a million calls take an hour or more.
 *
 * <p>Not thread-safe.
 */
final class SoakBenchmark {
  static final String NAME = "soak";

  private static final int SAMPLES = 10;

  private final long calls;
  private final int threads;
  private final int pairCount;

  SoakBenchmark(Options options) {
    this.calls = options.integer("calls", 1_000_000, SAMPLES);
    this.threads = options.integer("soak-threads", 2, 1);
    this.pairCount = options.integer("soak-pairs", 10_000, 1);
  }

  /** One sample: calls completed, seconds since the start, RSS and heap in use. */
  record Sample(long calls, double seconds, double rssMb, double heapMb) {}

  void run(Path dataDir, Report report) {
    List<QuestionPair> pairs = Corpus.devPairs(dataDir, 0, pairCount);
    report.log(
        "soak: %,d similarity calls on %d threads over %,d Quora dev pairs; RSS every %,d calls",
        calls, threads, pairs.size(), calls / SAMPLES);
    List<Sample> samples = new ArrayList<>();
    double checksum;
    try (OnnxQuestionSimilarity qsim = OnnxQuestionSimilarity.bundled()) {
      samples.add(sample(0, System.nanoTime()));
      checksum = soak(qsim, pairs, samples, report);
    }
    report.log("soak: checksum of scores %.4f", checksum);
    report.title(
        String.format(
            Locale.ROOT,
            "soak: %,d similarity(q1, q2) calls on %d threads, one shared model; resident memory"
                + " (RSS) and heap in use every %,d calls",
            calls,
            threads,
            calls / SAMPLES));
    Report.Table table = new Report.Table("calls", "seconds", "RSS MB", "heap MB");
    for (Sample s : samples) {
      table.row(s.calls(), s.seconds(), s.rssMb(), s.heapMb());
    }
    table.print(report.out);
    Sample last = samples.get(samples.size() - 1);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("calls", calls);
    f.put("threads", threads);
    f.put("seconds", last.seconds());
    f.put("calls_per_s", calls / last.seconds());
    f.put("rss_mb", series(samples, Sample::rssMb));
    f.put("heap_mb", series(samples, Sample::heapMb));
    f.put("rss_growth_second_half_mb", last.rssMb() - samples.get(SAMPLES / 2).rssMb());
    report.result(NAME, f);
  }

  private double soak(
      OnnxQuestionSimilarity qsim, List<QuestionPair> pairs, List<Sample> samples, Report report) {
    long start = System.nanoTime();
    long step = calls / SAMPLES;
    AtomicLong next = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    double[] sums = new double[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int worker = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (long i = next.getAndIncrement();
                      i < calls && failure.get() == null;
                      i = next.getAndIncrement()) {
                    QuestionPair p = pairs.get((int) (i % pairs.size()));
                    sums[worker] += qsim.similarity(p.first(), p.second());
                    long done = i + 1;
                    if (done % step == 0) {
                      Sample s = sample(done, start);
                      synchronized (samples) {
                        samples.add(s);
                      }
                      report.log(
                          "soak: %,d calls, %.0f s, RSS %.0f MB, heap %.0f MB",
                          done, s.seconds(), s.rssMb(), s.heapMb());
                    }
                  }
                } catch (RuntimeException | Error e) {
                  failure.compareAndSet(null, e);
                }
              },
              "qsim-soak-" + t);
      workers.add(thread);
      thread.start();
    }
    for (Thread thread : workers) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted during the soak", e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("A soak call failed: " + failure.get(), failure.get());
    }
    samples.sort((a, b) -> Long.compare(a.calls(), b.calls()));
    double sum = 0;
    for (double s : sums) {
      sum += s;
    }
    return sum;
  }

  private static Sample sample(long done, long start) {
    Runtime rt = Runtime.getRuntime();
    double heap = (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    return new Sample(done, (System.nanoTime() - start) / 1e9, rssMb(), heap);
  }

  /** This process's resident set size, from {@code /proc/self/status}; NaN where there is none. */
  static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static String series(
      List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return samples.stream()
        .map(s -> String.format(Locale.ROOT, "%.0f", f.applyAsDouble(s)))
        .collect(Collectors.joining(","));
  }
}
