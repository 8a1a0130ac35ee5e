package dev.qsim.onnx;

import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Candidate pairs {@code (first < second, similarity)} in flat growable arrays: 16 bytes a pair
 * instead of an object each, since a million questions can have millions of candidates.
 *
 * <p>Not thread-safe while being filled; read-only use afterwards is safe.
 */
final class CandidatePairs {
  private int[] first;
  private int[] second;
  private double[] similarity;
  private int size;

  CandidatePairs(int capacity) {
    int c = Math.max(16, capacity);
    first = new int[c];
    second = new int[c];
    similarity = new double[c];
  }

  void add(int a, int b, double s) {
    if (size == first.length) {
      int c = size + (size >> 1) + 16;
      first = Arrays.copyOf(first, c);
      second = Arrays.copyOf(second, c);
      similarity = Arrays.copyOf(similarity, c);
    }
    first[size] = a;
    second[size] = b;
    similarity[size] = s;
    size++;
  }

  int size() {
    return size;
  }

  int first(int p) {
    return first[p];
  }

  int second(int p) {
    return second[p];
  }

  double similarity(int p) {
    return similarity[p];
  }

  /** The pairs as values whose score is the similarity (for tests and small lists). */
  List<DuplicatePair> toList() {
    List<DuplicatePair> out = new ArrayList<>(size);
    for (int p = 0; p < size; p++) {
      out.add(new DuplicatePair(first[p], second[p], similarity[p], similarity[p]));
    }
    return out;
  }
}
