package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No outbound connection is attempted while the bundled model loads and each command runs. The
 * check records every {@code java.net.Socket} connection and every URL connection of a fresh JVM
 * from its first line (see {@link NoNetworkChild}); it does not see native code's own sockets or
 * NIO channels, which neither ONNX Runtime, the tokenizers nor DJL's download code use. The control
 * run proves the check can fail: the child then connects itself, as DJL's usage report (EC2
 * metadata at {@code 169.254.169.254}, no proxy) and a plain URL download would, and both attempts
 * must be recorded. (Whether DJL itself reports usage depends on the machine's environment, such as
 * an {@code OPT_OUT_TRACKING} variable, so DJL is not the control.)
 */
class NoNetworkTest {

  @Test
  void noCommandOpensAConnection(@TempDir Path dir) throws Exception {
    Path data = pairs(dir);
    try (ChildJvm child =
        ChildJvm.start(
            NoNetworkChild.class, List.of(), List.of(dir.toString(), data.toString(), "all"))) {
      assertThat(child.waitFor(240)).as(child.output()).isZero();
      assertThat(child.output())
          .as(child.output())
          .contains("COMMANDS OK")
          .contains("ai.djl.offline=true")
          .contains("CONNECTIONS 0");
    }
  }

  @Test
  void theCheckSeesConnectionsMadeTheWayDjlMakesThem(@TempDir Path dir) throws Exception {
    Path data = pairs(dir);
    try (ChildJvm child =
        ChildJvm.start(
            NoNetworkChild.class, List.of(), List.of(dir.toString(), data.toString(), "control"))) {
      assertThat(child.waitFor(240)).as(child.output()).isZero();
      assertThat(child.output())
          .as(child.output())
          .contains("COMMANDS OK")
          .doesNotContain("CONNECTIONS 0")
          .contains("CONNECTION socket /169.254.169.254:80")
          .contains("CONNECTION http://qsim.invalid/model.onnx")
          .doesNotContain("CONTROL CONNECTED");
    }
  }

  /** Twenty labelled pairs of the Quora dev file, both classes. */
  private static Path pairs(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(TestData.quoraDev(), StandardCharsets.UTF_8);
    Path file = dir.resolve("pairs.tsv");
    Files.write(file, lines.subList(0, 20), StandardCharsets.UTF_8);
    return file;
  }
}
