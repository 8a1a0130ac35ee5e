package dev.qsim.bench;

import dev.qsim.QsimException;
import dev.qsim.QuestionPair;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real text the benchmarks run on, read from the shared data folder with qsim's own readers.
 *
 * <p>Stateless and thread-safe.
 */
final class Corpus {
  /** The Quora dev file: the throughput and latency benchmarks read its first rows. */
  static final String QUORA_DEV = "quora/dev.tsv";

  /**
   * Where the duplicate-search corpus comes from, in order: every distinct question of the three
   * Quora files (about 68,600), then the sentences of STS-B and MSRP (about 18,900 more).
   */
  static final List<Source> DEDUPE_SOURCES =
      List.of(
          new Source(QUORA_DEV, PairFormat.BIMPM),
          new Source("quora/train.csv", PairFormat.QUORA),
          new Source("quora/train-extra.tsv", PairFormat.BIMPM),
          new Source("sts/stsb-train.tsv", PairFormat.STSB),
          new Source("sts/stsb-dev.tsv", PairFormat.STSB),
          new Source("sts/msrp-train.tsv", PairFormat.MSRP));

  private Corpus() {}

  /** A data file and its layout. */
  record Source(String file, PairFormat format) {}

  /**
   * The questions of a duplicate-search run and where they came from.
   *
   * @param questions the list, all distinct
   * @param realByFile how many distinct texts each file contributed
   * @param toppedUp how many texts are suffixed repeats of real ones (only when the real texts run
   *     out)
   */
  record Questions(List<String> questions, Map<String, Integer> realByFile, int toppedUp) {}

