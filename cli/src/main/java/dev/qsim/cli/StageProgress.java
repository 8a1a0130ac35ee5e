package dev.qsim.cli;

import dev.qsim.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows a {@link ProgressListener}'s updates as one progress bar per stage on the error stream.
 * Used from one thread at a time; not thread-safe.
 */
final class StageProgress implements ProgressListener {
  private final PrintWriter err;
  private final boolean enabled;
  private String stage;
  private ProgressBar bar;

  StageProgress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  @Override
  public void update(String stage, long done, long total) {
    if (!enabled) {
      return;
    }
    if (bar == null || !stage.equals(this.stage)) {
      finish();
      this.stage = stage;
      bar = new ProgressBar(err, String.format("%-10s", stage), total, true);
    }
    bar.update(done);
  }

  /** Ends the current bar's line. */
  void finish() {
    if (bar != null) {
      bar.finish();
      bar = null;
    }
  }
}
