package dev.qsim.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lucene-style crash test: a child JVM adds and commits in a loop and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at a random moment (once, or three times in the same index in
 * the slow test). After each kill the index must pass {@link CheckIndex}, open for writing, and
 * hold every id whose commit the child had reported.
 */
class KillDurabilityTest {
  private static final long TIMEOUT_S = 180;

  @Test
  void everyCommittedQuestionSurvivesKillDashNine(@TempDir Path dir) throws Exception {
    killAndReopen(dir, 1);
  }

  /** Three kills in a row in the same index, each child appending to what the last left. */
  @Test
  @Tag("slow")
  void everyCommittedQuestionSurvivesRepeatedKills(@TempDir Path dir) throws Exception {
    killAndReopen(dir, 3);
  }

  private static void killAndReopen(Path dir, int rounds) throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Path index = dir.resolve("idx");
    List<String> committed = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      String prefix = "round" + round;
      int commitsBeforeKill = 2 + random.nextInt(4);
      long extraMillis = random.nextInt(400);
      int lastCommitted = runAndKill(index, prefix, commitsBeforeKill, extraMillis);
      for (int b = 0; b <= lastCommitted; b++) {
        committed.addAll(DurabilityChild.ids(prefix, b));
      }
      String context =
          "seed " + seed + ", round " + round + ", killed " + extraMillis + " ms after commit";

      try (Directory d = FSDirectory.open(index);
          CheckIndex check = new CheckIndex(d)) {
        CheckIndex.Status status = check.checkIndex();
        assertThat(status.clean).as(context).isTrue();
      }
      try (LuceneQuestionIndex reopened =
          LuceneQuestionIndex.builder().setDirectory(index).setModel(TestData.model()).build()) {
        for (String id : committed) {
          assertThat(reopened.question(id)).as(context + ", id " + id).isPresent();
        }
        assertThat(reopened.size()).as(context).isGreaterThanOrEqualTo(committed.size());
      }
    }
    assertThat(committed).hasSizeGreaterThanOrEqualTo(rounds * 2 * DurabilityChild.BATCH);
  }

  /**
   * Starts the child, waits for {@code commits} reported commits and {@code extraMillis} more,
   * kills it with SIGKILL and returns the last batch it reported committed.
   */
  private static int runAndKill(Path index, String prefix, int commits, long extraMillis)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dai.djl.offline=true",
            "-Dqsim.data.dir=" + TestData.dataDir().toAbsolutePath(),
            DurabilityChild.class.getName(),
            index.toString(),
            prefix);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("read failed: " + e);
              }
            },
            "durability-child-output");
    reader.start();
    int last = -1;
    List<String> output = new ArrayList<>();
    try {
      while (last + 1 < commits) {
        String line = lines.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(line).as("child output so far: %s", output).isNotNull();
        output.add(line);
        if (line.startsWith("committed ")) {
          last = Integer.parseInt(line.substring("committed ".length()));
        }
      }
      Thread.sleep(extraMillis);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    }
    // SIGKILL: the JVM ran no shutdown hook and no close().
    assertThat(child.exitValue()).as("child output: %s", output).isEqualTo(128 + 9);
    for (String line = lines.poll(); line != null; line = lines.poll()) {
      if (line.startsWith("committed ")) {
        last = Integer.parseInt(line.substring("committed ".length()));
      }
    }
    return last;
  }
}
