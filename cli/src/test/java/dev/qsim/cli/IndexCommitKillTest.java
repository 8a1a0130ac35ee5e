package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.index.LuceneQuestionIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qsim index add --commit-every N} with N below the add batch: a real {@code QsimCli} JVM is
 * killed with SIGKILL after a few commits; the index then holds a whole number of commit intervals,
 * the first lines of the file, and nothing else.
 */
@Tag("slow")
class IndexCommitKillTest {
  private static final int EVERY = 7;

  @Test
  void killedWhileAddingKeepsEveryCommitOfASmallInterval(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("questions.txt");
    List<String> questions = questions(1_500);
    Files.write(input, questions, StandardCharsets.UTF_8);
    Path index = dir.resolve("idx");
    int seen;
    try (ChildJvm child =
        ChildJvm.start(
            QsimCli.class,
            List.of(),
            List.of(
                "index",
                "add",
                "--index",
                index.toString(),
                "-i",
                input.toString(),
                "--commit-every",
                Integer.toString(EVERY),
                "--no-progress"))) {
      long deadline = System.nanoTime() + 240_000_000_000L;
      seen = 0;
      while (child.process.isAlive() && seen < 3 * EVERY && System.nanoTime() < deadline) {
        seen = committed(index);
        Thread.sleep(20);
      }
      assertThat(child.process.isAlive()).as("still adding; output:\n%s", child.output()).isTrue();
      child.signal("KILL");
      child.waitFor(60);
    }
    int kept = LuceneQuestionIndex.stats(index).questions();
    assertThat(kept).as("questions kept").isGreaterThanOrEqualTo(seen).isPositive();
    assertThat(kept % EVERY).as("%d questions kept: whole commits of %d", kept, EVERY).isZero();
    try (LuceneQuestionIndex idx =
        LuceneQuestionIndex.builder()
            .setDirectory(index)
            .setModel(SharedModel.get())
            .optReadOnly(true)
            .build()) {
      for (int line = 1; line <= kept; line++) {
        assertThat(idx.question(Integer.toString(line))).contains(questions.get(line - 1));
      }
      assertThat(idx.question(Integer.toString(kept + 1))).isEmpty();
    }
  }

  /** The questions of the last commit, 0 while there is none (or it is being replaced). */
  private static int committed(Path index) {
    try {
      return LuceneQuestionIndex.stats(index).questions();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static List<String> questions(int count) throws java.io.IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(TestData.quoraDev(), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      out.add(f[1].strip());
      out.add(f[2].strip());
      if (out.size() >= count) {
        break;
      }
    }
    out.removeIf(String::isBlank);
    return new ArrayList<>(out);
  }
}
