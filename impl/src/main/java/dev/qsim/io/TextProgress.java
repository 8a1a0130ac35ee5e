package dev.qsim.io;

import dev.qsim.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;

/**
 * qsim's one progress renderer: shows a {@link ProgressListener}'s updates as one text bar per
 * stage, {@code embedding [######### ] 3,000/10,000 (30%)}, the stage name padded to 10 characters.
 * A bar is redrawn in place with a carriage return when its percentage changes ({@link
 * #TextProgress(PrintWriter, boolean)}, for a terminal), or printed as a new line at every tenth
 * ({@link #lines}, for a log file). {@link #finish()} ends the current bar's line.
 *
 * <p>Used from one thread at a time (qsim calls a listener from one thread per operation); not
 * thread-safe.
 */
public final class TextProgress implements ProgressListener {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean enabled;
  private final boolean lines;
  private String stage;
  private int shown = -1;

  /**
   * A renderer that redraws each stage's bar in place.
   *
   * @param out where the bars go (the error stream)
   * @param enabled {@code false} to show nothing
   */
  public TextProgress(PrintWriter out, boolean enabled) {
    this(out, enabled, false);
  }

  private TextProgress(PrintWriter out, boolean enabled, boolean lines) {
    this.out = Objects.requireNonNull(out, "out");
    this.enabled = enabled;
    this.lines = lines;
  }

  /**
   * A renderer that prints a bar as a new line at every tenth of each stage, for output that is not
   * a terminal.
   *
   * @param out where the lines go
   * @return the renderer
   */
  public static TextProgress lines(PrintWriter out) {
    return new TextProgress(out, true, true);
  }

  @Override
  public void update(String stage, long done, long total) {
    if (!enabled || total <= 0) {
      return;
    }
    if (!stage.equals(this.stage)) {
      finish();
      this.stage = stage;
    }
    int percent = (int) Math.min(100, Math.max(0, done) * 100 / total);
    int step = lines ? percent / 10 * 10 : percent;
    if (step == shown) {
      return;
    }
    shown = step;
    int filled = percent * WIDTH / 100;
    out.printf(
        Locale.ROOT,
        "%s%-10s [%s%s] %,d/%,d (%d%%)%s",
        lines ? "" : "\r",
        stage,
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        Math.min(done, total),
        total,
        percent,
        lines ? System.lineSeparator() : "");
    out.flush();
  }

  /** Ends the current bar's line, if one is shown; the next update starts a new bar. */
  public void finish() {
    if (!lines && shown >= 0) {
      out.println();
      out.flush();
    }
    stage = null;
    shown = -1;
  }
}
