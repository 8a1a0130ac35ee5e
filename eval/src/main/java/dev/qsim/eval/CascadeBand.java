package dev.qsim.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Chooses the band of a cascade decision: the pair head decides the pairs whose probability lies
 * outside the band, the cross-encoder verifier those inside it. The band is the narrowest (fewest
 * labelled pairs inside it) whose cascade accuracy is within {@code maxLoss} of the best a band
 * reaches — at least the verifier's accuracy on every pair (the widest band); it always contains
 * the pair head's threshold. Ties: the band with the higher accuracy.
 *
 * <p>Exact: the pairs are sorted by head probability once, and every band between two adjacent
 * probabilities is tried with prefix sums of the verifier's gain over the head ({@code O(n²)} time,
 * {@code O(n)} memory; 10,000 pairs take well under a second).
 *
 * <p>Immutable and thread-safe.
 *
 * @param lower the band's lower end (a head probability; the midpoint between the last pair the
 *     head keeps deciding and the first the verifier decides, or 0)
 * @param upper the band's upper end (idem, or 1)
 * @param pairs how many labelled pairs were used
 * @param inBand how many of them lie in the band (reach the verifier)
 * @param accuracy the cascade's accuracy on them
 * @param headAccuracy the pair head's accuracy on them, alone
 * @param verifierAccuracy the verifier's accuracy on them, alone
 */
public record CascadeBand(
    double lower,
    double upper,
    int pairs,
    int inBand,
    double accuracy,
    double headAccuracy,
    double verifierAccuracy) {

  /**
   * The share of pairs that reach the verifier.
   *
   * @return {@code inBand / pairs}, 0 when there are no pairs
   */
  public double share() {
    return pairs == 0 ? 0 : (double) inBand / pairs;
  }

  /**
   * The narrowest band within {@code maxLoss} of the verifier's accuracy.
   *
   * @param head the pair head's probability of each pair
   * @param verifier the verifier's probability of each pair
   * @param labels 1 for a duplicate, 0 otherwise
   * @param headThreshold the head's threshold (the band contains it)
   * @param verifierThreshold the verifier's threshold
   * @param maxLoss how much accuracy the cascade may lose against the verifier alone, in [0, 1]
   * @return the band
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or a value is out
   *     of range
   */
  public static CascadeBand choose(
      double[] head,
      double[] verifier,
      double[] labels,
      double headThreshold,
      double verifierThreshold,
      double maxLoss) {
    return choose(head, verifier, labels, headThreshold, verifierThreshold, maxLoss, false);
  }

  /**
   * The narrowest band within {@code maxLoss} of the verifier's accuracy, optionally one that
   * reaches probability 1: then the head only rejects the pairs it is sure of, and the verifier
   * confirms every pair the head would accept — the pairs a head over two pooled vectors is most
   * sure of include those that differ only in word order, which only the verifier can tell apart.
   *
   * @param head the pair head's probability of each pair
   * @param verifier the verifier's probability of each pair
   * @param labels 1 for a duplicate, 0 otherwise
   * @param headThreshold the head's threshold (the band contains it)
   * @param verifierThreshold the verifier's threshold
   * @param maxLoss how much accuracy the cascade may lose against the verifier alone, in [0, 1]
   * @param upToOne whether the band's upper end is 1
   * @return the band
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or a value is out
   *     of range
   */
  public static CascadeBand choose(
      double[] head,
      double[] verifier,
      double[] labels,
      double headThreshold,
      double verifierThreshold,
      double maxLoss,
      boolean upToOne) {
    int n = head.length;
    if (n == 0 || verifier.length != n || labels.length != n) {
      throw new IllegalArgumentException(
          "need one head probability, verifier probability and label per pair, got "
              + n
              + ", "
              + verifier.length
              + " and "
              + labels.length);
    }
    if (!(maxLoss >= 0 && maxLoss <= 1)) {
      throw new IllegalArgumentException("maxLoss must be in [0, 1], was " + maxLoss);
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> head[i]));
    double[] sorted = new double[n];
    // gain[k]: prefix sum over the first k sorted pairs of (verifier right) - (head right)
    int[] gain = new int[n + 1];
    int headRight = 0;
    int verifierRight = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      sorted[k] = head[i];
      boolean duplicate = labels[i] >= 0.5;
      int h = (head[i] >= headThreshold) == duplicate ? 1 : 0;
      int v = (verifier[i] >= verifierThreshold) == duplicate ? 1 : 0;
      headRight += h;
      verifierRight += v;
      gain[k + 1] = gain[k] + v - h;
    }
    // The band is the sorted positions [a, b): a <= t <= b where t is the first position whose
    // head probability reaches the threshold; a and b only where the probability changes.
    int t = 0;
    while (t < n && sorted[t] < headThreshold) {
      t++;
    }
    // The best accuracy any band reaches (with every pair in the band it is the verifier's).
    int most = verifierRight;
    for (int a = t; a >= 0; a--) {
      for (int b = upToOne ? n : t; b <= n; b++) {
        most = Math.max(most, headRight + gain[b] - gain[a]);
      }
    }
    double target = most - maxLoss * n - 1e-9;
    int bestA = 0;
    int bestB = n;
    int bestRight = headRight + gain[n];
    for (int a = t; a >= 0; a--) {
      if (a > 0 && a < n && sorted[a] == sorted[a - 1]) {
        continue;
      }
      for (int b = upToOne ? n : t; b <= n; b++) {
        if (b > 0 && b < n && sorted[b] == sorted[b - 1]) {
          continue;
        }
        int right = headRight + gain[b] - gain[a];
        if (right >= target) {
          int width = b - a;
          if (width < bestB - bestA || (width == bestB - bestA && right > bestRight)) {
            bestA = a;
            bestB = b;
            bestRight = right;
          }
          break; // a wider band from the same a is never narrower
        }
      }
    }
    double lower =
        bestA == 0 ? 0 : Math.min(headThreshold, (sorted[bestA - 1] + sorted[bestA]) / 2);
    double upper =
        bestB == n ? 1 : Math.max(headThreshold, (sorted[bestB - 1] + sorted[bestB]) / 2);
    if (bestA == bestB && !upToOne) {
      lower = headThreshold;
      upper = headThreshold;
    }
    return new CascadeBand(
        lower,
        upper,
        n,
        bestB - bestA,
        (double) bestRight / n,
        (double) headRight / n,
        (double) verifierRight / n);
  }
}
