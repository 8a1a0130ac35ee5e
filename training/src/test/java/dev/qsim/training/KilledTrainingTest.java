package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qsim-train in a child JVM, killed with -9 or SIGTERM, then resumed or rerun. */
@Tag("slow")
class KilledTrainingTest {
  @TempDir Path temp;

  private List<String> args(Path model) {
    return List.of(
        "--train",
        TestPairs.DATA.resolve("quora/train.csv").toString(),
        "--encoder",
        "bag",
        "--epochs",
        "2",
        "--checkpoint-every",
        "5",
        "--max-length",
        "32",
        "--out",
        model.toString(),
        "--quiet");
  }

  private Process start(Path model) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.pytorch.num_threads=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TrainCommand.class.getName());
    command.addAll(args(model));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(temp.resolve("child.log").toFile());
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return pb.start();
  }

  /** Waits until a complete checkpoint exists. */
  private static void awaitCheckpoint(Path checkpoints, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline && child.isAlive()) {
      if (Files.isDirectory(checkpoints)) {
        try (Stream<Path> s = Files.list(checkpoints)) {
          // A complete checkpoint is a renamed folder: its temporary (".checkpoint-...tmp-...") may
          // already hold state.json before the rename.
          if (s.anyMatch(
              p ->
                  p.getFileName().toString().startsWith("checkpoint-")
                      && Files.isRegularFile(p.resolve("state.json")))) {
            return;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no checkpoint appeared; child output: " + log(checkpoints));
  }

  private static String log(Path checkpoints) throws Exception {
    Path log = checkpoints.resolveSibling("child.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void aRunKilledWithSigkillInItsFirstEpochResumes() throws Exception {
    Path model = temp.resolve("m");
    Path checkpoints = temp.resolve("m.checkpoints");
    Process child = start(model);
    awaitCheckpoint(checkpoints, child);
    child.destroyForcibly();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(model).doesNotExist();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> resume = new ArrayList<>(args(model));
    resume.add("--resume");
    resume.remove("--quiet");
    int status =
        TrainCommand.run(
            resume.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(status).as(stderr).isZero();
    assertThat(stderr).contains("Resumed from");
    assertThat(model.resolve("qsim-model.json")).isRegularFile();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Trained 594 steps");
  }

  @Test
  void aRunStoppedWithSigtermLeavesNoTemporaries() throws Exception {
    Path model = temp.resolve("m");
    Path checkpoints = temp.resolve("m.checkpoints");
    Process child = start(model);
    awaitCheckpoint(checkpoints, child);
    child.destroy();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    try (Stream<Path> s = Files.list(temp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".m.tmp-"));
    }
    try (Stream<Path> s = Files.list(checkpoints)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.startsWith("checkpoint-"))
          .isNotEmpty();
    }
  }
}
