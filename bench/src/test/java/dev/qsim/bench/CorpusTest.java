package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.QsimException;
import dev.qsim.QuestionPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the real shared data; expected texts come from splitting the file's lines directly. */
class CorpusTest {
  static Path data() {
    return Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
  }

  private static List<String[]> devRows() throws IOException {
    return Files.readAllLines(data().resolve("quora/dev.tsv"), StandardCharsets.UTF_8).stream()
        .map(l -> l.split("\t", -1))
        .toList();
  }

  @Test
  void devQuestionsAreDistinctAndInFileOrder() throws IOException {
    List<String[]> rows = devRows();
    List<String> q = Corpus.devQuestions(data(), 20);
    assertThat(q).hasSize(20).doesNotHaveDuplicates();
    // The file's Penn Treebank text, restored by the BiMPM reader ("idea ?" -> "idea?").
    assertThat(rows.get(0)[1]).isEqualTo("How do I get funding for my web based startup idea ?");
    assertThat(q.get(0)).isEqualTo("How do I get funding for my web based startup idea?");
    assertThat(q.get(1)).isEqualTo("How do I get seed funding pre product?");
  }

  @Test
  void devPairsAreTheRequestedRows() throws IOException {
    List<String[]> rows = devRows();
    List<QuestionPair> pairs = Corpus.devPairs(data(), 5, 3);
    assertThat(pairs).hasSize(3);
    assertThat(rows.get(7)[1]).isEqualTo("What is your favorite song and why ?");
    assertThat(pairs.get(0))
        .isEqualTo(
            new QuestionPair(
                "How much money do you need to earn to live a comfortable life in INDIA?",
                "How much money do you need to earn to live a comfortable life in Japan?"));
    assertThat(pairs.get(2))
        .isEqualTo(
            new QuestionPair(
                "What is your favorite song and why?", "What is your favorite song or artist?"));
    assertThatThrownBy(() -> Corpus.devPairs(data(), 9_999, 2))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("holds 10000 pairs; 10001 were asked for");
  }

  @Test
  void dedupeCorpusUsesEveryRealTextBeforeToppingUp() {
    Corpus.Questions c = Corpus.dedupeQuestions(data(), 90_000);
    List<String> q = c.questions();
    assertThat(q).hasSize(90_000);
    assertThat(new HashSet<>(q)).hasSize(90_000);
    int real = c.realByFile().values().stream().mapToInt(Integer::intValue).sum();
    assertThat(c.realByFile().keySet())
        .containsExactly(
            "quora/dev.tsv",
            "quora/train.csv",
            "quora/train-extra.tsv",
            "sts/stsb-train.tsv",
            "sts/stsb-dev.tsv",
            "sts/msrp-train.tsv");
    // About 66,600 distinct Quora questions and 18,900 STS-B/MSRP sentences, 85,500 in all
    // (counted with a separate script over the same files, dev's Penn Treebank text restored: raw,
    // about 1,960 more dev questions would differ from the same question in the train files).
    assertThat(real).isBetween(85_000, 86_000);
    assertThat(c.toppedUp()).isEqualTo(90_000 - real);
    assertThat(q.get(real)).isEqualTo(q.get(0) + " [2]");
    assertThat(q.get(89_999)).endsWith(" [2]");
    assertThat(q.get(real - 1)).doesNotEndWith(" [2]");
  }

  @Test
  void smallDedupeCorpusReadsOnlyTheDevFile() {
    Corpus.Questions c = Corpus.dedupeQuestions(data(), 1000);
    assertThat(c.realByFile()).containsOnlyKeys("quora/dev.tsv");
    assertThat(c.toppedUp()).isZero();
    assertThat(c.questions()).startsWith(Corpus.devQuestions(data(), 1000).toArray(String[]::new));
  }

  @Test
  void missingDataFolderIsNamed(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> Corpus.dataDir(missing.toString()))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> Corpus.devQuestions(tmp, 3))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("dev.tsv");
  }
}
