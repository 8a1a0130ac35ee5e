package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the real labelled files under {@code ../shared/data} (see its README for the expected row
 * counts). Expected values were taken with Python's csv module and grep, not with this reader.
 */
class RealDataTest {
  static final Path DATA = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));

  @BeforeAll
  static void dataIsThere() {
    assertThat(DATA.resolve("README.md"))
        .as("shared data directory (system property qsim.data.dir)")
        .isRegularFile();
  }

  private static PairDataset read(String file, PairFormat format) {
    return PairReader.read(DATA.resolve(file), format);
  }

  @Test
  void quoraTrainCsv() {
    PairDataset ds = read("quora/train.csv", PairFormat.QUORA);
    assertThat(ds.size()).isEqualTo(9_512);
    assertThat(ds.duplicates()).isEqualTo(3_758);
    assertThat(ds.skippedRows()).isZero();
    LabelledPair first = ds.pairs().get(0);
    assertThat(first.first())
        .isEqualTo("What is the step by step guide to invest in share market in india?");
    assertThat(first.line()).isEqualTo(2);
    assertThat(first.label()).isEqualTo(0);
    // line 5: a quoted field with a comma inside
    LabelledPair commas = ds.pairs().get(3);
    assertThat(commas.line()).isEqualTo(5);
    assertThat(commas.second())
        .isEqualTo("Find the remainder when [math]23^{24}[/math] is divided by 24,23?");
    // line 8: doubled quotes and non-ASCII text
    LabelledPair quotes = ds.pairs().get(6);
    assertThat(quotes.line()).isEqualTo(8);
    assertThat(quotes.first()).isEqualTo("When do you use \u30b7 instead of \u3057?");
    assertThat(quotes.second()).isEqualTo("When do you use \"&\" instead of \"and\"?");
    // the one quoted line break: the row starts on line 1381 and the next row is on line 1383
    LabelledPair multiLine =
        ds.pairs().stream().filter(p -> p.line() == 1381).findFirst().orElseThrow();
    assertThat(multiLine.first()).isEqualTo("Which is the best RO water purifier in Ahmedabad?\n");
    int index = ds.pairs().indexOf(multiLine);
    assertThat(ds.pairs().get(index + 1).line()).isEqualTo(1383);
    assertThat(ds.pairs().get(ds.size() - 1).line()).isEqualTo(9_514);
  }

  @Test
  void quoraTrainIsSortedByLabelSoItsFirstRowsAreAllNonDuplicates() {
    PairDataset head =
        PairReader.read(
            DATA.resolve("quora/train.csv"),
            PairFormat.QUORA,
            ReadOptions.defaults().withLimit(1_000));
    assertThat(head.size()).isEqualTo(1_000);
    assertThat(head.truncated()).isTrue();
    assertThat(head.duplicates()).isZero();
    PairDataset sample = read("quora/train.csv", PairFormat.QUORA).sample(1_000, 42);
    assertThat(sample.size()).isEqualTo(1_000);
    // 3,758 of 9,512 are duplicates: a uniform sample of 1,000 holds about 395 (sd ~15)
    assertThat(sample.duplicates()).isBetween(330, 460);
  }

  @Test
  void quoraDevTsv() {
    PairDataset ds = read("quora/dev.tsv", PairFormat.BIMPM);
    assertThat(ds.size()).isEqualTo(10_000);
    assertThat(ds.duplicates()).isEqualTo(5_000);
    LabelledPair seventh = ds.pairs().get(6);
    assertThat(seventh.line()).isEqualTo(7);
    assertThat(seventh.label()).isEqualTo(1);
    assertThat(seventh.first())
        .isEqualTo("When did you figure out that you want to be a graphic designer?");
    // line 9033 in Penn Treebank tokens: brackets, a clitic and "does n't", restored as written
    LabelledPair ptb = ds.pairs().get(9_032);
    assertThat(ptb.line()).isEqualTo(9_033);
    assertThat(ptb.first())
        .isEqualTo(
            "Why does Quora say your question needs improvement when it (obviously in God's own"
                + " sight) doesn't need it?");
    assertThat(ds.pairs())
        .noneMatch(p -> (p.first() + p.second()).matches(".*(-LRB-|-RRB-|``| n't\\b).*"));
    PairDataset slice =
        PairReader.read(
            DATA.resolve("quora/dev.tsv"),
            PairFormat.BIMPM,
            ReadOptions.defaults().withLimit(1_000));
    assertThat(slice.duplicates()).isEqualTo(500);
  }

  @Test
  void quoraTrainExtraTsv() {
    PairDataset ds = read("quora/train-extra.tsv", PairFormat.BIMPM);
    assertThat(ds.size()).isEqualTo(16_475);
    assertThat(ds.duplicates()).isEqualTo(5_048);
    LabelledPair p = ds.pairs().get(99);
    assertThat(p.line()).isEqualTo(100);
    assertThat(p.first()).isEqualTo("How do I get Quora emailed daily?");
    assertThat(p.second()).isEqualTo("How do I get Quora as email?");
    assertThat(p.label()).isZero();
  }

  @Test
  void stsBenchmark() {
    PairDataset train = read("sts/stsb-train.tsv", PairFormat.STSB);
    assertThat(train.size()).isEqualTo(5_749);
    LabelledPair first = train.pairs().get(0);
    assertThat(first.label()).isEqualTo(5.0);
    assertThat(first.first()).isEqualTo("A plane is taking off.");
    // line 5553 is the first row with two extra source columns
    LabelledPair extra = train.pairs().get(5_552);
    assertThat(extra.line()).isEqualTo(5_553);
    assertThat(extra.label()).isEqualTo(4.0);
    assertThat(extra.first()).isEqualTo("Driver backs into stroller with child, drives off");
    assertThat(extra.second())
        .isEqualTo("Driver backs into mom, stroller with child then drives off");

    PairDataset dev = read("sts/stsb-dev.tsv", PairFormat.STSB);
    assertThat(dev.size()).isEqualTo(1_500);
    double mean = 0;
    for (double label : dev.labels()) {
      assertThat(label).isBetween(0.0, 5.0);
      mean += label;
    }
    assertThat(mean / dev.size()).isCloseTo(2.3639075555, within(1e-9));
  }

  @Test
  void msrpWithBomHeaderAndCrLf() {
    PairDataset ds = read("sts/msrp-train.tsv", PairFormat.MSRP);
    assertThat(ds.size()).isEqualTo(3_576);
    assertThat(ds.duplicates()).isEqualTo(2_407);
    LabelledPair p = ds.pairs().get(3);
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.label()).isZero();
    assertThat(p.first())
        .isEqualTo(
            "Around 0335 GMT, Tab shares were up 19 cents, or 4.4%, at A$4.56, having earlier set a"
                + " record high of A$4.57.");
    assertThat(p.second()).doesNotEndWith("\r");
    assertThat(ds.pairs().get(0).first()).contains("\"the witness\"");
    PairDataset slice =
        PairReader.read(
            DATA.resolve("sts/msrp-train.tsv"),
            PairFormat.MSRP,
            ReadOptions.defaults().withLimit(500));
    assertThat(slice.duplicates()).isEqualTo(342);
  }

  @Test
  void genericCsvReadsQuoraTrainLikeTheQuoraFormat() {
    PairDataset generic = read("quora/train.csv", PairFormat.CSV);
    PairDataset quora = read("quora/train.csv", PairFormat.QUORA);
    assertThat(generic.pairs()).isEqualTo(quora.pairs());
  }
}
