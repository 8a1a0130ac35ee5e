package dev.qsim.spark;

import java.io.Serializable;

/**
 * A candidate pair of input indices ({@code first < second}) with its bi-encoder similarity and the
 * model's decision score. Immutable and thread-safe.
 */
record ScoredPair(int first, int second, double similarity, double score) implements Serializable {}
