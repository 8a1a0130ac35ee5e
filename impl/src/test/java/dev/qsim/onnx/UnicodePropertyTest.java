package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.UnreadableQuestionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random Unicode through every method: invisible and control characters, unpaired
 * surrogates, supplementary characters, very long text. Blank-like text (by {@link
 * QuestionSimilarity#isBlankQuestion}) is refused with {@link IllegalArgumentException}, text the
 * model cannot read ({@link QuestionSimilarity#readability}) with {@link
 * UnreadableQuestionException}; everything else is embedded, with no other exception and no NaN
 * anywhere.
 */
class UnicodePropertyTest {
  private static final String INVISIBLE =
      "\u0000\u0001\u0007\t\n\u000b\f\r\u001b\u007f\u0085\u00a0\u00ad\u034f\u061c\u115f\u1160"
          + "\u1680\u17b4\u180e\u2000\u2007\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a"
          + "\u202e\u202f\u205f\u2060\u2066\u2800\u3000\u3164\ufe0f\ufeff\uffa0";
  private static final String[] WORDS = {
    "How", "do", "I", "learn", "Java", "?", "什么", "学习", "日本語", "Ça", "naïve", "🍣", "🤔", "👍🏽",
    "e\u0301", "ﷺ", "\ud800", "\udfff", "\ud83d", "x", "123", "<b>", "&amp;", "\u0000"
  };

  private final OnnxQuestionSimilarity qsim = SharedModel.get();

  @Test
  void randomUnicodeIsRefusedAsBlankOrEmbeddedWithoutNaN() {
    Random random = new Random(20261201);
    List<String> questions = new ArrayList<>();
    int blank = 0;
    int unreadable = 0;
    for (int i = 0; i < 400; i++) {
      String text = randomText(random, i);
      if (QuestionSimilarity.isBlankQuestion(text)) {
        blank++;
        assertRefusedEverywhere(text);
      } else if (qsim.readability(List.of(text)).get(0) == Readability.UNREADABLE) {
        unreadable++;
        assertRefusedAsUnreadable(text);
      } else {
        questions.add(text);
      }
    }
    assertThat(blank).as("blank-like cases generated").isGreaterThan(50);
    assertThat(unreadable).as("unreadable cases generated").isGreaterThan(10);
    assertThat(questions.size()).as("readable cases generated").isGreaterThan(40);

    List<Embedding> embeddings = qsim.embedAll(questions);
    for (int i = 0; i < embeddings.size(); i++) {
      float[] v = embeddings.get(i).vector();
      for (float x : v) {
        assertThat(Float.isFinite(x))
            .as("component of question %d %s", i, escape(questions.get(i)))
            .isTrue();
      }
    }
    List<QuestionPair> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < questions.size(); i++) {
      pairs.add(QuestionPair.of(questions.get(i), questions.get(i + 1)));
    }
    for (double s : qsim.similarities(pairs)) {
      assertThat(s).isBetween(-1.0, 1.0);
    }
    for (double s : qsim.duplicateScores(pairs)) {
      assertThat(s).isBetween(0.0, 1.0);
    }
    Duplicates found = qsim.findDuplicates(questions);
    found.pairs().forEach(p -> assertThat(p.score()).isBetween(-1.0, 1.0));
    for (Match m : qsim.mostSimilar(questions.get(0), questions, 5)) {
      assertThat(m.score()).isBetween(-1.0, 1.0);
    }
  }

  @Test
  void veryLongRandomTextIsTruncatedNotRefused() {
    Random random = new Random(99);
    for (int i = 0; i < 3; i++) {
      StringBuilder b = new StringBuilder("Why ");
      while (b.length() < 200_000) {
        b.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
      }
      String text = b.toString();
      // Random code points are mostly unknown to the tokenizer: refused as unreadable, or read.
      if (qsim.readability(List.of(text)).get(0) == Readability.UNREADABLE) {
        assertRefusedAsUnreadable(text);
      } else {
        assertThat(qsim.similarity(text, "Why?")).isBetween(-1.0, 1.0);
      }
    }
    String words = "Why " + "is the sky blue and the grass green ".repeat(6_000);
    assertThat(qsim.similarity(words, "Why?")).isBetween(-1.0, 1.0);
  }

  private void assertRefusedAsUnreadable(String text) {
    String shown = escape(text);
    assertThatThrownBy(() -> qsim.embed(text))
        .as(shown)
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageContaining("question is unreadable");
    assertThatThrownBy(() -> qsim.similarity("Why?", text))
        .as(shown)
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageContaining("q2 is unreadable");
    assertThatThrownBy(() -> qsim.similarities(List.of(QuestionPair.of(text, "Why?"))))
        .as(shown)
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageContaining("pairs[0].first is unreadable");
  }

  private void assertRefusedEverywhere(String text) {
    String shown = escape(text);
    assertThatThrownBy(() -> qsim.embed(text))
        .as(shown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is blank");
    assertThatThrownBy(() -> qsim.similarity("Why?", text))
        .as(shown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q2 is blank");
    assertThatThrownBy(() -> qsim.similarities(List.of(QuestionPair.of(text, "Why?"))))
        .as(shown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs[0].first is blank");
  }

  /** Mixes words, invisible characters, unpaired surrogates and random code points. */
  private static String randomText(Random random, int i) {
    StringBuilder b = new StringBuilder();
    int kind = i % 5;
    int length = random.nextInt(i % 40 == 0 ? 3_000 : 12);
    for (int k = 0; k < length || (kind == 4 && k == 0); k++) {
      switch (kind) {
        case 0: // invisible only: always blank-like
        case 1:
          b.append(INVISIBLE.charAt(random.nextInt(INVISIBLE.length())));
          break;
        case 2: // words among invisible characters
          b.append(
              random.nextBoolean()
                  ? WORDS[random.nextInt(WORDS.length)]
                  : String.valueOf(INVISIBLE.charAt(random.nextInt(INVISIBLE.length()))));
          break;
        case 3: // any UTF-16 unit, unpaired surrogates included
          b.append((char) random.nextInt(Character.MAX_VALUE + 1));
          break;
        default: // any code point
          b.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
      }
    }
    return b.toString();
  }

  private static String escape(String text) {
    StringBuilder b = new StringBuilder("\"");
    text.codePoints()
        .limit(40)
        .forEach(
            cp ->
                b.append(
                    cp >= 0x20 && cp < 0x7f
                        ? String.valueOf((char) cp)
                        : String.format("\\u{%x}", cp)));
    return b.append("\"").toString();
  }
}
