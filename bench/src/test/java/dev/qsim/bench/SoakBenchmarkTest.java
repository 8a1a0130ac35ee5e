package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak benchmark's plumbing on a few calls; the timings and memory are not checked. */
class SoakBenchmarkTest {

  @Test
  void samplesMemoryTenTimesAndIsNotPartOfAll() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        BenchMain.run(
            new String[] {
              "soak", "--data", CorpusTest.data().toString(), "--calls", "40", "--soak-pairs", "7"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Map<String, String> result =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .map(l -> Report.parseResult(l, SoakBenchmark.NAME))
            .filter(r -> r != null)
            .findFirst()
            .orElseThrow();
    assertThat(result).containsEntry("calls", "40").containsEntry("threads", "2");
    assertThat(result.get("rss_mb").split(",")).hasSize(11);
    for (String mb : result.get("rss_mb").split(",")) {
      assertThat(Double.parseDouble(mb)).isPositive();
    }
    assertThat(BenchMain.expand(java.util.List.of("all"))).doesNotContain(SoakBenchmark.NAME);
  }
}
