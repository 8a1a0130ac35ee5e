package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden restorations written by hand from the Penn Treebank conventions. */
class PtbTextTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "How do I get funding for my web based startup idea ?|How do I get funding for my web based"
            + " startup idea?",
        "Why do n't I sleep ?|Why don't I sleep?",
        "Why ca n't I sleep , and why wo n't it stop ?|Why can't I sleep, and why won't it stop?",
        "What is Trump 's plan ?|What is Trump's plan?",
        "They 're sure I 've been , I 'm told .|They're sure I've been, I'm told.",
        "Is vacuum energy -LRB- in a box -RRB- real ?|Is vacuum energy (in a box) real?",
        "Sets -LSB- 1 -RSB- and maps -LCB- k -RCB-|Sets [1] and maps {k}",
        "What does `` truncated '' mean ?|What does \" truncated \" mean?",
        "Is 50 % too much ?|Is 50% too much?",
      })
  void restoresPlainText(String ptb, String plain) {
    assertThat(PtbText.restore(ptb)).isEqualTo(plain);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "How do I learn Java?",
        "What's the difference between .NET and Java?",
        "Is it 3.5 or 4?",
        "Why don't cats (and dogs) like baths?",
        "What is C#, really?",
        "Who is Rock 'n' Roll's king?",
        "Isn't it -- really -- over?",
      })
  void leavesPlainTextAlone(String plain) {
    assertThat(PtbText.restore(plain)).isEqualTo(plain);
  }

  @Test
  void restoringTwiceChangesNothingMore() {
    String once = PtbText.restore("Why does Quora say it -LRB- in God 's sight -RRB- does n't ?");
    assertThat(once).isEqualTo("Why does Quora say it (in God's sight) doesn't?");
    assertThat(PtbText.restore(once)).isEqualTo(once);
  }
}
