package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.Duplicates;
import dev.qsim.Match;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import dev.qsim.UnreadableQuestionException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * Random Unicode (jqwik, and seeded for very long text) through every method: invisible and control
 * characters, unpaired surrogates, supplementary characters, very long text. Blank-like text (by
 * {@link TextRules#isBlankQuestion}) is refused with {@link IllegalArgumentException}, text the
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

  /**
   * Each generated text is refused as blank, refused as unreadable, or embedded (finite vector) and
   * scored within range by every method; the generator reaches all three often enough.
   */
  @Property(tries = 100)
  void randomUnicodeIsRefusedAsBlankOrEmbeddedWithoutNaN(@ForAll("texts") String text) {
    String outcome;
    if (TextRules.isBlankQuestion(text)) {
      outcome = "blank";
      assertRefusedEverywhere(text);
    } else if (qsim.readability(List.of(text)).get(0) == Readability.UNREADABLE) {
      outcome = "unreadable";
      assertRefusedAsUnreadable(text);
    } else {
      outcome = "readable";
      assertEmbeddedAndScored(text);
    }
    Statistics.label("outcome").collect(outcome);
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("blank").percentage(p -> p > 10);
              coverage.check("unreadable").percentage(p -> p > 3);
              coverage.check("readable").percentage(p -> p > 3);
            });
  }

  private void assertEmbeddedAndScored(String text) {
    String shown = escape(text);
    for (float x : qsim.embed(text).vector()) {
      assertThat(Float.isFinite(x)).as("component of %s", shown).isTrue();
    }
    List<QuestionPair> pairs =
        List.of(QuestionPair.of(text, "How do I learn Java?"), QuestionPair.of("Why?", text));
    for (double similarity : qsim.similarities(pairs)) {
      assertThat(similarity).as(shown).isBetween(-1.0, 1.0);
    }
    for (double score : qsim.duplicateScores(pairs)) {
      assertThat(score).as(shown).isBetween(0.0, 1.0);
    }
    Duplicates found = qsim.findDuplicates(List.of(text, "How do I learn Java?", text + " ?"));
    found.pairs().forEach(p -> assertThat(p.score()).as(shown).isBetween(-1.0, 1.0));
    for (Match m : qsim.mostSimilar(text, List.of("Why?", text), 2)) {
      assertThat(m.score()).as(shown).isBetween(-1.0, 1.0);
    }
  }

  /**
   * Invisible characters only (always blank-like), words among invisible characters, any UTF-16
   * unit (unpaired surrogates included), any code point; now and then 3,000 units long.
   */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> invisible =
        Arbitraries.of(INVISIBLE.chars().mapToObj(c -> String.valueOf((char) c)).toList());
    Arbitrary<String> word = Arbitraries.of(WORDS);
    Arbitrary<String> utf16 = Arbitraries.chars().map(String::valueOf);
    Arbitrary<String> codePoint =
        Arbitraries.integers().between(0, Character.MAX_CODE_POINT).map(Character::toString);
    return Arbitraries.frequencyOf(
        Tuple.of(5, joined(invisible, 0, 12)),
        Tuple.of(7, joined(Arbitraries.oneOf(word, invisible), 1, 12)),
        Tuple.of(4, joined(utf16, 1, 12)),
        Tuple.of(4, joined(codePoint, 1, 12)),
        Tuple.of(1, joined(Arbitraries.oneOf(utf16, word), 3_000, 3_000)));
  }

  private static Arbitrary<String> joined(Arbitrary<String> part, int min, int max) {
    return part.list().ofMinSize(min).ofMaxSize(max).map(l -> String.join("", l));
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
