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
 * NIO channels, which neither ONNX Runtime, the tokenizers nor DJL's download code use. The same
 * child run with DJL's defaults ({@code -Dai.djl.offline=false -DOPT_OUT_TRACKING=false}: what a
 * JVM has if qsim did not set them before DJL loads) proves the check can fail: DJL then asks the
 * EC2 metadata service ({@code 169.254.169.254}) for its usage report.
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
  void theCheckSeesDjlsConnectionsWhenQsimIsNotOffline(@TempDir Path dir) throws Exception {
    Path data = pairs(dir);
    try (ChildJvm child =
        ChildJvm.start(
            NoNetworkChild.class,
            List.of("-Dai.djl.offline=false", "-DOPT_OUT_TRACKING=false"),
            List.of(dir.toString(), data.toString(), "similarity"))) {
      assertThat(child.waitFor(240)).as(child.output()).isZero();
      assertThat(child.output())
          .contains("COMMANDS OK")
          .doesNotContain("CONNECTIONS 0")
          .contains("CONNECTION socket /169.254.169.254:80");
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
