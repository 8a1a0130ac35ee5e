package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.DuplicateOptions;
import dev.qsim.QuestionPair;
import dev.qsim.Readability;
import dev.qsim.UnreadableQuestionException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text the bundled model cannot read (emoji only, scripts outside its vocabulary) is refused like a
 * blank question, naming the argument, and never scored against another; mixed text with readable
 * words is still read.
 */
class UnreadableQuestionTest {
  static final String EMOJI = "😀😀😀";
  static final String OTHER_EMOJI = "🙂🙂";
  static final String MONGOLIAN = "ᠮᠣᠩᠭᠣᠯ";
  static final String JAVANESE = "ꦧꦱꦗꦮ";
  static final String PIZZA = "Is 🍕 better than 🍔?";
  static final String COFFIN = "Is 💀 better than ⚰️?";
  static final String MIXED = "How do I say ᠮᠣᠩᠭᠣᠯ in English?";

  private final OnnxQuestionSimilarity qsim = SharedModel.get();

  @Test
  void readabilityFollowsTheShareOfUnknownWords() {
    assertThat(
            qsim.readability(
                List.of(
                    "How do I learn Java?",
                    EMOJI,
                    OTHER_EMOJI,
                    MONGOLIAN,
                    JAVANESE,
                    "ᠮᠣᠩᠭᠣᠯ ꦧꦱꦗꦮ 😀 why?",
                    "\u200b\u00a0",
                    PIZZA,
                    MIXED,
                    "???",
                    "日本語を勉強する方法は?")))
        .containsExactly(
            Readability.READABLE,
            Readability.UNREADABLE,
            Readability.UNREADABLE,
            Readability.UNREADABLE,
            Readability.UNREADABLE,
            Readability.UNREADABLE, // 3 of 4 words unknown
            Readability.BLANK,
            Readability.READABLE, // 2 of 5 words unknown
            Readability.READABLE, // 1 of 7
            Readability.READABLE, // no word, punctuation only
            Readability.READABLE); // CJK characters are in the vocabulary
  }

  @Test
  void emojiOnlyQuestionsAreRefusedNotCalledDuplicates() {
    assertThatThrownBy(() -> qsim.similarity(EMOJI, OTHER_EMOJI))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("q1 is unreadable: 1 of its 1 word is unknown");
    assertThatThrownBy(() -> qsim.isDuplicate("How do I learn Java?", OTHER_EMOJI))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("q2 is unreadable");
    assertThatThrownBy(() -> qsim.duplicateScores(List.of(QuestionPair.of("Why?", EMOJI))))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("pairs[0].second is unreadable");
    assertThatThrownBy(() -> qsim.embed(EMOJI))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("question is unreadable");
  }

  @Test
  void unsupportedScriptsAreRefusedEverywhereNamingTheIndex() {
    assertThatThrownBy(() -> qsim.similarity(MONGOLIAN, JAVANESE))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("q1 is unreadable");
    assertThatThrownBy(() -> qsim.embedAll(List.of("Why?", "How?", JAVANESE)))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("questions[2] is unreadable");
    assertThatThrownBy(
            () ->
                qsim.findDuplicates(
                    List.of("How do I learn Java?", MONGOLIAN, JAVANESE),
                    DuplicateOptions.defaults()))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("questions[1] is unreadable");
    assertThatThrownBy(() -> qsim.mostSimilar(MONGOLIAN, List.of(JAVANESE, "Why?"), 1))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("query is unreadable");
    assertThatThrownBy(() -> qsim.mostSimilar("Why?", List.of("How?", JAVANESE), 1))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("candidates[1] is unreadable");
  }

  @Test
  void mixedTextWithReadableWordsStillWorks() {
    double s = qsim.similarity(MIXED, "How do I say hello in Mongolian?");
    assertThat(s).isBetween(-1.0, 1.0).isLessThan(0.999);
    assertThat(qsim.similarity(MIXED, MIXED))
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(qsim.findDuplicates(List.of(MIXED, "How do I learn Java?", PIZZA)).pairs())
        .allSatisfy(p -> assertThat(p.score()).isLessThan(1.0));
  }

  /**
   * The documented limit of the share rule: a readable question is embedded from what the model
   * reads, so two that differ only in unknown words ({@code is [UNK] better than [UNK] ?}) read the
   * same. If this ever fails, the model reads emoji now: update the docs of UNREADABLE_SHARE.
   */
  @Test
  void mixedTextThatDiffersOnlyInUnknownWordsReadsTheSame() {
    assertThat(qsim.readability(List.of(PIZZA, COFFIN))).containsOnly(Readability.READABLE);
    assertThat(qsim.similarity(PIZZA, COFFIN))
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }
}
