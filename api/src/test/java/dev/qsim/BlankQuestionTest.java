package dev.qsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
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
      assertThat(QuestionSimilarity.isBlankQuestion(text)).as(escape(text)).isTrue();
      assertThatThrownBy(() -> QuestionSimilarity.checkQuestion(text, "q1"))
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
      assertThat(QuestionSimilarity.isBlankQuestion(text)).as(escape(text)).isFalse();
      assertThat(QuestionSimilarity.checkQuestion(text, "q")).isSameAs(text);
    }
    assertThatThrownBy(() -> QuestionSimilarity.checkQuestion(null, "query"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("query");
  }

  @Test
  void agreesWithStringIsBlankOnWhiteSpaceAndNeverThrows() {
    Random random = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(6);
      for (int k = 0; k < n; k++) {
        b.append((char) random.nextInt(i % 2 == 0 ? 0x80 : 0x10000));
      }
      String text = b.toString();
      boolean blank = QuestionSimilarity.isBlankQuestion(text);
      // Everything String.isBlank calls blank is blank here too; the converse need not hold.
      if (text.isBlank()) {
        assertThat(blank).as(escape(text)).isTrue();
      }
    }
  }

  private static String escape(String text) {
    StringBuilder b = new StringBuilder();
    text.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
    return b.toString();
  }
}
