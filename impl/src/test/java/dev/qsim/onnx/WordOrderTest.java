package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordOrderTest {
  @Test
  void theSameWordsInAnotherOrderAreAReordering() {
    assertThat(
            WordOrder.reordered(
                "How do I get from Paris to Rome?", "How do I get from Rome to Paris?"))
        .isTrue();
    assertThat(WordOrder.reordered("Is Java better than Python?", "is python better than JAVA"))
        .isTrue();
    assertThat(WordOrder.reordered("Café au lait or tea?", "Tea or café au lait?")).isTrue();
  }

  @Test
  void theRuleIsSymmetric() {
    String a = "Can a lion beat a tiger?";
    String b = "Can a tiger beat a lion?";
    assertThat(WordOrder.reordered(a, b)).isTrue().isEqualTo(WordOrder.reordered(b, a));
  }

  @Test
  void theSameOrderIsNotAReorderingWhateverThePunctuationOrCase() {
    assertThat(WordOrder.reordered("How do I learn Java?", "how do i learn java")).isFalse();
    assertThat(WordOrder.reordered("How do I learn Java?", "How do I learn Java?")).isFalse();
    assertThat(WordOrder.reordered("Java, really?", "Java really")).isFalse();
  }

  @Test
  void otherWordsOrCountsAreNotAReordering() {
    assertThat(WordOrder.reordered("from Paris to Rome", "from Rome to Milan")).isFalse();
    assertThat(WordOrder.reordered("to to Paris", "Paris to")).isFalse();
    // the same letters in other words
    assertThat(WordOrder.reordered("ab cd", "cd ab x")).isFalse();
    assertThat(WordOrder.reordered("abc d", "d abc")).isTrue();
    assertThat(WordOrder.reordered("abc d", "dab c")).isFalse();
    assertThat(WordOrder.reordered("", "")).isFalse();
    assertThat(WordOrder.reordered("word", "word")).isFalse();
  }
}
