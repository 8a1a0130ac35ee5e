package dev.qsim.model;

import java.util.Locale;

/**
 * The number format an encoder's matrix products run in. Immutable and thread-safe.
 *
 * <p>{@link #INT8} encoders are made from {@link #FP32} ones by {@code
 * dev.qsim.quantize.Quantizer}: the weights of every matrix product with constant weights are
 * stored as int8 with one scale per output column, and the activations are quantised as they run,
 * one scale per token vector (so a question's result does not depend on the other questions of a
 * call); everything else stays fp32.
 */
public enum Precision {
  /** 32-bit floating point throughout (what training writes). */
  FP32,
  /** Matrix products with constant weights in int8 (dynamic activation quantisation). */
  INT8;

  /**
   * The name used in {@code qsim-model.json} and on the command line.
   *
   * @return {@code fp32} or {@code int8}
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a {@code precision} value.
   *
   * @param id {@code fp32} or {@code int8} (case-insensitive)
   * @return the precision
   * @throws IllegalArgumentException naming the valid values
   */
  public static Precision fromId(String id) {
    for (Precision p : values()) {
      if (p.id().equalsIgnoreCase(id.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown precision '" + id + "': expected fp32 or int8");
  }
}
