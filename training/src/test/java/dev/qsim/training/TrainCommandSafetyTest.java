package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qsim-train refuses what would give a useless model, and leaves nothing half-written. */
class TrainCommandSafetyTest {
  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TrainCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String file(String name) {
    return TestPairs.DATA.resolve(name).toString();
  }

  /** A small, fast bag-of-words run on real mixed pairs, with extra arguments. */
  private int bag(Path model, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--train",
                file("quora/train-extra.tsv"),
                "--limit",
                "200",
                "--encoder",
                "bag",
                "--epochs",
                "1",
                "--batch-size",
                "25",
                "--max-length",
                "24",
                "--out",
                model.toString(),
                "--quiet"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void oneClassTrainingPairsAreRefusedBeforeTraining() {
    // quora/train.csv is sorted by label: its first 300 rows are all non-duplicates.
    Path model = temp.resolve("m");
    int status =
        run(
            "--train",
            file("quora/train.csv"),
            "--limit",
            "300",
            "--encoder",
            "bag",
            "--out",
            model.toString(),
            "--quiet");
    assertThat(status).isEqualTo(1);
    assertThat(stderr())
        .contains("warning: the first 300 rows of", "sorted by label", "all one label")
        .contains("Cannot calibrate a duplicate threshold: all 300 training pairs")
        .contains("are non-duplicates", "--calibrate");
    assertThat(model).doesNotExist();
    assertThat(temp.resolve("m.checkpoints")).doesNotExist();
  }

  @Test
  void oneClassCalibrationPairsAreRefused() throws Exception {
    Path calibration = temp.resolve("non-duplicates.tsv");
    Files.writeString(
        calibration,
        "0\tHow do I learn Java?\tWhat is the capital of France?\t1\n"
            + "0\tIs coffee bad for you?\tHow tall is Everest?\t2\n");
    Path model = temp.resolve("m");
    assertThat(bag(model, "--calibrate", calibration.toString())).isEqualTo(1);
    assertThat(stderr())
        .contains("all 2 calibration pairs", calibration.toString(), "are non-duplicates");
    assertThat(model).doesNotExist();
  }

  @Test
  void aDegenerateCalibrationIsRefusedWithTheReason() throws Exception {
    // Both classes, but every pair is the same two questions: no threshold can tell them apart, so
    // the best one calls every pair a duplicate or none (balanced accuracy 0.5).
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      rows.append(i % 2).append("\tHow do I learn Java?\tHow can I learn Java?\t").append(i);
      rows.append('\n');
    }
    Path calibration = temp.resolve("same-pair.tsv");
    Files.writeString(calibration, rows);
    Path model = temp.resolve("m");
    assertThat(bag(model, "--calibrate", calibration.toString())).isEqualTo(1);
    assertThat(stderr())
        .contains("Not writing the model", "degenerate", "balanced accuracy of only 0.5000");
    assertThat(model).doesNotExist();
  }

  @Test
  void anUnwritableOutIsRefusedBeforeAnyDataIsRead() throws Exception {
    Path blocker = temp.resolve("a-file");
    Files.writeString(blocker, "not a directory");
    Path model = blocker.resolve("m");
    assertThat(bag(model)).isEqualTo(1);
    assertThat(stderr())
        .contains("Cannot write the model directory " + model, "checked before training")
        .doesNotContain("Read 200 pairs");
  }

  @Test
  void theWrittenModelHasTheUsualPermissionsAndStaleTemporariesAreRemoved() throws Exception {
    Path model = temp.resolve("m");
    // What a run killed with -9 leaves: a model temporary of a process that is gone, a
    // half-written checkpoint, a half-deleted one and a checkpoint without its state.json.
    long deadPid = ProcessHandle.of(1L).isPresent() ? findDeadPid() : 999_999_999L;
    Path staleModel = temp.resolve(".m.tmp-" + deadPid + "-abc");
    Path liveModel = temp.resolve(".m.tmp-" + ProcessHandle.current().pid() + "-abc");
    Path checkpoints = temp.resolve("m.checkpoints");
    Path halfWritten = checkpoints.resolve(".tmp-checkpoint-000000005");
    Path halfDeleted = checkpoints.resolve(".del-checkpoint-000000002");
    Path halfPruned = checkpoints.resolve("checkpoint-000000001");
    for (Path p : List.of(staleModel, liveModel, halfWritten, halfDeleted, halfPruned)) {
      Files.createDirectories(p);
      Files.writeString(p.resolve("parameters.ndlist"), "x");
    }
    assertThat(bag(model)).as(stderr()).isZero();
    assertThat(stderr()).contains("Removed 4 temporaries a killed run left beside");
    assertThat(staleModel).doesNotExist();
    assertThat(halfWritten).doesNotExist();
    assertThat(halfDeleted).doesNotExist();
    assertThat(halfPruned).doesNotExist();
    // Another live process's temporary is not ours to remove.
    assertThat(liveModel).isDirectory();
    Path probe = Files.createDirectory(temp.resolve("probe"));
    Set<PosixFilePermission> usual = Files.getPosixFilePermissions(probe);
    assertThat(Files.getPosixFilePermissions(model)).isEqualTo(usual);
    assertThat(Files.getPosixFilePermissions(model.resolve("model.onnx")))
        .isEqualTo(Files.getPosixFilePermissions(Files.createFile(temp.resolve("probe.txt"))));
    String provenance = Files.readString(model.resolve("qsim-model.json"));
    assertThat(provenance)
        .contains(
            "\"trained_at\"",
            "\"skipped_non_finite_steps\": 0",
            "\"duplicate_rule\": \"label \\u003e= 0.5\"".replace("\\u003e", ">"));
  }

  private static long findDeadPid() {
    for (long pid = 4_000_000L; pid > 100_000L; pid -= 7919) {
      if (ProcessHandle.of(pid).isEmpty()) {
        return pid;
      }
    }
    return 999_999_999L;
  }
}
