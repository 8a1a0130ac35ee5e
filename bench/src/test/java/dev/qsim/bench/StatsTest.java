package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {
  // Hand-checked: sorted {1, 2, 3, 4, 10}; median 3; mean 20/5 = 4; nearest-rank p50 = ceil(2.5) =
  // 3rd = 3, p90 = ceil(4.5) = 5th = 10, p20 = ceil(1.0) = 1st = 1, p21 = ceil(1.05) = 2nd = 2.
  private static final double[] FIVE = {4, 1, 10, 3, 2};

  @Test
  void oddCount() {
    assertThat(Stats.median(FIVE)).isEqualTo(3);
    assertThat(Stats.mean(FIVE)).isEqualTo(4);
    assertThat(Stats.percentile(FIVE, 50)).isEqualTo(3);
    assertThat(Stats.percentile(FIVE, 90)).isEqualTo(10);
    assertThat(Stats.percentile(FIVE, 20)).isEqualTo(1);
    assertThat(Stats.percentile(FIVE, 21)).isEqualTo(2);
    assertThat(Stats.percentile(FIVE, 100)).isEqualTo(10);
    assertThat(Stats.min(FIVE)).isEqualTo(1);
    assertThat(Stats.max(FIVE)).isEqualTo(10);
  }

  @Test
  void evenCountMedianIsMeanOfMiddlePair() {
    assertThat(Stats.median(new double[] {8, 2, 4, 6})).isEqualTo(5);
  }

  @Test
  void p99Of500IsThe495thValue() {
    double[] v = new double[500];
    for (int i = 0; i < v.length; i++) {
      v[i] = 500 - i; // 500 .. 1, unsorted order
    }
    assertThat(Stats.percentile(v, 99)).isEqualTo(495);
    assertThat(Stats.percentile(v, 50)).isEqualTo(250);
  }

  @Test
  void doesNotSortTheCallersArray() {
    double[] v = FIVE.clone();
    Stats.median(v);
    assertThat(v).containsExactly(FIVE);
  }

  @Test
  void badInputs() {
    assertThatThrownBy(() -> Stats.median(new double[0])).hasMessageContaining("no measurements");
    assertThatThrownBy(() -> Stats.mean(new double[] {1, Double.NaN}))
        .hasMessageContaining("measurement 1 is NaN");
    assertThatThrownBy(() -> Stats.percentile(FIVE, 0)).hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> Stats.percentile(FIVE, 101)).hasMessageContaining("101");
  }
}
