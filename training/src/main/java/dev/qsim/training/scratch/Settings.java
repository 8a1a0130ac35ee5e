package dev.qsim.training.scratch;

/** Validation of builder settings, naming the setting that is wrong. Stateless. */
final class Settings {

  private Settings() {}

  static void atLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(
          "Invalid encoder setting " + name + ": " + value + " (must be at least " + minimum + ")");
    }
  }

  static void dropout(float dropout) {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(
          "Invalid encoder setting dropout: " + dropout + " (must be in [0, 1))");
    }
  }
}
