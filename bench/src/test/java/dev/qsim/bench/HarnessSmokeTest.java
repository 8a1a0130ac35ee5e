package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark once on a handful of real questions, in this JVM: checks the plumbing and
 * the output format, never the timings.
 */
class HarnessSmokeTest {

  private static String[] run(int expectedRc, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        BenchMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(rc)
        .as("exit code; stderr:%n%s", err.toString(StandardCharsets.UTF_8))
        .isEqualTo(expectedRc);
    return new String[] {
      out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
    };
  }

  private static Map<String, String> result(
      List<String> lines, String benchmark, String key, String value) {
    return lines.stream()
        .map(l -> Report.parseResult(l, benchmark))
        .filter(r -> r != null && (key == null || value.equals(r.get(key))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT " + benchmark + " line in\n" + lines));
  }

  @Test
  void askedBeforeFindsTheLabelledDuplicatesOfRealDevQuestions() {
    String[] io =
        run(
            0,
            "asked",
            "--data",
            CorpusTest.data().toString(),
            "--asked-queries",
            "12",
            "--asked-others",
            "60");
    Map<String, String> asked = result(io[0].lines().toList(), "asked", null, null);
    assertThat(asked.get("queries")).isEqualTo("12");
    assertThat(asked.get("stored")).isEqualTo("72");
    assertThat(asked.get("decision")).isEqualTo("PAIR_HEAD");
    double right = Double.parseDouble(asked.get("top_match_right"));
    // The default decision is about 85% accurate on dev pairs: most queries find their duplicate.
    assertThat(right).isGreaterThanOrEqualTo(0.5);
    assertThat(Double.parseDouble(asked.get("answered"))).isGreaterThanOrEqualTo(right);
  }

  @Test
  void allBenchmarksOnTinyInputs() {
    String[] io =
        run(
            0,
            "all",
            "--data",
            CorpusTest.data().toString(),
            "--questions",
            "20",
            "--reps",
            "1",
            "--pairs",
            "8",
            "--warmup",
            "2",
            "--sizes",
            "20",
            "--fork",
            "false",
            "--dedupe-warmup",
            "0",
            "--index-size",
            "40",
            "--index-queries",
            "5",
            "--index-warmup",
            "1",
            "--recall-queries",
            "5",
            "--steps",
            "1",
            "--step-warmup",
            "0");
    List<String> lines = io[0].lines().toList();
    assertThat(lines.get(lines.size() - 1)).matches("ratio qsim-fp32/langchain4j = \\d+\\.\\d\\d");

    Map<String, String> qsim = result(lines, "throughput", "impl", "qsim");
    assertThat(qsim.get("questions")).isEqualTo("20");
    assertThat(Double.parseDouble(qsim.get("sentences_per_s"))).isPositive();
    assertThat(Double.parseDouble(qsim.get("median_cpu_s"))).isPositive();
    result(lines, "throughput", "impl", "langchain4j");
    // The first 20 dev questions are short: both implementations give the same vectors.
    Map<String, String> check = result(lines, "throughput-check", null, null);
    assertThat(check.get("within_1e-4")).isEqualTo("20");
    assertThat(Double.parseDouble(check.get("min_cosine"))).isGreaterThan(0.9999);

    Map<String, String> latency = result(lines, "latency", null, null);
    assertThat(latency.get("pairs")).isEqualTo("8");
    assertThat(Double.parseDouble(latency.get("p99_ms")))
        .isGreaterThanOrEqualTo(Double.parseDouble(latency.get("p50_ms")));

    Map<String, String> dedupe = result(lines, "dedupe", null, null);
    assertThat(dedupe.get("questions")).isEqualTo("20");
    assertThat(dedupe.get("search_stage_seen")).isEqualTo("true");
    assertThat(dedupe.get("topped_up")).isEqualTo("0");
    assertThat(Double.parseDouble(dedupe.get("cpu_s"))).isPositive();
    assertThat(Double.parseDouble(dedupe.get("peak_heap_mb"))).isPositive();
    assertThat(Double.parseDouble(dedupe.get("total_s")))
        .isGreaterThanOrEqualTo(Double.parseDouble(dedupe.get("search_s")));

    Map<String, String> index = result(lines, "index", null, null);
    assertThat(index.get("size")).isEqualTo("40");
    assertThat(index.get("queries")).isEqualTo("5");
    // Exact search over 40 vectors: the graph finds every true neighbour.
    assertThat(Double.parseDouble(index.get("recall_at_10"))).isEqualTo(1.0);
    assertThat(Double.parseDouble(index.get("asked_p99_ms")))
        .isGreaterThanOrEqualTo(Double.parseDouble(index.get("asked_p50_ms")));

    Map<String, String> step = result(lines, "train-step", null, null);
    assertThat(step.get("status")).isIn("skipped", "ran");

    assertThat(io[0])
        .contains("== throughput", "== latency", "== dedupe", "== index", "== train-step");
  }

  @Test
  void badCommandLinesExitWith2BeforeAnyWork() {
    assertThat(run(2, "latency", "--pairs", "0")[1]).contains("--pairs must be >= 1", "usage:");
    assertThat(run(2, "latency", "--sizes", "1000")[1]).contains("Unknown option --sizes");
    assertThat(run(2, "nonsense")[1]).contains("Unknown benchmark 'nonsense'");
    assertThat(run(2)[1]).contains("Name at least one benchmark");
  }
}
