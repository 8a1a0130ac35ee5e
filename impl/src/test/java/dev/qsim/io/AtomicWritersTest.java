package dev.qsim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one atomic writer: two writers of one target never share a temporary, a failed write leaves
 * the old target, and directories appear whole or not at all. (Signals and kills mid-write are
 * covered by the CLI's {@code AtomicFilesTest}, in child JVMs.)
 */
class AtomicWritersTest {

  @Test
  void twoWritersOfOneTargetInsideTheWriteWindowAtOnceDoNotCollide(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("cache.f32");
    CountDownLatch bothWriting = new CountDownLatch(2);
    CountDownLatch bothLooked = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (String text : List.of("first writer\n", "second writer\n")) {
        writers.add(
            pool.submit(
                () -> {
                  AtomicFiles.writeText(
                      target,
                      "cache",
                      w -> {
                        w.write(text.repeat(10_000));
                        bothWriting.countDown();
                        await(bothWriting);
                        // Both temporaries exist at once: each writer has its own. Neither
                        // finishes (and renames its temporary away) before both have looked.
                        try {
                          assertThat(temporaries(dir, target)).hasSize(2);
                        } finally {
                          bothLooked.countDown();
                        }
                        await(bothLooked);
                        w.write(text);
                      });
                  return null;
                }));
      }
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    String written = Files.readString(target);
    // One writer's whole file, never a mix.
    assertThat(written).isIn("first writer\n".repeat(10_001), "second writer\n".repeat(10_001));
    assertThat(temporaries(dir, target)).isEmpty();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.bin");
    AtomicFiles.writeBytes(target, "output", new byte[] {1, 2, 3});
    assertThatThrownBy(
            () ->
                AtomicFiles.writeStream(
                    target,
                    "output",
                    out -> {
                      out.write(new byte[] {9, 9});
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(QsimException.class)
        .hasMessage("Cannot write output " + target + ": disk full");
    assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
    assertThat(temporaries(dir, target)).isEmpty();
  }

  @Test
  void aDirectoryAppearsWholeAndIsNeverReplaced(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("nested/model");
    Path written =
        AtomicDirectories.writeDirectory(
            target,
            "model directory",
            temp -> {
              Files.writeString(temp.resolve("a.txt"), "a");
              Files.createDirectory(temp.resolve("sub"));
              Files.writeString(temp.resolve("sub/b.txt"), "b");
            });
    assertThat(written).isEqualTo(target.toAbsolutePath().normalize());
    assertThat(target.resolve("sub/b.txt")).hasContent("b");
    assertThatThrownBy(
            () ->
                AtomicDirectories.writeDirectory(
                    target, "model directory", temp -> Files.writeString(temp.resolve("c"), "c")))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("already exists, refusing to overwrite it");
    assertThat(target.resolve("c")).doesNotExist();
    assertThat(siblings(target)).containsExactly("model");
  }

  @Test
  void aFailedDirectoryWriteLeavesNothing(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("model");
    assertThatThrownBy(
            () ->
                AtomicDirectories.writeDirectory(
                    target,
                    "model directory",
                    temp -> {
                      Files.writeString(temp.resolve("half"), "x");
                      throw new IOException("no space left on device");
                    }))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("no space left on device");
    assertThat(target).doesNotExist();
    assertThat(siblings(target)).isEmpty();
  }

  @Test
  void staleDirectoriesOfDeadProcessesAreRemovedAndLiveOnesKept(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("m");
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    Path dead = Files.createDirectories(dir.resolve(".m.tmp-" + finished.pid() + "-abc/x"));
    Path live =
        Files.createDirectories(dir.resolve(".m.tmp-" + ProcessHandle.current().pid() + "-abc"));
    Path other = Files.createDirectories(dir.resolve(".other.tmp-1-abc"));
    assertThat(AtomicDirectories.removeStaleDirectories(target)).isEqualTo(1);
    assertThat(dead.getParent()).doesNotExist();
    assertThat(live).exists();
    assertThat(other).exists();
    assertThat(AtomicDirectories.removeTemporaryDirectories(target, ProcessHandle.current().pid()))
        .isEqualTo(1);
    assertThat(live).doesNotExist();
  }

  private static List<String> siblings(Path target) throws IOException {
    try (Stream<Path> files = Files.list(target.getParent())) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }
  }

  private static List<Path> temporaries(Path dir, Path target) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> AtomicFiles.temporaryName(target).matcher(p.getFileName().toString()).matches())
          .collect(Collectors.toList());
    }
  }
}
