package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders as written: picocli formats descriptions with {@code String.format},
 * so a bare {@code %} (as in "99% of") makes it print a warning to stderr and show the raw text.
 */
class HelpTextTest {

  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    List<CommandLine> commands = new ArrayList<>();
    collect(QsimCli.newCommandLine(ModelFactoryFail.INSTANCE), commands);
    assertThat(commands).hasSizeGreaterThan(5);
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> help = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine command : commands) {
        help.add(command.setUsageHelpWidth(80).getUsageMessage(CommandLine.Help.Ansi.OFF));
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(help).noneMatch(text -> text.contains("%n"));
    assertThat(String.join("\n", help)).contains("99% of the pairs the decision accepts");
  }

  /**
   * Each paragraph of a description is one string that picocli wraps at 80 columns: an array
   * element per short line makes a ragged text, where a line stops mid-sentence well before the
   * margin and the sentence goes on below.
   */
  @Test
  void everyCommandsHelpWrapsParagraphsAtTheMargin() {
    List<CommandLine> commands = new ArrayList<>();
    collect(QsimCli.newCommandLine(ModelFactoryFail.INSTANCE), commands);
    List<String> ragged = new ArrayList<>();
    for (CommandLine command : commands) {
      String help = command.setUsageHelpWidth(80).getUsageMessage(CommandLine.Help.Ansi.OFF);
      raggedLines(help).forEach(line -> ragged.add(command.getCommandName() + ": " + line));
    }
    assertThat(ragged).as("lines that end mid-sentence, by command").isEmpty();
  }

  @Test
  void aDescriptionWrittenAsShortLinesIsCaught() {
    @CommandLine.Command(
        name = "ragged",
        description = {
          "Candidate pairs (similarity >= the candidate threshold) are verified by the model's",
          "duplicate decision (its pair head, or the similarity threshold)."
        })
    class Ragged {}
    String help =
        new CommandLine(new Ragged())
            .setUsageHelpWidth(80)
            .getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(raggedLines(help)).containsExactly("model's");
  }

  /**
   * Lines of help text shorter than 40 characters that end mid-sentence (not with {@code .}, {@code
   * !} or {@code ?}) while the next line goes on with a lower-case word that would have fit on them
   * within 79 columns (picocli keeps the 80th free): a break written into the text, not one picocli
   * made. Option names are not lines of a sentence; a more indented next line starts a list
   * (commands, examples).
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

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
