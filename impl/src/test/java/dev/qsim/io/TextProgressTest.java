package dev.qsim.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The one progress renderer's output, as {@code qsim} and {@code qsim-train} show it. */
class TextProgressTest {

  @Test
  void aTerminalBarIsRedrawnWhenItsPercentageChangesAndEndsWithItsStage() {
    StringWriter text = new StringWriter();
    TextProgress progress = new TextProgress(new PrintWriter(text), true);
    progress.update("embedding", 0, 4);
    progress.update("embedding", 0, 4); // same percentage: not drawn again
    progress.update("embedding", 3, 4);
    progress.update("searching", 1, 1);
    progress.finish();
    progress.finish(); // nothing more
    assertThat(text.toString())
        .isEqualTo(
            "\rembedding  [                              ] 0/4 (0%)"
                + "\rembedding  [######################        ] 3/4 (75%)"
                + System.lineSeparator()
                + "\rsearching  [##############################] 1/1 (100%)"
                + System.lineSeparator());
  }

  @Test
  void logLinesComeAtEveryTenthAndADisabledRendererShowsNothing() {
    StringWriter text = new StringWriter();
    TextProgress lines = TextProgress.lines(new PrintWriter(text));
    for (int step = 0; step <= 1234; step++) {
      lines.update("training", step, 1234);
    }
    String[] shown = text.toString().split(System.lineSeparator());
    assertThat(shown).hasSize(11);
    assertThat(shown[10])
        .isEqualTo("training   [##############################] 1,234/1,234 (100%)");
    StringWriter none = new StringWriter();
    TextProgress off = new TextProgress(new PrintWriter(none), false);
    off.update("adding", 5, 10);
    off.finish();
    assertThat(none.toString()).isEmpty();
  }
}
