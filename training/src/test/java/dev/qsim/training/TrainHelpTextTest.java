package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code qsim-train --help} renders as written at 80 columns: no format warnings (picocli formats
 * descriptions with {@code String.format}) and no ragged lines (each paragraph is one string that
 * picocli wraps; an array element per short line breaks sentences before the margin). The same
 * check as the CLI's {@code HelpTextTest}, which this module cannot see.
 */
class TrainHelpTextTest {

  @Test
  void helpFormatsWithoutWarningsAndWrapsParagraphsAtTheMargin() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TrainCommand command =
        new TrainCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    PrintStream stderr = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    String help;
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      help =
          new CommandLine(command).setUsageHelpWidth(80).getUsageMessage(CommandLine.Help.Ansi.OFF);
    } finally {
      System.setErr(stderr);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(help).contains("Usage: qsim-train").contains("--resume").doesNotContain("%n");
    assertThat(raggedLines(help)).as("lines that end mid-sentence in:%n%s", help).isEmpty();
  }

  @Test
  void aDescriptionWrittenAsShortLinesIsCaught() {
    @CommandLine.Command(
        name = "ragged",
        description = {
          "Trains a siamese question encoder with DJL (PyTorch, offline) and writes a qsim model",
          "directory."
        })
    class Ragged {}
    String help =
        new CommandLine(new Ragged())
            .setUsageHelpWidth(80)
            .getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(raggedLines(help)).containsExactly("model");
  }

  /**
   * Lines of help text shorter than 40 characters that end mid-sentence (not with {@code .}, {@code
   * !} or {@code ?}) while the next line, indented the same, goes on with a lower-case word that
   * would have fit on them within 79 columns (picocli keeps the 80th free). Option names are not
   * lines of a sentence.
   */
  static List<String> raggedLines(String help) {
    List<String> ragged = new ArrayList<>();
    String[] lines = help.split("\\R");
    for (int i = 0; i + 1 < lines.length; i++) {
      String line = lines[i].strip();
      String next = lines[i + 1].strip();
      if (line.isEmpty()
          || line.length() >= 40
          || line.startsWith("-")
          || line.endsWith(".")
          || line.endsWith("!")
          || line.endsWith("?")
          || next.isEmpty()
          || !Character.isLowerCase(next.codePointAt(0))) {
        continue;
      }
      int indent = lines[i].indexOf(line);
      int nextIndent = lines[i + 1].indexOf(next);
      int nextWord = next.split("\\s", 2)[0].length();
      if (nextIndent == indent && lines[i].stripTrailing().length() + 1 + nextWord < 80) {
        ragged.add(line);
      }
    }
    return ragged;
  }
}
