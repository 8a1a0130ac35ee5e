package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

  /*
   * Hand-checked: groups {0, 1} and {2, 3, 4}; question 5 has no known duplicate.
   *   q0 ranks 5 1 2 3 4 -> first duplicate (1) at rank 2: RR 1/2, recall@1 0, recall@10 1
   *   q1 ranks 0 ...      -> RR 1, recall@1 1, recall@10 1
   *   q2 ranks 1 3 0 4 5  -> duplicates 3, 4: RR 1/2, recall@1 0, recall@10 2/2
   *   q3 ranks 3 2 4      -> itself skipped, so 2 is rank 1: RR 1, recall@1 1/2, recall@10 1
   *   q4 ranks 5 (cut)    -> RR 0, recall 0
   * MRR = (.5 + 1 + .5 + 1 + 0) / 5 = 0.6; recall@1 = (0 + 1 + 0 + .5 + 0) / 5 = 0.3;
   * recall@10 = 4 / 5 = 0.8
   */
  @Test
  void handCheckedCase() {
    int[] groups = {0, 0, 1, 1, 1, -1};
    int[][] rankings = {{5, 1, 2, 3, 4}, {0, 2, 3, 4, 5}, {1, 3, 0, 4, 5}, {3, 2, 4}, {5}, {0, 1}};
    RetrievalMetrics m = RetrievalMetrics.of(groups, q -> rankings[q]);
    assertThat(m.queries()).isEqualTo(5);
    assertThat(m.meanReciprocalRank()).isCloseTo(0.6, within(1e-12));
    assertThat(m.recallAt1()).isCloseTo(0.3, within(1e-12));
    assertThat(m.recallAt10()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void recallAtTenCountsOnlyTheFirstTenCandidates() {
    int n = 13;
    int[] groups = new int[n];
    for (int i = 0; i < n; i++) {
      groups[i] = i < 2 ? 7 : -1 - i; // 0 and 1 duplicates; the rest unique negative ids
    }
    // query 0 sees its duplicate at rank 11; query 1 at rank 1
    int[] late = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 12};
    int[] early = {0, 2, 3};
    RetrievalMetrics m = RetrievalMetrics.of(groups, q -> q == 0 ? late : early);
    assertThat(m.queries()).isEqualTo(2);
    assertThat(m.meanReciprocalRank()).isCloseTo((1.0 / 11 + 1) / 2, within(1e-12));
    assertThat(m.recallAt10()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void noQueriesGiveNaN() {
    RetrievalMetrics m = RetrievalMetrics.of(new int[] {0, 1, -1}, q -> new int[0]);
    assertThat(m.queries()).isZero();
    assertThat(m.meanReciprocalRank()).isNaN();
  }

  @Test
  void badRankingsAreRejectedNamingQueryAndPosition() {
    int[] groups = {0, 0, -1};
    assertThatThrownBy(() -> RetrievalMetrics.of(groups, q -> new int[] {1, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query 0")
        .hasMessageContaining("index 3 at position 1");
    assertThatThrownBy(() -> RetrievalMetrics.of(groups, q -> new int[] {2, 1, 2}))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> RetrievalMetrics.of(groups, q -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("query 0");
  }
}
