package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code qsim dedupe} (a real {@code QsimCli} JVM) at random moments with SIGKILL, SIGTERM or
 * SIGINT. After every kill the input is intact and the output is either the old one or the whole
 * new one; after SIGTERM and SIGINT no temporary remains, and a SIGKILL's temporary is gone after
 * the next run.
 */
@Tag("slow")
class DedupeKillTest {
  private static final String OLD = "old output\n";

  @Test
  void killedAtRandomMomentsDedupeLosesNothingAndLeavesNoTemporaries(@TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("questions.txt");
    Files.write(input, questions(400), StandardCharsets.UTF_8);
    byte[] inputBytes = Files.readAllBytes(input);
    Path output = dir.resolve("groups.jsonl");

    long started = System.nanoTime();
    assertThat(dedupe(input, output, -1, null)).isZero();
    long fullRunMillis = (System.nanoTime() - started) / 1_000_000;
    byte[] reference = Files.readAllBytes(output);
    assertThat(reference).isNotEmpty();

    Random random = new Random(20261201);
    // A signal this process ignores (SIGINT in a background job) is ignored by the child too.
    String[] signals = {"KILL", "TERM", ChildJvm.ignoredHere("INT") ? "TERM" : "INT"};
    int completed = 0;
    for (int round = 0; round < 9; round++) {
      Files.writeString(output, OLD);
      String signal = signals[round % 3];
      long delay = (long) (random.nextDouble() * fullRunMillis * 1.1);
      dedupe(input, output, delay, signal);

      assertThat(Files.readAllBytes(input)).as("input after SIG%s", signal).isEqualTo(inputBytes);
      byte[] now = Files.readAllBytes(output);
      if (!new String(now, StandardCharsets.UTF_8).equals(OLD)) {
        assertThat(now).as("output after SIG%s at %d ms", signal, delay).isEqualTo(reference);
        completed++;
      }
      if (!signal.equals("KILL")) {
        assertThat(AtomicFilesTest.temporaries(dir, output))
            .as("temporaries after SIG%s at %d ms", signal, delay)
            .isEmpty();
      }
    }
    assertThat(completed).as("rounds where dedupe finished before the signal").isLessThan(9);

    assertThat(dedupe(input, output, -1, null)).isZero();
    assertThat(Files.readAllBytes(output)).isEqualTo(reference);
    assertThat(AtomicFilesTest.temporaries(dir, output)).isEmpty();
    assertThat(Files.readAllBytes(input)).isEqualTo(inputBytes);
  }

  /** Runs dedupe in a child JVM; with a signal, sends it after {@code delayMillis}. */
  private static int dedupe(Path input, Path output, long delayMillis, String signal)
      throws Exception {
    try (ChildJvm child =
        ChildJvm.start(
            QsimCli.class,
            List.of(),
            List.of("dedupe", "-i", input.toString(), "-o", output.toString(), "--no-progress"))) {
      if (signal != null) {
        Thread.sleep(delayMillis);
        if (child.process.isAlive()) {
          child.signal(signal);
        }
      }
      int code = child.waitFor(300);
      if (signal == null) {
        assertThat(code).as(child.output()).isZero();
      }
      return code;
    }
  }

  private static List<String> questions(int count) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(TestData.quoraDev(), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      out.add(f[1]);
      out.add(f[2]);
      if (out.size() >= count) {
        break;
      }
    }
    return new ArrayList<>(out);
  }
}
