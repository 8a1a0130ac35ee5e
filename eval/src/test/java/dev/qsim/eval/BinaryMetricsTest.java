package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  private static final double EPS = 1e-12;

  /*
   * Hand-checked case. Scores and labels, highest first:
   *   0.9 dup, 0.8 dup, 0.7 non, 0.6 dup, 0.55 non, 0.4 non   (P = 3, N = 3)
   * AP = 1/3 * 1 (at 0.9) + 1/3 * 1 (at 0.8) + 1/3 * 3/4 (at 0.6) = 11/12
   * AUC: 0.9 and 0.8 beat all 3 negatives, 0.6 beats 2 -> 8/9
   * Splits (score >= t): accuracy by split
   *   none 3/6, >=0.9 4/6, >=0.8 5/6, >=0.7 4/6, >=0.6 5/6, >=0.55 4/6, all 3/6
   *   best 5/6 twice -> lowest threshold wins -> between 0.6 and 0.55 -> t = 0.575
   *   F1: >=0.8: 4/5, >=0.6: 6/7 (best), >=0.55: 6/8 -> t = 0.575
   *   balanced accuracy: >=0.8: (2/3 + 1)/2 = 5/6, >=0.6: (1 + 2/3)/2 = 5/6 -> tie -> t = 0.575
   * At t = 0.6: tp 3 fp 1 tn 2 fn 0: accuracy 5/6, precision 3/4, recall 1, F1 6/7,
   *   balanced accuracy 5/6.
   */
  private static final double[] SCORES = {0.6, 0.9, 0.4, 0.8, 0.55, 0.7};
  private static final double[] LABELS = {1, 1, 0, 1, 0, 0};

  @Test
  void handCheckedCase() {
    BinaryMetrics m = BinaryMetrics.of(SCORES, LABELS);
    assertThat(m.size()).isEqualTo(6);
    assertThat(m.duplicateCount()).isEqualTo(3);
    assertThat(m.averagePrecision()).isCloseTo(11.0 / 12, within(EPS));
    assertThat(m.rocAuc()).isCloseTo(8.0 / 9, within(EPS));

    ThresholdMetrics at = m.at(0.6);
    assertThat(at).isEqualTo(new ThresholdMetrics(0.6, 3, 1, 2, 0));
    assertThat(at.accuracy()).isCloseTo(5.0 / 6, within(EPS));
    assertThat(at.precision()).isCloseTo(0.75, within(EPS));
    assertThat(at.recall()).isEqualTo(1.0);
    assertThat(at.f1()).isCloseTo(6.0 / 7, within(EPS));
    assertThat(at.balancedAccuracy()).isCloseTo(5.0 / 6, within(EPS));

    ThresholdMetrics acc = m.bestAccuracy();
    assertThat(acc.threshold()).isCloseTo(0.575, within(EPS));
    assertThat(acc.accuracy()).isCloseTo(5.0 / 6, within(EPS));
    ThresholdMetrics f1 = m.bestF1();
    assertThat(f1.threshold()).isCloseTo(0.575, within(EPS));
    assertThat(f1.f1()).isCloseTo(6.0 / 7, within(EPS));
    ThresholdMetrics bal = m.bestBalancedAccuracy();
    assertThat(bal.threshold()).isCloseTo(0.575, within(EPS));
    assertThat(bal.balancedAccuracy()).isCloseTo(5.0 / 6, within(EPS));
  }

  @Test
  void curvesOfTheHandCheckedCase() {
    BinaryMetrics m = BinaryMetrics.of(SCORES, LABELS);
    assertThat(m.precisionRecallCurve())
        .containsExactly(
            new PrecisionRecallPoint(0.9, 1, 1.0 / 3),
            new PrecisionRecallPoint(0.8, 1, 2.0 / 3),
            new PrecisionRecallPoint(0.7, 2.0 / 3, 2.0 / 3),
            new PrecisionRecallPoint(0.6, 0.75, 1),
            new PrecisionRecallPoint(0.55, 0.6, 1),
            new PrecisionRecallPoint(0.4, 0.5, 1));
    List<RocPoint> roc = m.rocCurve();
    assertThat(roc).hasSize(7);
    assertThat(roc.get(0)).isEqualTo(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
    assertThat(roc.get(3)).isEqualTo(new RocPoint(0.7, 1.0 / 3, 2.0 / 3));
    assertThat(roc.get(6)).isEqualTo(new RocPoint(0.4, 1, 1));
    // the trapezoid area under the ROC points equals rocAuc()
    double area = 0;
    for (int i = 1; i < roc.size(); i++) {
      area +=
          (roc.get(i).falsePositiveRate() - roc.get(i - 1).falsePositiveRate())
              * (roc.get(i).truePositiveRate() + roc.get(i - 1).truePositiveRate())
              / 2;
    }
    assertThat(area).isCloseTo(m.rocAuc(), within(EPS));
  }

  @Test
  void histogramCountsEveryScoreOnce() {
    BinaryMetrics m = BinaryMetrics.of(SCORES, LABELS);
    ScoreHistogram h = m.histogram(5, 0, 1);
    // bins [0,.2) [.2,.4) [.4,.6) [.6,.8) [.8,1]
    assertThat(h.duplicates()).containsExactly(0, 0, 0, 1, 2);
    assertThat(h.nonDuplicates()).containsExactly(0, 0, 2, 1, 0);
    assertThat(h.binWidth()).isCloseTo(0.2, within(EPS));
    assertThat(h.binLower(3)).isCloseTo(0.6, within(EPS));
    // bins [.5,.55) [.55,.6]; 0.4 is clamped into the first, 0.7 .. 0.9 into the last
    ScoreHistogram clamped = m.histogram(2, 0.5, 0.6);
    assertThat(clamped.duplicates()).containsExactly(0, 3);
    assertThat(clamped.nonDuplicates()).containsExactly(1, 2);
    ScoreHistogram auto = m.histogram(3);
    assertThat(auto.lower()).isEqualTo(0.4);
    assertThat(auto.upper()).isEqualTo(0.9);
    long total = 0;
    for (int b = 0; b < auto.bins(); b++) {
      total += auto.duplicates()[b] + auto.nonDuplicates()[b];
    }
    assertThat(total).isEqualTo(6);
    assertThatThrownBy(() -> m.histogram(0)).hasMessageContaining("bins");
    assertThatThrownBy(() -> m.histogram(3, 1, 1)).hasMessageContaining("lower < upper");
  }

  @Test
  void matchesBruteForceDefinitionsOnSeededRandomData() {
    Random random = new Random(20261129);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(60);
      double[] scores = new double[n];
      boolean[] dup = new boolean[n];
      boolean coarse = trial % 2 == 0; // coarse scores force many ties
      for (int i = 0; i < n; i++) {
        dup[i] = random.nextDouble() < 0.4;
        double s = random.nextGaussian() * 0.3 + (dup[i] ? 0.3 : 0);
        scores[i] = coarse ? Math.round(s * 5) / 5.0 : s;
      }
      BinaryMetrics m = BinaryMetrics.of(scores, dup);
      String why = "trial " + trial;
      assertThat(m.averagePrecision()).as(why).isEqualTo(bruteAp(scores, dup), within(1e-12));
      assertThat(m.rocAuc()).as(why).isEqualTo(bruteAuc(scores, dup), within(1e-12));
      TreeSet<Double> candidates = new TreeSet<>();
      for (double s : scores) {
        candidates.add(s);
      }
      candidates.add(Math.nextUp(candidates.last()));
      double bestAcc = -1;
      double bestF1 = -1;
      double bestBal = -1;
      for (double t : candidates) {
        ThresholdMetrics c = bruteAt(scores, dup, t);
        bestAcc = Math.max(bestAcc, c.accuracy());
        bestF1 = Math.max(bestF1, c.f1());
        bestBal = Math.max(bestBal, c.balancedAccuracy());
        assertThat(m.at(t)).as(why).isEqualTo(c);
      }
      assertThat(m.bestAccuracy().accuracy()).as(why).isCloseTo(bestAcc, within(1e-12));
      assertThat(m.bestF1().f1()).as(why).isCloseTo(bestF1, within(1e-12));
      assertThat(m.bestBalancedAccuracy().balancedAccuracy())
          .as(why)
          .isCloseTo(bestBal, within(1e-12));
      // the reported threshold reproduces the reported split
      for (ThresholdMetrics best :
          List.of(m.bestAccuracy(), m.bestF1(), m.bestBalancedAccuracy())) {
        assertThat(bruteAt(scores, dup, best.threshold())).as(why).isEqualTo(best);
      }
    }
  }

  /** Average precision from its definition, one threshold per distinct score, O(n^2). */
  private static double bruteAp(double[] s, boolean[] dup) {
    TreeSet<Double> thresholds = new TreeSet<>();
    for (double v : s) {
      thresholds.add(v);
    }
    int positives = 0;
    for (boolean d : dup) {
      positives += d ? 1 : 0;
    }
    if (positives == 0 || positives == s.length) {
      return Double.NaN;
    }
    double ap = 0;
    double previousRecall = 0;
    for (double t : thresholds.descendingSet()) {
      int tp = 0;
      int predicted = 0;
      for (int i = 0; i < s.length; i++) {
        if (s[i] >= t) {
          predicted++;
          tp += dup[i] ? 1 : 0;
        }
      }
      double recall = (double) tp / positives;
      ap += (recall - previousRecall) * tp / predicted;
      previousRecall = recall;
    }
    return ap;
  }

  /** ROC-AUC as the share of (duplicate, non-duplicate) pairs ordered right, ties 1/2. */
  private static double bruteAuc(double[] s, boolean[] dup) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (dup[i] && !dup[j]) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return pairs == 0 ? Double.NaN : wins / pairs;
  }

  private static ThresholdMetrics bruteAt(double[] s, boolean[] dup, double t) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < s.length; i++) {
      boolean predicted = s[i] >= t;
      if (predicted && dup[i]) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (dup[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new ThresholdMetrics(t, tp, fp, tn, fn);
  }

  @Test
  void tiesAreNeverSplit() {
    // three pairs share 0.5: one duplicate, two not
    BinaryMetrics m =
        BinaryMetrics.of(new double[] {0.5, 0.5, 0.5, 0.9}, new double[] {1, 0, 0, 1});
    assertThat(m.rocAuc()).isCloseTo((2 * 1 + 0.5 * 2) / 4.0, within(EPS)); // 0.75
    // AP: at 0.9 P=1 R=1/2, at 0.5 P=2/4 R=1 -> 1/2 + 1/2 * 1/2
    assertThat(m.averagePrecision()).isCloseTo(0.75, within(EPS));
    ThresholdMetrics best = m.bestAccuracy();
    assertThat(best.threshold()).isCloseTo(0.7, within(EPS));
    assertThat(best.accuracy()).isCloseTo(0.75, within(EPS));
    assertThat(m.precisionRecallCurve()).hasSize(2);
  }

  @Test
  void adjacentDoublesGiveAThresholdThatStillSeparatesThem() {
    double low = 0.5;
    double high = Math.nextUp(0.5);
    BinaryMetrics m = BinaryMetrics.of(new double[] {low, high}, new double[] {0, 1});
    ThresholdMetrics best = m.bestAccuracy();
    assertThat(best.accuracy()).isEqualTo(1.0);
    assertThat(best.threshold()).isGreaterThan(low).isLessThanOrEqualTo(high);
  }

  @Test
  void bestBalancedAccuracyIsUndefinedWithOneClass() {
    BinaryEvaluation negatives =
        BinaryEvaluation.of(
            BinaryMetrics.of(new double[] {0.2, 0.9, 0.5}, new boolean[3]), 0.8, false);
    // Before: 1.0, from the threshold that calls every pair a non-duplicate.
    assertThat(negatives.fittedBestBalancedAccuracy().balancedAccuracy()).isEqualTo(1.0);
    assertThat(negatives.bestBalancedAccuracy()).isNaN();
    assertThat(negatives.toString()).contains("fittedBestBalancedAccuracy=NaN");
    BinaryEvaluation positives =
        BinaryEvaluation.of(
            BinaryMetrics.of(new double[] {0.2, 0.9}, new boolean[] {true, true}), 0.8, false);
    assertThat(positives.bestBalancedAccuracy()).isNaN();
    BinaryEvaluation both =
        BinaryEvaluation.of(
            BinaryMetrics.of(new double[] {0.2, 0.9}, new boolean[] {false, true}), 0.8, false);
    assertThat(both.bestBalancedAccuracy()).isEqualTo(1.0);
  }

  @Test
  void oneClassInputsHaveUndefinedRankingMetricsButFittableThresholds() {
    BinaryMetrics allDup = BinaryMetrics.of(new double[] {0.2, 0.8, 0.5}, new double[] {1, 1, 1});
    assertThat(allDup.averagePrecision()).isNaN();
    assertThat(allDup.rocAuc()).isNaN();
    ThresholdMetrics best = allDup.bestAccuracy();
    assertThat(best.threshold()).isEqualTo(0.2); // everything called a duplicate
    assertThat(best.accuracy()).isEqualTo(1.0);
    assertThat(allDup.bestBalancedAccuracy().balancedAccuracy()).isEqualTo(1.0);

    BinaryMetrics noDup = BinaryMetrics.of(new double[] {0.2, 0.8}, new double[] {0, 0});
    assertThat(noDup.rocAuc()).isNaN();
    ThresholdMetrics none = noDup.bestAccuracy();
    assertThat(none.threshold()).isEqualTo(Math.nextUp(0.8)); // nothing called a duplicate
    assertThat(none.accuracy()).isEqualTo(1.0);
    assertThat(none.precision()).isZero();
    assertThat(none.recall()).isZero();
    assertThat(none.f1()).isZero();
    assertThat(none.balancedAccuracy()).isEqualTo(1.0);
  }

  @Test
  void badInputsAreRejectedNamingTheIndex() {
    assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.1, Double.NaN}, new double[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("score at index 1 is NaN");
    assertThatThrownBy(
            () -> BinaryMetrics.of(new double[] {Double.NEGATIVE_INFINITY, 1}, new double[] {0, 1}))
        .hasMessageContaining("index 0")
        .hasMessageContaining("infinite");
    assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.1, 0.2}, new double[] {0, 2}))
        .hasMessageContaining("label at index 1 must be 0 or 1");
    assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.1}, new double[] {0, 1}))
        .hasMessageContaining("1 vs 2");
    assertThatThrownBy(() -> BinaryMetrics.of(new double[0], new boolean[0]))
        .hasMessageContaining("no scores");
    assertThatThrownBy(() -> BinaryMetrics.of(null, new boolean[0]))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scores");
    BinaryMetrics m = BinaryMetrics.of(SCORES, LABELS);
    assertThatThrownBy(() -> m.at(Double.NaN)).hasMessageContaining("NaN");
  }

  @Test
  void inputArraysAreCopied() {
    double[] scores = SCORES.clone();
    BinaryMetrics m = BinaryMetrics.of(scores, LABELS);
    double before = m.averagePrecision();
    scores[0] = -5;
    assertThat(BinaryMetrics.of(SCORES, LABELS).averagePrecision()).isEqualTo(before);
    assertThat(m.scores()).containsExactly(SCORES);
    m.scores()[0] = 42;
    assertThat(m.scores()[0]).isEqualTo(0.6);
  }

  @Test
  void negativeZeroEqualsZero() {
    BinaryMetrics m = BinaryMetrics.of(new double[] {-0.0, 0.0}, new double[] {1, 0});
    assertThat(m.rocAuc()).isEqualTo(0.5);
    assertThat(m.precisionRecallCurve()).hasSize(1);
    assertThat(m.at(0.0).truePositives()).isEqualTo(1);
  }

  @Test
  void thresholdMetricsConventions() {
    ThresholdMetrics nothingPredicted = new ThresholdMetrics(1, 0, 0, 5, 3);
    assertThat(nothingPredicted.precision()).isZero();
    assertThat(nothingPredicted.f1()).isZero();
    assertThat(nothingPredicted.accuracy()).isCloseTo(5.0 / 8, within(EPS));
    assertThat(nothingPredicted.balancedAccuracy()).isCloseTo(0.5, within(EPS));
    assertThat(new ThresholdMetrics(1, 0, 0, 0, 0).accuracy()).isZero();
    assertThatThrownBy(() -> new ThresholdMetrics(1, -1, 0, 0, 0)).hasMessageContaining("tp=-1");
    assertThat(nothingPredicted.toString()).contains("accuracy=0.6250");
  }
}
