package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.qsim.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Atomic writes leave no temporaries: not on SIGINT or SIGTERM, and not after a SIGKILL's rerun.
 */
class AtomicFilesTest {

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void sigtermOrSigintInsideTheWriteWindowLeavesTheOldFileAndNoTemporary(
      String signal, @TempDir Path dir) throws Exception {
    assumeFalse(
        ChildJvm.ignoredHere(signal),
        "SIG"
            + signal
            + " is ignored by this process and so by its children (started in the"
            + " background by a non-interactive shell?)");
    Path target = dir.resolve("groups-" + signal + ".jsonl");
    Files.writeString(target, "old output\n");
    try (ChildJvm child =
        ChildJvm.start(AtomicWriteChild.class, List.of(), List.of(target.toString()))) {
      child.awaitOutput("WRITING", 60);
      assertThat(temporaries(dir, target)).as("the write window is open").hasSize(1);
      child.signal(signal);
      int code = child.waitFor(60);
      assertThat(code).as("SIG%s exit code; output: %s", signal, child.output()).isNotZero();
      assertThat(child.output()).doesNotContain("FINISHED");
    }
    assertThat(Files.readString(target)).isEqualTo("old output\n");
    assertThat(temporaries(dir, target)).as("temporaries after SIG" + signal).isEmpty();
  }

  @Test
  void sigkillInsideTheWriteWindowLeavesATemporaryThatTheNextWriteRemoves(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("groups.jsonl");
    Files.writeString(target, "old output\n");
    try (ChildJvm child =
        ChildJvm.start(AtomicWriteChild.class, List.of(), List.of(target.toString()))) {
      child.awaitOutput("WRITING", 60);
      child.signal("KILL");
      child.waitFor(60);
    }
    assertThat(Files.readString(target)).isEqualTo("old output\n");
    assertThat(temporaries(dir, target)).as("no JVM can clean up after SIGKILL").hasSize(1);
    // Someone else's files that merely look alike are left alone.
    Path unrelated = Files.writeString(dir.resolve(".groups.jsonl.notours.tmp"), "x");
    Path other = Files.writeString(dir.resolve(".other.jsonl.0123abcd.tmp"), "x");

    AtomicFiles.writeText(target, "output", w -> w.write("new output\n"));

    assertThat(Files.readString(target)).isEqualTo("new output\n");
    assertThat(temporaries(dir, target)).isEmpty();
    assertThat(unrelated).exists();
    assertThat(other).exists();
  }

  @Test
  void aTemporaryBeingWrittenIsNotTakenForAStaleOne(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("report.html");
    AtomicFiles.writeText(
        target,
        "report",
        w -> {
          w.write("<html>");
          // Another write of the same target starting now must not delete this one's temporary.
          AtomicFiles.removeStaleTemporaries(target);
          assertThat(temporaries(dir, target)).hasSize(1);
        });
    assertThat(Files.readString(target)).isEqualTo("<html>");
    assertThat(temporaries(dir, target)).isEmpty();
  }

  static List<Path> temporaries(Path dir, Path target) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> AtomicFiles.temporaryName(target).matcher(p.getFileName().toString()).matches())
          .collect(Collectors.toList());
    }
  }
}
