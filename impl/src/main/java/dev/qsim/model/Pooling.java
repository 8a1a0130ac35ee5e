package dev.qsim.model;

import java.util.Locale;

/** How token vectors become one question vector. Immutable and thread-safe. */
public enum Pooling {
  /** Average of the token vectors over the attention mask. */
  MEAN,
  /** The first token's vector ({@code [CLS]}). */
  CLS,
  /** The encoder's output already is the question vector, shape {@code [batch, dimension]}. */
  NONE;

  /**
   * The name used in {@code qsim-model.json}.
   *
   * @return {@code mean}, {@code cls} or {@code none}
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a {@code pooling} value.
   *
   * @param id {@code mean}, {@code cls} or {@code none} (case-insensitive)
   * @return the pooling
   * @throws IllegalArgumentException naming the valid values
   */
  public static Pooling fromId(String id) {
    for (Pooling p : values()) {
      if (p.id().equalsIgnoreCase(id.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown pooling '" + id + "': expected mean, cls or none");
  }
}
