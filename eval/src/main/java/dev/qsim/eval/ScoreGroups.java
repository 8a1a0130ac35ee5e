package dev.qsim.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scores of a {@link BinaryMetrics} grouped by distinct value, highest first, with the
 * duplicates and non-duplicates at each: the sweeps over them (average precision, ROC-AUC, the
 * best-threshold search and the curves). Immutable and thread-safe.
 */
final class ScoreGroups {
  /** What a best-threshold search maximises. */
  enum Objective {
    ACCURACY,
    F1,
    BALANCED_ACCURACY
  }

  private final double[] groupScore; // distinct scores, descending
  private final long[] groupPositives;
  private final long[] groupNegatives;
  private final long positives;
  private final long negatives;
  final double averagePrecision;
  final double rocAuc;

  /** Groups two ascending arrays of scores, the duplicates' and the non-duplicates'. */
  ScoreGroups(double[] positiveScores, double[] negativeScores) {
    positives = positiveScores.length;
    negatives = negativeScores.length;
    // Merge the two sorted arrays from the top into groups of equal scores.
    int n = positiveScores.length + negativeScores.length;
    double[] gs = new double[n];
    long[] gp = new long[n];
    long[] gn = new long[n];
    int groups = 0;
    int pi = positiveScores.length - 1;
    int ni = negativeScores.length - 1;
    while (pi >= 0 || ni >= 0) {
      double s =
          pi < 0
              ? negativeScores[ni]
              : ni < 0 ? positiveScores[pi] : Math.max(positiveScores[pi], negativeScores[ni]);
      long cp = 0;
      long cn = 0;
      while (pi >= 0 && positiveScores[pi] == s) {
        cp++;
        pi--;
      }
      while (ni >= 0 && negativeScores[ni] == s) {
        cn++;
        ni--;
      }
      gs[groups] = s;
      gp[groups] = cp;
      gn[groups] = cn;
      groups++;
    }
    groupScore = Arrays.copyOf(gs, groups);
    groupPositives = Arrays.copyOf(gp, groups);
    groupNegatives = Arrays.copyOf(gn, groups);

    if (positives == 0 || negatives == 0) {
      averagePrecision = Double.NaN;
      rocAuc = Double.NaN;
    } else {
      double ap = 0;
      long tp = 0;
      long fp = 0;
      long negativesBelow = negatives;
      double aucTwice = 0; // sum over positives of 2 * (#negatives below + #equal / 2)
      for (int g = 0; g < groups; g++) {
        tp += groupPositives[g];
        fp += groupNegatives[g];
        negativesBelow -= groupNegatives[g];
        if (groupPositives[g] > 0) {
          // (R_n - R_{n-1}) * P_n with R_n - R_{n-1} = positives in this group / all positives
          ap += (double) groupPositives[g] / positives * ((double) tp / (tp + fp));
          aucTwice += (double) groupPositives[g] * (2.0 * negativesBelow + groupNegatives[g]);
        }
      }
      averagePrecision = ap;
      rocAuc = aucTwice / 2.0 / ((double) positives * negatives);
    }
  }

  double min() {
    return groupScore[groupScore.length - 1];
  }

  double max() {
    return groupScore[0];
  }

  /** The threshold of the split that maximises {@code objective}; the lowest one among ties. */
  double bestThreshold(Objective objective) {
    // Split k = -1 calls nothing a duplicate; split k calls groups 0..k duplicates.
    int bestSplit = -1;
    long bestNum = 0;
    long bestDen = 1;
    long tp = 0;
    long fp = 0;
    for (int k = -1; k < groupScore.length; k++) {
      if (k >= 0) {
        tp += groupPositives[k];
        fp += groupNegatives[k];
      }
      long num;
      long den = 1;
      switch (objective) {
        case ACCURACY -> num = tp + (negatives - fp);
        case F1 -> {
          num = 2 * tp;
          den = tp + fp + positives;
          if (den == 0) {
            num = 0;
            den = 1;
          }
        }
        case BALANCED_ACCURACY -> {
          if (positives == 0) {
            num = negatives - fp;
          } else if (negatives == 0) {
            num = tp;
          } else {
            // (tp/P + tn/N) / 2 compared through tp*N + tn*P; both terms fit in a long
            num = tp * negatives + (negatives - fp) * positives;
          }
        }
        default -> throw new AssertionError(objective);
      }
      // num/den >= bestNum/bestDen, exactly: later splits have lower thresholds and win ties
      if (k == -1 || compareProducts(num, bestDen, bestNum, den) >= 0) {
        bestSplit = k;
        bestNum = num;
        bestDen = den;
      }
    }
    return splitThreshold(bestSplit);
  }

  /** Compares {@code a*b} with {@code c*d} for non-negative longs without overflow. */
  private static int compareProducts(long a, long b, long c, long d) {
    long high1 = Math.multiplyHigh(a, b);
    long high2 = Math.multiplyHigh(c, d);
    if (high1 != high2) {
      return Long.compare(high1, high2);
    }
    return Long.compareUnsigned(a * b, c * d);
  }

  private double splitThreshold(int k) {
    if (k < 0) {
      return Math.nextUp(groupScore[0]);
    }
    if (k == groupScore.length - 1) {
      return groupScore[k];
    }
    double high = groupScore[k];
    double low = groupScore[k + 1];
    double mid = low + (high - low) / 2;
    return mid > low ? mid : high;
  }

  List<PrecisionRecallPoint> precisionRecallCurve() {
    return cumulative(
        null,
        (score, tp, fp) ->
            new PrecisionRecallPoint(
                score,
                tp + fp == 0 ? 0 : (double) tp / (tp + fp),
                positives == 0 ? 0 : (double) tp / positives));
  }

  List<RocPoint> rocCurve() {
    return cumulative(
        new RocPoint(Double.POSITIVE_INFINITY, 0, 0),
        (score, tp, fp) ->
            new RocPoint(
                score,
                negatives == 0 ? 0 : (double) fp / negatives,
                positives == 0 ? 0 : (double) tp / positives));
  }

  /** A curve's point at a group's score, from the positives and negatives scored at or above it. */
  private interface CurvePoint<T> {
    T at(double score, long truePositives, long falsePositives);
  }

  /** One point per group, best score first, after {@code first} when it is not null. */
  private <T> List<T> cumulative(T first, CurvePoint<T> point) {
    List<T> points = new ArrayList<>(groupScore.length + 1);
    if (first != null) {
      points.add(first);
    }
    long tp = 0;
    long fp = 0;
    for (int g = 0; g < groupScore.length; g++) {
      tp += groupPositives[g];
      fp += groupNegatives[g];
      points.add(point.at(groupScore[g], tp, fp));
    }
    return List.copyOf(points);
  }
}
