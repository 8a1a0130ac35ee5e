package dev.qsim.eval;

/**
 * One point of a precision–recall curve: the precision and recall when scores at or above {@code
 * threshold} are called duplicates.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param threshold a distinct score of the data
 * @param precision the precision at that threshold
 * @param recall the recall at that threshold
 */
public record PrecisionRecallPoint(double threshold, double precision, double recall) {}
