package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * The temporary vector files of {@link VectorStore}: removed when the JVM is stopped by SIGTERM or
 * SIGINT, and, after a SIGKILL, by the next JVM that creates one.
 */
@Tag("slow")
class VectorStoreCleanupTest {

  @Test
  void sigtermAndSigintRemoveTheFile(@TempDir Path dir) throws Exception {
    List<String> signals = new ArrayList<>(List.of("TERM"));
    if (!ignoredHere(2)) {
      signals.add("INT");
    }
    for (String signal : signals) {
      Child child = Child.start(dir, "wait");
      Path file = child.awaitFile();
      assertThat(file).exists();
      child.signal(signal);
      child.waitFor();
      assertThat(vectorFiles(dir)).as("after SIG%s: %s", signal, child.output()).isEmpty();
    }
  }

  @Test
  void aKilledRunsFileIsRemovedByTheNextRun(@TempDir Path dir) throws Exception {
    Child killed = Child.start(dir, "wait");
    Path stale = killed.awaitFile();
    killed.signal("KILL");
    killed.waitFor();
    assertThat(stale).as("SIGKILL runs no hook").exists();

    Child next = Child.start(dir, "exit");
    next.awaitFile();
    next.waitFor();
    assertThat(next.process.exitValue()).as(next.output()).isZero();
    assertThat(vectorFiles(dir)).as(next.output()).isEmpty();
  }

  private static List<Path> vectorFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("qsim-vectors-")).toList();
    }
  }

  /** Whether this JVM ignores signal {@code number} (a background job ignores SIGINT). */
  private static boolean ignoredHere(int number) throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  /** A {@link VectorStoreChild} JVM whose temporary directory is {@code dir}. */
  private static final class Child {
    final Process process;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Child(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                byte[] buffer = new byte[4096];
                try (InputStream in = process.getInputStream()) {
                  for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                    synchronized (output) {
                      output.write(buffer, 0, r);
                    }
                  }
                } catch (IOException e) {
                  // the child is gone
                }
              },
              "vector-store-child-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(Path dir, String mode) throws IOException {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Djava.io.tmpdir=" + dir,
              "-cp",
              System.getProperty("java.class.path"),
              VectorStoreChild.class.getName(),
              mode);
      return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    String output() {
      synchronized (output) {
        return output.toString(StandardCharsets.UTF_8);
      }
    }

    Path awaitFile() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!output().contains("ready")) {
        if (System.nanoTime() > deadline || !process.isAlive() && !output().contains("ready")) {
          Thread.sleep(200);
          if (output().contains("ready")) {
            break;
          }
          throw new AssertionError("the child did not get ready:\n" + output());
        }
        Thread.sleep(10);
      }
      String line = output().lines().filter(l -> l.startsWith("file ")).findFirst().orElseThrow();
      return Path.of(line.substring("file ".length()));
    }

    void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      assertThat(kill.waitFor()).as("kill -%s", name).isZero();
    }

    void waitFor() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("the child did not end:\n" + output());
      }
    }
  }
}
