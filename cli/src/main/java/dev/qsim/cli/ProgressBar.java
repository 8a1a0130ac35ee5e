package dev.qsim.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line text progress bar on the error stream, redrawn in place with carriage returns, and
 * only when the shown percentage changes. Not thread-safe.
 */
final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private int shownPercent = -1;

  ProgressBar(PrintWriter err, String label, long total, boolean enabled) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = enabled && total > 0;
  }

  void update(long done) {
    if (!enabled) {
      return;
    }
    int percent = (int) Math.min(100, done * 100 / total);
    if (percent == shownPercent) {
      return;
    }
    shownPercent = percent;
    int filled = percent * WIDTH / 100;
    err.printf(
        Locale.ROOT,
        "\r%s [%s%s] %,d/%,d (%d%%)",
        label,
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        Math.min(done, total),
        total,
        percent);
    err.flush();
  }

  void finish() {
    if (enabled && shownPercent >= 0) {
      err.println();
      err.flush();
    }
  }
}
