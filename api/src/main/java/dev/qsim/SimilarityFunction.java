package dev.qsim;

import java.util.Locale;
import java.util.Objects;

/**
 * How two embeddings are compared. Every function returns a <em>similarity</em>: larger means more
 * alike.
 *
 * <p>Preconditions shared by all functions: both vectors are non-null, have the same length, and
 * hold finite values. A length mismatch throws {@link IllegalArgumentException} naming both
 * lengths. Sums are accumulated in {@code double}.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum SimilarityFunction {
  /**
   * Cosine of the angle between the vectors, in {@code [-1, 1]}; {@code 1} for vectors pointing the
   * same way (so a question's similarity with itself is {@code 1}). Invariant to vector length. A
   * zero vector has no direction: its cosine with any vector is defined here as {@code 0}.
   */
  COSINE("cosine"),

  /**
   * The dot product. Unbounded in general; for unit-length vectors (qsim's models normalise their
   * embeddings) it equals {@link #COSINE} and lies in {@code [-1, 1]}. The cheapest function, and
   * the one to choose when vectors are known to be normalised.
   */
  DOT_PRODUCT("dot"),

  /**
   * Euclidean distance {@code d} turned into a similarity {@code 1 / (1 + d)}, in {@code (0, 1]};
   * {@code 1} exactly when the vectors are equal. For unit vectors {@code d = sqrt(2 - 2 cos)}, so
   * it orders pairs like {@link #COSINE}.
   */
  EUCLIDEAN("euclidean");

  private final String id;

  SimilarityFunction(String id) {
    this.id = id;
  }

  /**
   * The name used in model metadata and on the command line: {@code cosine}, {@code dot} or {@code
   * euclidean}.
   *
   * @return this function's stable lower-case name
   */
  public String id() {
    return id;
  }

  /**
   * Looks a function up by its {@link #id()} (case-insensitive), also accepting the enum constant's
   * name.
   *
   * @param name {@code cosine}, {@code dot}, {@code dot_product} or {@code euclidean}
   * @return the matching function
   * @throws IllegalArgumentException if no function has that name; the message lists the valid
   *     names
   */
  public static SimilarityFunction fromId(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (SimilarityFunction f : values()) {
      if (f.id.equals(wanted) || f.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "Unknown similarity function '" + name + "': expected one of cosine, dot, euclidean");
  }

  /**
   * Whether a value lies in this function's documented range, and so can be a threshold on it:
   * {@code [-1, 1]} for cosine, any finite number for the dot product, {@code (0, 1]} for the
   * Euclidean similarity. A threshold outside the range would call every pair, or no pair, a
   * duplicate.
   *
   * @param value a similarity or threshold
   * @return {@code true} if {@code value} is in {@link #range()}
   */
  public boolean inRange(double value) {
    switch (this) {
      case COSINE:
        return value >= -1 && value <= 1;
      case DOT_PRODUCT:
        return Double.isFinite(value);
      case EUCLIDEAN:
        return value > 0 && value <= 1;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * This function's range in words, for messages: {@code [-1, 1]}, {@code any finite number} or
   * {@code (0, 1]}.
   *
   * @return the range
   */
  public String range() {
    switch (this) {
      case COSINE:
        return "[-1, 1]";
      case DOT_PRODUCT:
        return "any finite number";
      case EUCLIDEAN:
        return "(0, 1]";
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Compares two vectors.
   *
   * @param a the first vector
   * @param b the second vector, of the same length
   * @return the similarity, in the range documented on the constant
   * @throws IllegalArgumentException if the lengths differ
   */
  public double compare(float[] a, float[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "Vector dimensions differ: " + a.length + " vs " + b.length);
    }
    switch (this) {
      case COSINE:
        return cosine(a, b);
      case DOT_PRODUCT:
        return dot(a, b);
      case EUCLIDEAN:
        return 1.0 / (1.0 + Math.sqrt(squaredDistance(a, b)));
      default:
        throw new AssertionError(this);
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (na == 0 || nb == 0) {
      return 0;
    }
    double c = dot / (Math.sqrt(na) * Math.sqrt(nb));
    // Rounding can push |c| a hair past 1; the documented range is [-1, 1].
    return Math.max(-1.0, Math.min(1.0, c));
  }

  private static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }
}
