package dev.qsim.training;

import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import java.nio.file.Path;
import java.util.List;

/** Real data slices for the training tests. */
final class TestPairs {
  static final Path DATA = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));

  private TestPairs() {}

  /**
   * The first rows of train-extra.tsv (mixed labels; train.csv lists all its non-duplicates first).
   */
  static List<LabelledPair> quoraTrain(int n) {
    return PairReader.read(
            DATA.resolve("quora/train-extra.tsv"),
            PairFormat.BIMPM,
            ReadOptions.defaults().withLimit(n))
        .pairs();
  }

  static List<LabelledPair> quoraDev(int n) {
    return PairReader.read(
            DATA.resolve("quora/dev.tsv"), PairFormat.BIMPM, ReadOptions.defaults().withLimit(n))
        .pairs();
  }

  static List<LabelledPair> stsb(int n) {
    return PairReader.read(
            DATA.resolve("sts/stsb-train.tsv"),
            PairFormat.STSB,
            ReadOptions.defaults().withLimit(n))
        .pairs();
  }
}
