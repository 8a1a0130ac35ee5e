package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} racing with 8 threads of calls, in a child JVM: a SIGSEGV in ONNX Runtime (what
 * happened before {@link CloseGuard}: exit 134, 3 runs of 3) fails the test instead of killing the
 * test runner. See {@link CloseRaceChild} for what each round checks.
 */
class CloseRaceTest {

  @Test
  void closeWhileEightThreadsCallNeverCrashes() throws Exception {
    race(3, 20261201L);
  }

  @Test
  @Tag("slow")
  void closeWhileEightThreadsCallNeverCrashesManyTimes() throws Exception {
    race(40, 7L);
  }

  private static void race(int rounds, long seed) throws Exception {
    ChildJvm.Result result =
        ChildJvm.run(
            CloseRaceChild.class,
            List.of(
                "-Dai.djl.offline=true",
                "-Xmx1g",
                // A crash report goes to the temp folder, not into the checkout.
                "-XX:ErrorFile="
                    + System.getProperty("java.io.tmpdir")
                    + "/qsim-close-race-%p.log"),
            60L + 20L * rounds,
            Integer.toString(rounds),
            Long.toString(seed));
    assertThat(result.exitCode())
        .as("child exit code (134 = SIGABRT after a native crash); output:%n%s", result.output())
        .isZero();
    assertThat(result.output()).contains("OK rounds=" + rounds);
  }
}
