/**
 * The ONNX Runtime implementation of the qsim API: {@link dev.qsim.onnx.OnnxQuestionSimilarity}
 * (loading a model and serving it), the {@link dev.qsim.onnx.BundledModel bundled models} and the
 * k-means buckets the approximate duplicate search shares with the Spark module. Nothing here is
 * null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.qsim.onnx;

import org.jspecify.annotations.NullMarked;
