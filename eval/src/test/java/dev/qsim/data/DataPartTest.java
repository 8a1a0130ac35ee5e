package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The train/check split rule and graded-label binarisation. Expected parts and counts were computed
 * with Python's hashlib and csv modules from the rule documented in {@link DataPart}, not with this
 * code.
 */
class DataPartTest {
  private static final Path DATA = RealDataTest.DATA;

  @BeforeAll
  static void dataIsThere() {
    assertThat(DATA.resolve("README.md")).isRegularFile();
  }

  @Test
  void partsMatchAnIndependentImplementationOfTheRule() {
    assertThat(DataPart.partOf("How do I get a refund?", "I want my money back"))
        .isEqualTo(DataPart.CHECK);
    assertThat(DataPart.partOf("a", "b")).isEqualTo(DataPart.TRAIN);
    assertThat(DataPart.partOf("Is this a question?", "Is this a question?"))
        .isEqualTo(DataPart.CHECK);
    assertThat(DataPart.partOf("Caf\u00e9 ?", "na\u00efve \u30b7")).isEqualTo(DataPart.CHECK);
  }

  /**
   * The part of a pair does not depend on the order of its questions, TRAIN and CHECK split every
   * pair, ALL holds it, and about half of arbitrary Unicode pairs go to each part.
   */
  @Property(tries = 2_000)
  void partIsSymmetricAndTheTwoPartsSplitEveryPairAboutInHalf(
      @ForAll @StringLength(max = 40) String a, @ForAll @StringLength(max = 40) String b) {
    DataPart part = DataPart.partOf(a, b);
    assertThat(DataPart.partOf(b, a)).isEqualTo(part);
    assertThat(part).isIn(DataPart.TRAIN, DataPart.CHECK);
    assertThat(DataPart.TRAIN.contains(a, b)).isNotEqualTo(DataPart.CHECK.contains(a, b));
    assertThat(DataPart.ALL.contains(a, b)).isTrue();
    // Binomial(2000, 0.5): sd 1.1 points, so 40 to 60 per cent is more than 8 sd.
    Statistics.label("part").collect(part);
    Statistics.label("part")
        .coverage(coverage -> coverage.check(DataPart.CHECK).percentage(p -> p > 40 && p < 60));
  }

  @Test
  void fromIdAcceptsTheCommandLineNamesOnly() {
    assertThat(DataPart.fromId(" Check ")).isEqualTo(DataPart.CHECK);
    assertThat(DataPart.fromId("train")).isEqualTo(DataPart.TRAIN);
    assertThat(DataPart.fromId("all")).isEqualTo(DataPart.ALL);
    assertThatThrownBy(() -> DataPart.fromId("test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test'")
        .hasMessageContaining("all, train, check");
  }

  @Test
  void msrpPartsAreDisjointCoverTheFileAndMatchPython() {
    Path file = DATA.resolve("sts/msrp-train.tsv");
    PairDataset train =
        PairReader.read(file, PairFormat.MSRP, ReadOptions.defaults().withPart(DataPart.TRAIN));
    PairDataset check =
        PairReader.read(file, PairFormat.MSRP, ReadOptions.defaults().withPart(DataPart.CHECK));
    PairDataset all = PairReader.read(file, PairFormat.MSRP);
    assertThat(train.size()).isEqualTo(1_756);
    assertThat(train.duplicates()).isEqualTo(1_181);
    assertThat(check.size()).isEqualTo(1_820);
    assertThat(check.duplicates()).isEqualTo(1_226);
    assertThat(train.size() + check.size()).isEqualTo(all.size());
    List<Long> lines = new ArrayList<>();
    train.pairs().forEach(p -> lines.add(p.line()));
    check.pairs().forEach(p -> assertThat(lines).doesNotContain(p.line()));
    // The first MSRP pair (line 2) is in the check part; rows keep their lines and labels.
    assertThat(check.pairs().get(0)).isEqualTo(all.pairs().get(0));
    assertThat(check.skippedRows()).isZero();
  }

  @Test
  void stsbBinarisedAtTwoAndFourMatchesPython() {
    Path file = DATA.resolve("sts/stsb-train.tsv");
    ReadOptions binarised = ReadOptions.defaults().withBinarized(2, 4);
    PairDataset check = PairReader.read(file, PairFormat.STSB, binarised.withPart(DataPart.CHECK));
    PairDataset train = PairReader.read(file, PairFormat.STSB, binarised.withPart(DataPart.TRAIN));
    assertThat(check.size()).isEqualTo(1_653);
    assertThat(check.duplicates()).isEqualTo(701);
    assertThat(train.size()).isEqualTo(1_720);
    assertThat(train.duplicates()).isEqualTo(705);
    assertThat(check.labels()).containsOnly(0.0, 1.0);
    PairDataset dev =
        PairReader.read(
            DATA.resolve("sts/stsb-dev.tsv"), PairFormat.STSB, binarised.withPart(DataPart.CHECK));
    assertThat(dev.size()).isEqualTo(449);
    assertThat(dev.duplicates()).isEqualTo(132);
  }

  @Test
  void binarisationLeavesTheMiddleOutAndKeepsTheBoundsInclusive() throws IOException {
    String rows =
        "g\tf\t2012\t1\t4.0\ta four\tb four\n"
            + "g\tf\t2012\t2\t3.9\ta middle\tb middle\n"
            + "g\tf\t2012\t3\t2.0\ta two\tb two\n"
            + "g\tf\t2012\t4\t2.1\ta above two\tb above two\n"
            + "g\tf\t2012\t5\t0\ta zero\tb zero\n"
            + "g\tf\t2012\t6\t5\ta five\tb five\n";
    PairDataset ds =
        PairReader.read(
            new StringReader(rows),
            "mem.tsv",
            PairFormat.STSB,
            ReadOptions.defaults().withBinarized(2, 4).withLimit(3));
    assertThat(ds.pairs())
        .extracting(LabelledPair::first, LabelledPair::label, LabelledPair::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a four", 1.0, 1L),
            org.assertj.core.groups.Tuple.tuple("a two", 0.0, 3L),
            org.assertj.core.groups.Tuple.tuple("a zero", 0.0, 5L));
    assertThat(ds.truncated()).as("the limit counts kept pairs").isTrue();
    assertThat(ds.skippedRows()).as("left-out pairs are not malformed rows").isZero();
  }

  @Test
  void badBinarisationBoundsAreRefused() {
    ReadOptions options = ReadOptions.defaults();
    assertThatThrownBy(() -> options.withBinarized(4, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2.0) must be greater than the non-duplicate bound (4.0)");
    assertThatThrownBy(() -> options.withBinarized(Double.NaN, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> options.withPart(null)).isInstanceOf(NullPointerException.class);
    assertThat(options.binarized()).isFalse();
    assertThat(options.part()).isEqualTo(DataPart.ALL);
    assertThat(options.withBinarized(2, 4).withLimit(5).duplicateAtLeast()).isEqualTo(4);
    assertThat(options.withPart(DataPart.CHECK).withSkipBadRows(true).part())
        .isEqualTo(DataPart.CHECK);
  }
}
