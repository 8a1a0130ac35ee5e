/**
 * Evaluation metrics: {@link dev.qsim.eval.BinaryMetrics} (thresholded metrics, fitted thresholds,
 * average precision, ROC-AUC, curves, histograms) for duplicate labels, {@link
 * dev.qsim.eval.Correlation} for graded scores, {@link dev.qsim.eval.RetrievalMetrics} for finding
 * known duplicates in a list, and {@link dev.qsim.eval.Evaluator}, which runs a {@link
 * dev.qsim.QuestionSimilarity} over labelled pairs and returns immutable result records.
 *
 * <p>Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.qsim.eval;

import org.jspecify.annotations.NullMarked;
