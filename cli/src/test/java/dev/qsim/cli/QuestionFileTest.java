package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.QsimException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuestionFileTest {

  @Test
  void invisibleOnlyLinesAreCountedAsBlank(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("q.txt");
    Files.writeString(
        file,
        "\ufeff\u00a0\nWhy?\r\n\u200b\n\u0001\u0002\n\u00a0How?\u00a0\n\n",
        StandardCharsets.UTF_8);
    QuestionFile q = QuestionFile.read(file);
    assertThat(q.questions()).containsExactly("Why?", "How?");
    assertThat(q.lineOf(0)).isEqualTo(2);
    assertThat(q.lineOf(1)).isEqualTo(5);
    assertThat(q.blankLines()).isEqualTo(4);
    assertThat(q.totalLines()).isEqualTo(6);
  }

  @Test
  void aLineLongerThanTheLimitIsNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("one-line.txt");
    byte[] line = new byte[QuestionFile.MAX_LINE_BYTES + 1];
    Arrays.fill(line, (byte) 'a');
    Files.writeString(file, "Why?\n");
    Files.write(file, line, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> QuestionFile.read(file))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 2 is longer than 16 MiB");
  }

  /**
   * A 2.2 GB file (sparse: runs of NUL bytes, which are blank lines, between newlines) with real
   * questions after the 2 GB mark. Before streaming: {@code OutOfMemoryError: Required array size
   * too large}.
   */
  @Test
  @Tag("slow")
  void filesOverTwoGigabytesAreStreamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("huge.txt");
    long size = 2_200_000_000L;
    long step = 1 << 20;
    int newlines = 0;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
      for (long at = step - 1; at < size - 100; at += step) {
        raf.seek(at);
        raf.write('\n');
        newlines++;
      }
      raf.seek(size - 100);
      raf.write(
          "\nHow do I learn Java?\nWhat is the best way to learn Java?\n"
              .getBytes(StandardCharsets.UTF_8));
      raf.setLength(size);
    }
    QuestionFile q = QuestionFile.read(file);
    assertThat(q.questions())
        .containsExactly("How do I learn Java?", "What is the best way to learn Java?");
    assertThat(q.lineOf(0)).isEqualTo(newlines + 2);
    assertThat(q.blankLines()).isEqualTo(newlines + 2);
  }
}
