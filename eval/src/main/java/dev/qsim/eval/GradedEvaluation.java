package dev.qsim.eval;

/**
 * How well a model's similarities follow graded human scores (STS-B): the correlations of {@link
 * dev.qsim.QuestionSimilarity#similarities(java.util.List)} with the labels.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param pairs the number of pairs evaluated
 * @param pearson Pearson's correlation, NaN if the labels or similarities are constant
 * @param spearman Spearman's rank correlation (average ranks for ties), NaN if constant
 */
public record GradedEvaluation(int pairs, double pearson, double spearman)
    implements EvaluationResult {}
