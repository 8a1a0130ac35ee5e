package dev.qsim.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * A fixed half of a labelled-pair file, chosen by the pairs' text, so that training and checking
 * can use disjoint parts of one file without anyone writing a copy of it ({@link
 * ReadOptions#withPart(DataPart)}, the command lines' {@code --part}).
 *
 * <p><b>The rule.</b> A pair belongs to {@link #CHECK} when the first 8 bytes of the SHA-256 of the
 * UTF-8 text {@code "qsim-part-v1\n" + a + "\n" + b}, read as an unsigned big-endian number, are
 * odd, where {@code a} and {@code b} are its two questions exactly as in the file, in {@link
 * String#compareTo} order (so swapping them changes nothing); otherwise it belongs to {@link
 * #TRAIN}. The rule depends on nothing but the two texts: not on the file's order, its other rows,
 * the label, a random generator or the platform, so the parts stay the same when rows are added,
 * removed or reordered, and a pair that occurs twice is in the same part both times. Each part
 * holds about half of the pairs (a seeded uniform split: the salt {@code qsim-part-v1} is the
 * seed).
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum DataPart {
  /** Every pair (the default). */
  ALL("all"),
  /** The pairs the rule assigns to training: about half. */
  TRAIN("train"),
  /** The other pairs, held back for checks that training never sees. */
  CHECK("check");

  private static final byte[] SALT = "qsim-part-v1\n".getBytes(StandardCharsets.UTF_8);

  private final String id;

  DataPart(String id) {
    this.id = id;
  }

  /**
   * The name used on the command line.
   *
   * @return {@code all}, {@code train} or {@code check}
   */
  public String id() {
    return id;
  }

  /**
   * Whether a pair belongs to this part.
   *
   * @param first one question
   * @param second the other question
   * @return {@code true} for every pair if this is {@link #ALL}, else whether the rule above
   *     assigns the pair to this part
   */
  public boolean contains(String first, String second) {
    if (this == ALL) {
      return true;
    }
    return partOf(first, second) == this;
  }

  /**
   * The part the rule assigns a pair to.
   *
   * @param first one question
   * @param second the other question
   * @return {@link #TRAIN} or {@link #CHECK}, the same for {@code (second, first)}
   */
  public static DataPart partOf(String first, String second) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    String a = first.compareTo(second) <= 0 ? first : second;
    String b = a == first ? second : first;
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    digest.update(SALT);
    digest.update(a.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    digest.update(b.getBytes(StandardCharsets.UTF_8));
    byte[] hash = digest.digest();
    return (hash[7] & 1) == 1 ? CHECK : TRAIN;
  }

  /**
   * Looks a part up by its {@link #id()}, case-insensitively.
   *
   * @param name {@code all}, {@code train} or {@code check}
   * @return the part
   * @throws IllegalArgumentException naming the valid values if none matches
   */
  public static DataPart fromId(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (DataPart p : values()) {
      if (p.id.equals(wanted)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Unknown data part '" + name + "': expected one of all, train, check");
  }
}
