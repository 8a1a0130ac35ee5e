package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qsim index check} finds a damaged index (issue 19, item 4): 64 bytes overwritten in a
 * segment's stored vectors make it exit 1, where {@code index stats} and queries said nothing; a
 * clean index passes and {@code index stats} says when.
 */
class IndexCheckCommandTest {
  private static CliRun run(String... args) {
    return CliRun.run(SharedModel.FACTORY, args);
  }

  private static Path buildIndex(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int r = 1; r <= 20; r++) {
      lines.add(TestData.quoraDevRow(r)[1]);
    }
    Path input =
        Files.writeString(
            dir.resolve("questions.txt"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Path index = dir.resolve("idx");
    CliRun add = run("index", "add", "--index", index.toString(), "--input", input.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    return index;
  }

  private static long indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aCleanIndexPassesAndStatsSaysWhen(@TempDir Path dir) throws IOException {
    Path index = buildIndex(dir);
    CliRun before = run("index", "stats", "--index", index.toString());
    assertThat(before.out()).contains("Checked:    never");
    CliRun check = run("index", "check", "--index", index.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.out()).contains("passed").contains("20 stored vectors checked");
    assertThat(check.out()).containsPattern("[1-9][0-9]* questions embedded again");
    CliRun after = run("index", "stats", "--index", index.toString());
    assertThat(after.out()).containsPattern("Checked:    passed 20[0-9]{2}-");
  }

  @Test
  void sixtyFourBytesOverwrittenInTheStoredVectorsExitOne(@TempDir Path dir) throws IOException {
    Path index = buildIndex(dir);
    assertThat(run("index", "check", "--index", index.toString()).exitCode()).isZero();
    // The stored vector of question 10: in the segment's .vec file, or inside its compound file.
    float[] vector =
        SharedModel.get().embedAll(List.of(TestData.quoraDevRow(10)[1])).get(0).vector();
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(vector);
    byte[] needle = Arrays.copyOf(bytes.array(), 64);
    Path file = null;
    long at = -1;
    try (Stream<Path> files = Files.list(index)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".vec") || name.endsWith(".cfs")) {
          long found = indexOf(Files.readAllBytes(p), needle);
          if (found >= 0) {
            file = p;
            at = found;
            break;
          }
        }
      }
    }
    assertThat(file).as("the stored vector of question 10 in " + index).isNotNull();
    byte[] noise = new byte[64];
    new Random(64).nextBytes(noise);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      f.write(noise);
    }
    CliRun check = run("index", "check", "--index", index.toString());
    assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(1);
    assertThat(check.out()).contains("DAMAGED");
    assertThat(check.err()).contains("qsim index check: " + index.toAbsolutePath());
    CliRun stats = run("index", "stats", "--index", index.toString());
    assertThat(stats.out()).contains("Checked:    never");
  }
}