  /**
   * The data folder: {@code --data}, else the system property {@code qsim.data.dir}, else the first
   * of {@code ../shared/data} and {@code ../../shared/data} that exists.
   */
  static Path dataDir(String option) {
    if (option != null) {
      return checkDir(Path.of(option), "--data");
    }
    String property = System.getProperty("qsim.data.dir");
    if (property != null) {
      return checkDir(Path.of(property), "-Dqsim.data.dir");
    }
    for (String candidate : List.of("../shared/data", "../../shared/data")) {
      Path p = Path.of(candidate);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new QsimException(
        "No data folder: ../shared/data does not exist (relative to "
            + Path.of("").toAbsolutePath()
            + "); pass --data DIR or -Dqsim.data.dir=DIR");
  }

  private static Path checkDir(Path dir, String from) {
    if (!Files.isDirectory(dir)) {
      throw new QsimException(
          "Data folder "
              + dir
              + " (from "
              + from
              + ") is not a directory: "
              + dir.toAbsolutePath());
    }
    return dir;
  }

  /**
   * The first {@code count} distinct questions of the Quora dev file, in order of appearance
   * (question 1 then question 2 of each row).
   */
  static List<String> devQuestions(Path dataDir, int count) {
    Set<String> distinct = new LinkedHashSet<>();
    for (LabelledPair p : read(dataDir, new Source(QUORA_DEV, PairFormat.BIMPM)).pairs()) {
      for (String q : List.of(p.first(), p.second())) {
        if (distinct.size() < count) {
          distinct.add(q);
        }
      }
      if (distinct.size() == count) {
        return List.copyOf(distinct);
      }
    }
    throw new QsimException(
        dataDir.resolve(QUORA_DEV)
            + " holds only "
            + distinct.size()
            + " distinct questions; "
            + count
            + " were asked for");
  }

  /** Rows {@code [from, from + count)} of the Quora dev file as question pairs. */
  static List<QuestionPair> devPairs(Path dataDir, int from, int count) {
    List<LabelledPair> rows =
        read(dataDir, new Source(QUORA_DEV, PairFormat.BIMPM), from + count).pairs();
    if (rows.size() < from + count) {
      throw new QsimException(
          dataDir.resolve(QUORA_DEV)
              + " holds "
              + rows.size()
              + " pairs; "
              + (from + count)
              + " were asked for");
    }
    List<QuestionPair> out = new ArrayList<>(count);
    for (LabelledPair p : rows.subList(from, from + count)) {
      out.add(p.questions());
    }
    return out;
  }

  /**
   * {@code count} distinct texts for a duplicate search: distinct texts of {@link #DEDUPE_SOURCES}
   * in order; if they run out (about 87,500), the real texts again, in the same order, each with
   * the suffix {@code " [2]"} (then {@code " [3]"}, ...), so that every text is distinct and all
   * but the suffix is real.
   */
  static Questions dedupeQuestions(Path dataDir, int count) {
    Questions real = realTexts(dataDir, count);
    List<String> out = new ArrayList<>(count);
    out.addAll(real.questions());
    for (int round = 2; out.size() < count; round++) {
      String suffix = " [" + round + "]";
      for (int i = 0; i < real.questions().size() && out.size() < count; i++) {
        out.add(real.questions().get(i) + suffix);
      }
    }
    return new Questions(List.copyOf(out), real.realByFile(), out.size() - real.questions().size());
  }

  /**
   * The scale corpus of {@code count} texts: the distinct real texts of {@link #DEDUPE_SOURCES} in
   * order (all of them, about 87,500, or the first {@code count}), then texts generated from them
   * ({@link GeneratedQuestions}, seed {@link GeneratedQuestions#SEED}).
   *
   * @param questions real texts first, then generated ones
   * @param real how many are real
   * @param realByFile how many distinct texts each file contributed
   */
  record ScaleCorpus(List<String> questions, int real, Map<String, Integer> realByFile) {}

  /** The first {@code count} texts of the scale corpus (a prefix of every larger one). */
  static ScaleCorpus scaleCorpus(Path dataDir, int count) {
    Questions real = realTexts(dataDir, Integer.MAX_VALUE);
    List<String> texts = real.questions();
    if (count <= texts.size()) {
      return new ScaleCorpus(texts.subList(0, count), count, real.realByFile());
    }
    List<String> out = new ArrayList<>(count);
    out.addAll(texts);
    out.addAll(GeneratedQuestions.generate(texts, count - texts.size(), GeneratedQuestions.SEED));
    return new ScaleCorpus(
        java.util.Collections.unmodifiableList(out), texts.size(), real.realByFile());
  }

  /** Up to {@code count} distinct texts of {@link #DEDUPE_SOURCES}, in order. */
  private static Questions realTexts(Path dataDir, int count) {
    Set<String> distinct = new LinkedHashSet<>();
    Map<String, Integer> byFile = new LinkedHashMap<>();
    for (Source source : DEDUPE_SOURCES) {
      if (distinct.size() >= count) {
        break;
      }
      int before = distinct.size();
      for (LabelledPair p : read(dataDir, source).pairs()) {
        for (String q : List.of(p.first(), p.second())) {
          if (distinct.size() < count) {
            distinct.add(q);
          }
        }
      }
      byFile.put(source.file(), distinct.size() - before);
    }
    return new Questions(List.copyOf(distinct), byFile, 0);
  }

  private static PairDataset read(Path dataDir, Source source) {
    return read(dataDir, source, ReadOptions.NO_LIMIT);
  }

  private static PairDataset read(Path dataDir, Source source, int limit) {
    Path file = dataDir.resolve(source.file());
    ReadOptions options = ReadOptions.defaults().withSkipBadRows(true);
    if (limit != ReadOptions.NO_LIMIT) {
      options = options.withLimit(limit);
    }
    PairDataset data = PairReader.read(file, source.format(), options);
    if (data.skippedRows() > 0) {
      System.err.println(
          "[bench] "
              + file
              + ": skipped "
              + data.skippedRows()
              + " malformed rows, first reasons: "
              + data.skipReasons());
    }
    return data;
  }
}
