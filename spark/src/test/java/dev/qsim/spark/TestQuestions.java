package dev.qsim.spark;

import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Real questions from the shared data folder ({@code -Dqsim.data.dir}, set by the build). */
final class TestQuestions {
  private TestQuestions() {}

  static Path dataDir() {
    String dir = System.getProperty("qsim.data.dir", "../../shared/data");
    Path p = Path.of(dir);
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Shared data folder not found: " + p.toAbsolutePath());
    }
    return p;
  }

  /** The first {@code count} distinct questions of Quora dev, question 1 then 2 of each row. */
  static List<String> quoraDev(int count) {
    Set<String> distinct = new LinkedHashSet<>();
    for (LabelledPair p :
        PairReader.read(dataDir().resolve("quora/dev.tsv"), PairFormat.BIMPM, ReadOptions.defaults())
            .pairs()) {
      for (String q : List.of(p.first(), p.second())) {
        if (distinct.size() < count) {
          distinct.add(q);
        }
      }
      if (distinct.size() == count) {
        break;
      }
    }
    if (distinct.size() < count) {
      throw new IllegalStateException("Quora dev has only " + distinct.size() + " questions");
    }
    return List.copyOf(distinct);
  }
}
