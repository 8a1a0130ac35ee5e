package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void namesThenOptionsInBothForms() {
    Options o =
        Options.parse("dedupe", "latency", "--sizes", "1000,10k,100_000", "--fork=false", "--x");
    assertThat(o.names()).containsExactly("dedupe", "latency");
    assertThat(o.integers("sizes", List.of(), 1)).containsExactly(1000, 10_000, 100_000);
    assertThat(o.flag("fork")).isFalse();
    assertThat(o.flag("x")).isTrue();
    assertThat(o.integer("reps", 5, 1)).isEqualTo(5);
    o.checkAllUsed();
  }

  @Test
  void unreadOptionIsRejectedByName() {
    Options o = Options.parse("latency", "--pairs", "10", "--pears", "3");
    o.integer("pairs", 1, 1);
    assertThatThrownBy(o::checkAllUsed).hasMessageContaining("--pears");
  }

  @Test
  void badValuesNameTheOption() {
    Options o = Options.parse("throughput", "--reps", "zero", "--questions", "0", "--fork", "x");
    assertThatThrownBy(() -> o.integer("reps", 1, 1)).hasMessageContaining("--reps");
    assertThatThrownBy(() -> o.integer("questions", 1, 1))
        .hasMessageContaining("--questions must be >= 1, was 0");
    assertThatThrownBy(() -> o.flag("fork")).hasMessageContaining("--fork");
  }

  @Test
  void malformedCommandLines() {
    assertThatThrownBy(() -> Options.parse("a", "--k", "1", "--k", "2"))
        .hasMessageContaining("--k is given twice");
    assertThatThrownBy(() -> Options.parse("a", "--k", "1", "b"))
        .hasMessageContaining("'b' must come before");
    assertThatThrownBy(() -> BenchMain.expand(List.of("througput")))
        .hasMessageContaining("Unknown benchmark 'througput'");
    assertThatThrownBy(() -> BenchMain.expand(List.of())).hasMessageContaining("at least one");
  }

  @Test
  void allRunsThroughputLastSoItsRatioEndsTheOutput() {
    assertThat(BenchMain.expand(List.of("latency", "all")))
        .containsExactly("latency", "dedupe", "index", "train-step", "throughput");
  }
}
