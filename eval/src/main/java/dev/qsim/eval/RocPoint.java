package dev.qsim.eval;

/**
 * One point of a ROC curve: the false and true positive rates when scores at or above {@code
 * threshold} are called duplicates.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param threshold a distinct score of the data, or {@link Double#POSITIVE_INFINITY} for the
 *     curve's start at {@code (0, 0)}
 * @param falsePositiveRate the fraction of non-duplicates called duplicates
 * @param truePositiveRate the fraction of duplicates called duplicates (recall)
 */
public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}
