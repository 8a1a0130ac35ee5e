package dev.qsim.spark;

import java.io.Serializable;

/**
 * A unit of candidate-search work: block {@code left} against block {@code right} ({@code left <=
 * right}) of one bucket. Immutable and thread-safe.
 */
record TileKey(int bucket, int left, int right) implements Serializable {}
