package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The calibration rule against values worked out by hand (and checked with a brute-force Python
 * sweep over every midpoint threshold): eight pairs, four duplicates.
 */
class CalibrationTest {
  private static final double[] SIMILARITIES = {0.95, 0.90, 0.85, 0.80, 0.70, 0.60, 0.50, 0.40};
  private static final boolean[] DUPLICATES = {true, true, false, true, false, true, false, false};
  private static final double[] HEAD = {0.9, 0.8, 0.7, 0.3, 0.6, 0.75, 0.76, 0.1};

  @Test
  void similarityOnlyTakesTheLowestOfTheTiedBestBalancedAccuracySplits() {
    // Splits after 2, 4 and 6 of the sorted similarities all reach balanced accuracy 0.75;
    // the lowest threshold, the midpoint (0.60 + 0.50) / 2, wins.
    Calibration c = Calibration.of(SIMILARITIES, null, DUPLICATES, Double.NaN);
    assertThat(c.similarity().threshold()).isCloseTo(0.55, within(1e-12));
    assertThat(c.similarity().balancedAccuracy()).isCloseTo(0.75, within(1e-12));
    assertThat(c.decision()).isEmpty();
    assertThat(c.candidateThreshold()).isEmpty();
  }

  @Test
  void candidateThresholdKeepsThePairsTheCalibratedDecisionAccepts() {
    // Head: best balanced accuracy 0.75 at (0.78 and) 0.725, the lower wins. It accepts the pairs
    // with similarities 0.95, 0.90, 0.60 and 0.50; 99% of 4 keeps all 4, so the candidate
    // threshold is 0.50, below the similarity threshold 0.55.
    Calibration c = Calibration.of(SIMILARITIES, HEAD, DUPLICATES, Double.NaN);
    assertThat(c.decision())
        .hasValueSatisfying(
            d -> {
              assertThat(d.threshold()).isCloseTo(0.725, within(1e-12));
              assertThat(d.balancedAccuracy()).isCloseTo(0.75, within(1e-12));
            });
    assertThat(c.candidateThreshold().getAsDouble()).isCloseTo(0.50, within(1e-12));
  }

  @Test
  void candidateThresholdNeverExceedsTheSimilarityThreshold() {
    // At the model's own threshold 0.78 the head accepts only similarities 0.95 and 0.90: the
    // coverage rule gives 0.90, capped at the similarity threshold 0.55.
    Calibration c = Calibration.of(SIMILARITIES, HEAD, DUPLICATES, 0.78);
    assertThat(c.candidateThreshold().getAsDouble()).isCloseTo(0.55, within(1e-12));
  }

  @Test
  void aDecisionThatAcceptsNothingIsAnError() {
    assertThatThrownBy(() -> Calibration.of(SIMILARITIES, HEAD, DUPLICATES, 2.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accepts none");
    assertThatThrownBy(() -> Calibration.of(SIMILARITIES, new double[3], DUPLICATES, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
