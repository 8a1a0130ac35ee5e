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
        help.add(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(help).noneMatch(text -> text.contains("%n"));
    assertThat(String.join("\n", help)).contains("99% of the pairs the decision accepts");
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
