package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.QsimException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairReaderTest {
  private static final String QUORA_HEADER = "id,qid1,qid2,question1,question2,is_duplicate\n";

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static DataFormatException formatError(Path file, PairFormat format) {
    try {
      PairReader.read(file, format);
    } catch (DataFormatException e) {
      return e;
    }
    throw new AssertionError("expected a DataFormatException reading " + file);
  }

  @Test
  void readsQuoraCsvWithQuotingAndLineNumbers() throws IOException {
    Path file =
        write(
            "q.csv",
            QUORA_HEADER
                + "0,1,2,\"Is a, b?\",\"He said \"\"yes\"\"\",1\n"
                + "1,3,4,\"two\nlines?\",plain?,0\n"
                + "2,5,6,after?,x?,1\n");
    PairDataset ds = PairReader.read(file, PairFormat.QUORA);
    assertThat(ds.size()).isEqualTo(3);
    assertThat(ds.pairs().get(0))
        .isEqualTo(new LabelledPair("Is a, b?", "He said \"yes\"", 1, file.toString(), 2));
    assertThat(ds.pairs().get(1).first()).isEqualTo("two\nlines?");
    assertThat(ds.pairs().get(1).line()).isEqualTo(3);
    assertThat(ds.pairs().get(2).line()).isEqualTo(5);
    assertThat(ds.duplicates()).isEqualTo(2);
    assertThat(ds.labels()).containsExactly(1, 0, 1);
    assertThat(ds.skippedRows()).isZero();
    assertThat(ds.truncated()).isFalse();
    assertThat(ds.format()).isEqualTo(PairFormat.QUORA);
  }

  @Test
  void wrongColumnCountNamesFileAndLine() throws IOException {
    Path file = write("q.csv", QUORA_HEADER + "0,1,2,a?,b?,1\n1,3,4,only four?,0\n");
    DataFormatException e = formatError(file, PairFormat.QUORA);
    assertThat(e.getMessage()).startsWith(file + ":3: ").contains("expected 6 columns", "found 5");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.source()).isEqualTo(file.toString());
    assertThat(e).isInstanceOf(QsimException.class);
  }

  @Test
  void labelThatIsNotANumberIsAnError() throws IOException {
    Path file = write("d.tsv", "1\ta?\tb?\t7\nyes\tc?\td?\t8\n");
    DataFormatException e = formatError(file, PairFormat.BIMPM);
    assertThat(e.getMessage())
        .startsWith(file + ":2: ")
        .contains("'yes'", "column 1 (label)", "not a number");
  }

  @Test
  void binaryLabelOutsideZeroOneIsAnError() throws IOException {
    Path file = write("d.tsv", "2\ta?\tb?\t7\n");
    assertThat(formatError(file, PairFormat.BIMPM).getMessage())
        .startsWith(file + ":1: ")
        .contains("not 0 or 1");
    Path nan = write("n.tsv", "NaN\ta?\tb?\t7\n");
    assertThat(formatError(nan, PairFormat.BIMPM).getMessage()).contains("not a number");
  }

  @Test
  void stsbScoreOutOfRangeIsAnError() throws IOException {
    Path file =
        write(
            "s.tsv",
            "g\tf\t2012\t1\t4.2\tA man.\tA person.\n" + "g\tf\t2012\t2\t5.5\tA cat.\tA dog.\n");
    assertThat(formatError(file, PairFormat.STSB).getMessage())
        .startsWith(file + ":2: ")
        .contains("'5.5'", "0 to 5");
  }

  @Test
  void emptyOrBlankQuestionIsAnError() throws IOException {
    Path file = write("d.tsv", "1\ta?\t\t7\n");
    assertThat(formatError(file, PairFormat.BIMPM).getMessage())
        .startsWith(file + ":1: ")
        .contains("column 3 (question2) is empty");
    Path blank = write("q.csv", QUORA_HEADER + "0,1,2,\"   \",b?,0\n");
    assertThat(formatError(blank, PairFormat.QUORA).getMessage())
        .startsWith(blank + ":2: ")
        .contains("column 4 (question1) is blank");
  }

  @Test
  void unterminatedQuoteNamesTheLineWhereItOpened() throws IOException {
    Path file =
        write("q.csv", QUORA_HEADER + "0,1,2,a?,b?,1\n1,3,4,\"never closed?,b?,0\n2,5,6,c?,d?,0\n");
    DataFormatException e = formatError(file, PairFormat.QUORA);
    assertThat(e.getMessage()).startsWith(file + ":3: ").contains("unterminated quoted field");
  }

  @Test
  void skippingBadRowsCountsThemWithReasons() throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("1\tgood?\tfine?\t1\n"); // line 1
    text.append("x\tbad label?\tb?\t2\n"); // line 2
    text.append("0\tthree columns?\tb?\n"); // line 3
    for (int i = 0; i < 12; i++) {
      text.append("0\t\tempty?\t").append(i).append('\n'); // lines 4..15
    }
    text.append("0\tlast?\tone?\t99\n"); // line 16
    Path file = write("d.tsv", text.toString());
    PairDataset ds =
        PairReader.read(file, PairFormat.BIMPM, ReadOptions.defaults().withSkipBadRows(true));
    assertThat(ds.size()).isEqualTo(2);
    assertThat(ds.pairs().get(1).line()).isEqualTo(16);
    assertThat(ds.skippedRows()).isEqualTo(14);
    assertThat(ds.skipReasons()).hasSize(ReadOptions.MAX_SKIP_REASONS);
    assertThat(ds.skipReasons().get(0)).startsWith(file + ":2: ").contains("not a number");
    assertThat(ds.skipReasons().get(1)).startsWith(file + ":3: ").contains("found 3");
    assertThat(ds.skipReasons().get(2)).startsWith(file + ":4: ").contains("empty");
  }

  @Test
  void limitReadsTheFirstPairsAndSaysItStoppedEarly() throws IOException {
    Path file = write("d.tsv", "1\ta?\tb?\t1\n0\tc?\td?\t2\n1\te?\tf?\t3\n");
    PairDataset two = PairReader.read(file, PairFormat.BIMPM, ReadOptions.defaults().withLimit(2));
    assertThat(two.pairs()).extracting(LabelledPair::first).containsExactly("a?", "c?");
    assertThat(two.truncated()).isTrue();
    PairDataset all = PairReader.read(file, PairFormat.BIMPM, ReadOptions.defaults().withLimit(3));
    assertThat(all.size()).isEqualTo(3);
    assertThat(all.truncated()).isFalse();
    assertThatThrownBy(() -> ReadOptions.defaults().withLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void missingFileAndDirectoryAreErrorsNamingThePath() {
    Path missing = dir.resolve("nope/absent.csv");
    assertThatThrownBy(() -> PairReader.read(missing, PairFormat.QUORA))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("not found")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> PairReader.read(dir, PairFormat.QUORA))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("directory")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void invalidUtf8IsAnErrorNamingTheFile() throws IOException {
    Path file = dir.resolve("latin1.tsv");
    byte[] good = "1\ta?\tb?\t1\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = "0\tcaf\u00e9?\tb?\t2\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[good.length + bad.length];
    System.arraycopy(good, 0, all, 0, good.length);
    System.arraycopy(bad, 0, all, good.length, bad.length);
    Files.write(file, all);
    assertThatThrownBy(() -> PairReader.read(file, PairFormat.BIMPM))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("UTF-8");
  }

  @Test
  void headerFormatsRejectEmptyFilesAndWrongHeaders() throws IOException {
    Path empty = write("e.csv", "");
    assertThat(formatError(empty, PairFormat.QUORA).getMessage())
        .startsWith(empty + ":1: ")
        .contains("empty");
    Path noLabel = write("n.csv", "id,question1,question2\n1,a?,b?\n");
    assertThat(formatError(noLabel, PairFormat.QUORA).getMessage())
        .startsWith(noLabel + ":1: ")
        .contains("no label column 'is_duplicate'");
    Path msrp = write("m.tsv", "1\t2\t3\ta\tb\n");
    assertThat(formatError(msrp, PairFormat.MSRP).getMessage())
        .startsWith(msrp + ":1: ")
        .contains("MSRP header");
    // a header error is not a row: skipping bad rows does not hide it
    assertThatThrownBy(
            () ->
                PairReader.read(
                    noLabel, PairFormat.QUORA, ReadOptions.defaults().withSkipBadRows(true)))
        .isInstanceOf(DataFormatException.class);
  }

  @Test
  void headerlessEmptyFileIsAnEmptyDataset() throws IOException {
    Path empty = write("e.tsv", "\n");
    PairDataset ds = PairReader.read(empty, PairFormat.BIMPM);
    assertThat(ds.size()).isZero();
    assertThat(ds.skippedRows()).isZero();
  }

  @Test
  void msrpWithBomAndCrLf() throws IOException {
    Path file =
        write(
            "m.tsv",
            "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                + "1\t11\t12\t\"Quoted\" start.\tOther \"text\".\r\n"
                + "0\t13\t14\tA.\tB.\r\n");
    PairDataset ds = PairReader.read(file, PairFormat.MSRP);
    assertThat(ds.pairs())
        .containsExactly(
            new LabelledPair("\"Quoted\" start.", "Other \"text\".", 1, file.toString(), 2),
            new LabelledPair("A.", "B.", 0, file.toString(), 3));
  }

  @Test
  void stsbAcceptsTwoExtraColumnsButNotOne() throws IOException {
    Path file =
        write(
            "s.tsv",
            "g\tf\t2012\t1\t4.200\tA man.\tA person.\n"
                + "g\tf\t2012\t2\t0.5\t\"Quote\tB.\tsrc1\tsrc2\n");
    PairDataset ds = PairReader.read(file, PairFormat.STSB);
    assertThat(ds.labels()).containsExactly(4.2, 0.5);
    assertThat(ds.pairs().get(1).first()).isEqualTo("\"Quote");
    Path eight = write("s8.tsv", "g\tf\t2012\t1\t4\tA.\tB.\textra\n");
    assertThat(formatError(eight, PairFormat.STSB).getMessage()).contains("7 or 9", "found 8");
  }

  @Test
  void genericCsvFindsColumnsByNameAndFallsBackToIsDuplicate() throws IOException {
    Path labelled = write("g.csv", "label,question2,question1\n1,second?,first?\n");
    assertThat(PairReader.read(labelled, PairFormat.CSV).pairs().get(0))
        .isEqualTo(new LabelledPair("first?", "second?", 1, labelled.toString(), 2));
    Path quora = write("k.csv", QUORA_HEADER + "0,1,2,a?,b?,1\n");
    assertThat(PairReader.read(quora, PairFormat.CSV).labels()).containsExactly(1);
    Path tsv = write("g.tsv", "Text A\tText B\tScore\nx, y?\tz?\t3.5\n");
    PairDataset ds =
        PairReader.read(
            tsv, PairFormat.CSV, ReadOptions.defaults().withColumns("text a", "Text B", "score"));
    assertThat(ds.pairs().get(0))
        .isEqualTo(new LabelledPair("x, y?", "z?", 3.5, tsv.toString(), 2));
    Path missing = write("m.csv", "a,b,label\n1,2,0\n");
    assertThat(formatError(missing, PairFormat.CSV).getMessage())
        .contains("no column 'question1'", "[a, b, label]");
  }

  @Test
  void genericCsvDelimiterAndQuotingOptions() throws IOException {
    Path semi = write("s.txt", "question1;question2;label\n\"a;b?\";c?;0\n");
    PairDataset ds =
        PairReader.read(semi, PairFormat.CSV, ReadOptions.defaults().withDelimiter(';'));
    assertThat(ds.pairs().get(0).first()).isEqualTo("a;b?");
    Path raw = write("r.tsv", "question1\tquestion2\tlabel\n\"Quoted\" here\tb?\t1\n");
    DataFormatException quoted = formatError(raw, PairFormat.CSV);
    assertThat(quoted.getMessage()).startsWith(raw + ":2: ").contains("after the closing quote");
    PairDataset off =
        PairReader.read(raw, PairFormat.CSV, ReadOptions.defaults().withQuoting(false));
    assertThat(off.pairs().get(0).first()).isEqualTo("\"Quoted\" here");
  }

  @Test
  void readsFromAReaderUsingTheSourceName() {
    PairDataset ds =
        PairReader.read(
            new StringReader("question1\tquestion2\tlabel\na?\tb?\t1\n"),
            "resource/pairs.tsv",
            PairFormat.CSV,
            ReadOptions.defaults());
    assertThat(ds.pairs().get(0).location()).isEqualTo("resource/pairs.tsv:2");
    assertThatThrownBy(
            () ->
                PairReader.read(
                    new StringReader("1\ta?\n"), "mem", PairFormat.BIMPM, ReadOptions.defaults()))
        .hasMessageStartingWith("mem:1: ");
  }

  @Test
  void formatIdsRoundTrip() {
    for (PairFormat f : PairFormat.values()) {
      assertThat(PairFormat.fromId(f.id())).isSameAs(f);
      assertThat(PairFormat.fromId(" " + f.name() + " ")).isSameAs(f);
    }
    assertThat(PairFormat.STSB.graded()).isTrue();
    assertThat(PairFormat.QUORA.graded()).isFalse();
    assertThatThrownBy(() -> PairFormat.fromId("tsv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tsv'")
        .hasMessageContaining("quora, bimpm, stsb, msrp, csv");
  }

  @Test
  void labelledPairValidation() {
    assertThatThrownBy(() -> LabelledPair.of(null, "b", 0)).hasMessage("first");
    assertThatThrownBy(() -> LabelledPair.of("a", "b", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label");
    assertThat(LabelledPair.of("a", "b", 1).questions().second()).isEqualTo("b");
    assertThat(LabelledPair.of("a", "b", 1).isDuplicate()).isTrue();
  }

  @Test
  void sampleIsSeededOrderedAndWithoutRepeats() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      text.append(i % 2).append("\tq").append(i).append("?\tr?\t").append(i).append('\n');
    }
    PairDataset ds = PairReader.read(write("d.tsv", text.toString()), PairFormat.BIMPM);
    PairDataset a = ds.sample(10, 5);
    assertThat(a.size()).isEqualTo(10);
    assertThat(a.truncated()).isTrue();
    assertThat(a.pairs()).isEqualTo(ds.sample(10, 5).pairs());
    assertThat(a.pairs()).isNotEqualTo(ds.sample(10, 6).pairs());
    assertThat(a.pairs())
        .doesNotHaveDuplicates()
        .isSortedAccordingTo(java.util.Comparator.comparingLong(LabelledPair::line));
    assertThat(ds.sample(50, 1)).isSameAs(ds);
    assertThat(ds.sample(0, 1).size()).isZero();
    assertThatThrownBy(() -> ds.sample(-1, 1)).hasMessageContaining("sample size");
  }
}
