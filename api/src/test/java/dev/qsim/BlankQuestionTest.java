package dev.qsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** The one blank rule: text with no visible character is no question. */
class BlankQuestionTest {

  @Test
  void invisibleOnlyTextIsBlank() {
    String[] blank = {
      "",
      " \t\r\n",
      "\u00a0", // no-break space
      "\u200b", // zero-width space
      "\ufeff", // byte-order mark
      "\u0001",
      "\u0000\u007f\u0085",
      "\u2007\u202f\u3000\u2028\u2029", // space separators, line and paragraph separators
      "\u200c\u200d\u2060\u200e\u200f\u202a\u202e\u2066\u00ad\u061c", // joiners, bidi, soft hyphen
      "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u180e", // fillers that render as blanks
      "\ufe0f\udb40\udd00", // variation selectors (U+FE0F, U+E0100)
      "\ud800", // an unpaired surrogate
      "\udfff\ud83d",
    };
    for (String text : blank) {
      assertThat(TextRules.isBlankQuestion(text)).as(escape(text)).isTrue();
      assertThatThrownBy(() -> TextRules.checkQuestion(text, "q1"))
          .as(escape(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("q1 is blank: a question needs at least one visible character");
    }
  }

  @Test
  void anyVisibleCharacterMakesAQuestion() {
    String[] visible = {
      "?",
      "\u00a0Why?\u200b",
      "🙂",
      "\ud83d\ude42\u200d",
      "如何",
      "e\u0301",
      "\u0301",
      "\ue000",
      "x\u0000"
    };
    for (String text : visible) {
      assertThat(TextRules.isBlankQuestion(text)).as(escape(text)).isFalse();
      assertThat(TextRules.checkQuestion(text, "q")).isSameAs(text);
    }
    assertThatThrownBy(() -> TextRules.checkQuestion(null, "query"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("query");
  }

  /**
   * Everything {@link String#isBlank} calls blank is blank here too (the converse need not hold),
   * and no text makes the rule throw: short strings of white space, invisible and arbitrary UTF-16
   * units, unpaired surrogates included.
   */
  @Property(tries = 2_000)
  void agreesWithStringIsBlankOnWhiteSpaceAndNeverThrows(@ForAll("shortTexts") String text) {
    boolean blank = TextRules.isBlankQuestion(text);
    Statistics.label("String.isBlank").collect(text.isBlank());
    if (text.isBlank()) {
      assertThat(blank).as(escape(text)).isTrue();
    }
    Statistics.label("String.isBlank")
        .coverage(coverage -> coverage.check(true).percentage(p -> p > 10));
  }

  @Provide
  Arbitrary<String> shortTexts() {
    Arbitrary<Character> whiteSpace =
        Arbitraries.of(' ', '\t', '\n', '\u000b', '\f', '\r', '\u001c', '\u2028', '\u3000');
    Arbitrary<Character> ascii = Arbitraries.chars().range('\u0000', '\u007f');
    Arbitrary<Character> utf16 = Arbitraries.chars().range('\u0000', '\uffff');
    return Arbitraries.frequencyOf(Tuple.of(2, whiteSpace), Tuple.of(1, ascii), Tuple.of(1, utf16))
        .list()
        .ofMaxSize(5)
        .map(
            units -> {
              StringBuilder b = new StringBuilder();
              units.forEach(b::append);
              return b.toString();
            });
  }

  private static String escape(String text) {
    StringBuilder b = new StringBuilder();
    text.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
    return b.toString();
  }
}
