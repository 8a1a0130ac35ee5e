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

  /**
   * {@code count} distinct real texts, in this order: the questions of Quora dev, train and
   * train-extra, then the sentences of STS-B train and dev and MSRP (about 87,500 in all; the same
   * sources and order as the bench module's duplicate-search corpus).
   */
  static List<String> corpus(int count) {
    Set<String> distinct = new LinkedHashSet<>();
    List<Object[]> sources =
        List.of(
            new Object[] {"quora/dev.tsv", PairFormat.BIMPM},
            new Object[] {"quora/train.csv", PairFormat.QUORA},
            new Object[] {"quora/train-extra.tsv", PairFormat.BIMPM},
            new Object[] {"sts/stsb-train.tsv", PairFormat.STSB},
            new Object[] {"sts/stsb-dev.tsv", PairFormat.STSB},
            new Object[] {"sts/msrp-train.tsv", PairFormat.MSRP});
    for (Object[] source : sources) {
      for (LabelledPair p :
          PairReader.read(
                  dataDir().resolve((String) source[0]),
                  (PairFormat) source[1],
                  ReadOptions.defaults().withSkipBadRows(true))
              .pairs()) {
        for (String q : List.of(p.first(), p.second())) {
          if (distinct.size() < count) {
            distinct.add(q);
          }
        }
      }
    }
    if (distinct.size() < count) {
      throw new IllegalStateException("The data holds only " + distinct.size() + " distinct texts");
    }
    return List.copyOf(distinct);
  }

  /** The first {@code count} distinct questions of Quora dev, question 1 then 2 of each row. */
  static List<String> quoraDev(int count) {
    Set<String> distinct = new LinkedHashSet<>();
    for (LabelledPair p :
        PairReader.read(
                dataDir().resolve("quora/dev.tsv"), PairFormat.BIMPM, ReadOptions.defaults())
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
