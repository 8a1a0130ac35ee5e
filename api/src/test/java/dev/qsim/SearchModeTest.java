package dev.qsim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchModeTest {
  @Test
  void autoIsExactUpToTheLimitAndApproximateAbove() {
    long limit = DuplicateOptions.AUTO_EXACT_LIMIT;
    assertThat(SearchMode.AUTO.forSize(0)).isEqualTo(SearchMode.EXACT);
    assertThat(SearchMode.AUTO.forSize(limit)).isEqualTo(SearchMode.EXACT);
    assertThat(SearchMode.AUTO.forSize(limit + 1)).isEqualTo(SearchMode.APPROXIMATE);
  }

  @Test
  void anExplicitModeIsKeptAtAnySize() {
    assertThat(SearchMode.EXACT.forSize(10_000_000)).isEqualTo(SearchMode.EXACT);
    assertThat(SearchMode.APPROXIMATE.forSize(2)).isEqualTo(SearchMode.APPROXIMATE);
  }
}
