package dev.qsim;

import java.util.Arrays;
import java.util.Objects;

/**
 * One question's vector. Immutable: the array given to {@link #of(float[])} is copied, and {@link
 * #vector()} returns a copy, so no caller can change an embedding another holds.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Embedding {
  private final float[] values;

  private Embedding(float[] values) {
    this.values = values;
  }

  /**
   * Creates an embedding from a copy of {@code values}.
   *
   * @param values the vector; must be non-empty and finite
   * @return the embedding
   * @throws IllegalArgumentException if the vector is empty or holds a NaN or infinite value
   *     (naming its index)
   */
  public static Embedding of(float[] values) {
    Objects.requireNonNull(values, "values");
    if (values.length == 0) {
      throw new IllegalArgumentException("An embedding needs at least one dimension");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "Embedding value at index " + i + " is not finite: " + values[i]);
      }
    }
    return new Embedding(values.clone());
  }

  /**
   * The number of dimensions.
   *
   * @return the vector's length
   */
  public int dimension() {
    return values.length;
  }

  /**
   * One component of the vector.
   *
   * @param index the dimension, from {@code 0} to {@code dimension() - 1}
   * @return the value at {@code index}
   */
  public float get(int index) {
    Objects.checkIndex(index, values.length);
    return values[index];
  }

  /**
   * A copy of the vector; changing it does not change this embedding.
   *
   * @return a new array holding the vector
   */
  public float[] vector() {
    return values.clone();
  }

  /**
   * Compares this embedding with another.
   *
   * @param other an embedding of the same dimension
   * @param function how to compare
   * @return the similarity, in the range that {@code function} documents
   * @throws IllegalArgumentException if the dimensions differ
   */
  public double similarity(Embedding other, SimilarityFunction function) {
    Objects.requireNonNull(other, "other");
    Objects.requireNonNull(function, "function");
    return function.compare(values, other.values);
  }

  /**
   * The vector's Euclidean length.
   *
   * @return the L2 norm, {@code 1} (within rounding) for qsim's normalised embeddings
   */
  public double norm() {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding && Arrays.equals(values, ((Embedding) o).values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("Embedding[dimension=").append(values.length).append(", [");
    int shown = Math.min(4, values.length);
    for (int i = 0; i < shown; i++) {
      sb.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return sb.append(values.length > shown ? ", ...]]" : "]]").toString();
  }
}
