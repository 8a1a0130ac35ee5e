package dev.qsim.spark;

import java.io.Serializable;

/**
 * One question on its way to a tile of the candidate search: its index in the input, its text, its
 * vector, the buckets it was assigned to (nearest first) and its block within the bucket the entry
 * travels for.
 *
 * <p>Immutable by convention (the arrays are never changed after construction); thread-safe.
 */
record BucketEntry(int index, String question, float[] vector, int[] buckets, int block)
    implements Serializable {

  /**
   * The smallest bucket that both entries belong to: the one bucket whose tile reports their pair,
   * so that a pair found in several buckets is reported once.
   */
  int firstCommonBucket(BucketEntry other) {
    int best = Integer.MAX_VALUE;
    for (int a : buckets) {
      for (int b : other.buckets) {
        if (a == b && a < best) {
          best = a;
        }
      }
    }
    return best;
  }
}
