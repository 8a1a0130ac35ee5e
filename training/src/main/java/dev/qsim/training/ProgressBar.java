package dev.qsim.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a stream (stderr): step count, loss, pairs per second and ETA, redrawn
 * at most twice a second with a carriage return; when the stream is not a terminal, a plain line
 * every 10%. Not thread-safe.
 */
final class ProgressBar {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private final long startStep;
  private long lastDraw;
  private long lastDecile = -1;
  private long pairs;

  ProgressBar(PrintStream out, String label, long startStep, long total) {
    this.out = out;
    this.terminal = System.console() != null;
    this.label = label;
    this.startStep = startStep;
    this.total = Math.max(1, total);
  }

  /** Reports that {@code step} of {@code total} are done, {@code batchPairs} more pairs seen. */
  void update(long step, int batchPairs, double loss) {
    pairs += batchPairs;
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    long decile = step * 10 / total;
    boolean last = step >= total;
    if (terminal ? now - lastDraw < 500_000_000L && !last : decile == lastDecile && !last) {
      return;
    }
    lastDraw = now;
    lastDecile = decile;
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    double pairsPerSecond = pairs / seconds;
    double stepsPerSecond = Math.max(1e-9, (step - startStep) / seconds);
    long eta = Math.round((total - step) / stepsPerSecond);
    int filled = (int) (WIDTH * step / total);
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    String line =
        String.format(
            Locale.ROOT,
            "%s [%s] %d/%d loss %.4f  %.1f pairs/s  ETA %s",
            label,
            bar,
            step,
            total,
            loss,
            pairsPerSecond,
            duration(eta));
    if (terminal) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  static String duration(long seconds) {
    if (seconds >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
  }
}
