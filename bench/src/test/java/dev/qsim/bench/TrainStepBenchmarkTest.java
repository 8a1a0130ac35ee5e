package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class TrainStepBenchmarkTest {

  @Test
  void summaryPatternReadsTheTrainingModulesLastLines() {
    // Lines as FineTuneStepBenchmark printed them on 2026-11-29.
    Matcher m =
        TrainStepBenchmark.SUMMARY.matcher(
            "median 5.149 s/step, mean 5.755 s/step, min 4.241 s, max 9.488 s over 10 steps;"
                + " 6.2 pairs/s");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("5.149");
    assertThat(m.group(5)).isEqualTo("10");
    assertThat(m.group(6)).isEqualTo("6.2");
    Matcher c =
        TrainStepBenchmark.CPU.matcher(
            "median process CPU time 2.420 s/step (all threads; the machine's load average was"
                + " 11.86)");
    assertThat(c.find()).isTrue();
    assertThat(c.group(1)).isEqualTo("2.420");
  }
}
