package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CascadeBandTest {
  // Sorted by head probability; the head (threshold 0.5) is wrong on the 2nd and 5th pair, the
  // verifier (threshold 0.5) is right on every pair.
  private static final double[] HEAD = {0.1, 0.3, 0.45, 0.55, 0.7, 0.9};
  private static final double[] VERIFIER = {0.1, 0.9, 0.1, 0.9, 0.1, 0.9};
  private static final double[] LABELS = {0, 1, 0, 1, 0, 1};

  @Test
  void noLossNeedsEveryPairTheHeadGetsWrongInTheBand() {
    CascadeBand band = CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 0);
    assertThat(band.lower()).isCloseTo(0.2, within(1e-12));
    assertThat(band.upper()).isCloseTo(0.8, within(1e-12));
    assertThat(band.inBand()).isEqualTo(4);
    assertThat(band.accuracy()).isEqualTo(1.0);
    assertThat(band.headAccuracy()).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(band.verifierAccuracy()).isEqualTo(1.0);
  }

  @Test
  void oneMistakeAllowedTakesTheNarrowestBandAroundTheThreshold() {
    CascadeBand band = CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 1 / 6.0);
    assertThat(band.inBand()).isEqualTo(2);
    assertThat(band.accuracy()).isCloseTo(5 / 6.0, within(1e-12));
    assertThat(band.lower()).isEqualTo(0.5);
    assertThat(band.upper()).isCloseTo(0.8, within(1e-12));
    assertThat(band.share()).isCloseTo(2 / 6.0, within(1e-12));
  }

  @Test
  void anyLossAllowedIsAnEmptyBandAtTheThreshold() {
    CascadeBand band = CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 1);
    assertThat(band.inBand()).isZero();
    assertThat(band.lower()).isEqualTo(0.5);
    assertThat(band.upper()).isEqualTo(0.5);
    assertThat(band.accuracy()).isEqualTo(band.headAccuracy());
  }

  @Test
  void onRandomScoresTheBandHoldsItsPromiseAndItsThreshold() {
    Random random = new Random(7);
    for (int run = 0; run < 50; run++) {
      int n = 20 + random.nextInt(200);
      double[] head = new double[n];
      double[] verifier = new double[n];
      double[] labels = new double[n];
      for (int i = 0; i < n; i++) {
        labels[i] = random.nextBoolean() ? 1 : 0;
        head[i] = Math.min(1, Math.max(0, labels[i] * 0.3 + 0.35 + random.nextGaussian() * 0.2));
        verifier[i] =
            Math.min(1, Math.max(0, labels[i] * 0.5 + 0.25 + random.nextGaussian() * 0.2));
      }
      double threshold = 0.3 + random.nextDouble() * 0.4;
      double loss = random.nextInt(4) / 100.0;
      CascadeBand band = CascadeBand.choose(head, verifier, labels, threshold, 0.5, loss);
      assertThat(band.lower()).isLessThanOrEqualTo(threshold);
      assertThat(band.upper()).isGreaterThanOrEqualTo(threshold);
      assertThat(band.accuracy()).isGreaterThanOrEqualTo(band.verifierAccuracy() - loss - 1e-9);
      // Recount: the pairs in [lower, upper] are those the band says, and the accuracy is theirs.
      int inBand = 0;
      int right = 0;
      for (int i = 0; i < n; i++) {
        boolean in = head[i] >= band.lower() && head[i] <= band.upper();
        inBand += in ? 1 : 0;
        boolean call = in ? verifier[i] >= 0.5 : head[i] >= threshold;
        right += call == (labels[i] == 1) ? 1 : 0;
      }
      assertThat(inBand).as("run %d", run).isEqualTo(band.inBand());
      assertThat((double) right / n).as("run %d", run).isCloseTo(band.accuracy(), within(1e-12));
    }
  }

  @Test
  void aBandUpToOneVerifiesEveryPairTheHeadWouldAccept() {
    CascadeBand band = CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 0, true);
    assertThat(band.upper()).isEqualTo(1.0);
    assertThat(band.lower()).isCloseTo(0.2, within(1e-12));
    assertThat(band.inBand()).isEqualTo(5);
    assertThat(band.accuracy()).isEqualTo(1.0);
    CascadeBand loose = CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 1, true);
    assertThat(loose.upper()).isEqualTo(1.0);
    assertThat(loose.lower()).isEqualTo(0.5);
    assertThat(loose.inBand()).isEqualTo(3);
  }

  @Test
  void mismatchedInputsAreRefused() {
    assertThatThrownBy(() -> CascadeBand.choose(HEAD, new double[2], LABELS, 0.5, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one head probability");
    assertThatThrownBy(() -> CascadeBand.choose(HEAD, VERIFIER, LABELS, 0.5, 0.5, 2))
        .hasMessageContaining("maxLoss");
  }
}
