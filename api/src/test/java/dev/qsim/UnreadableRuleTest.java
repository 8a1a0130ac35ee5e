package dev.qsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unreadable share rule and the default readability of the interface, without a model. */
class UnreadableRuleTest {

  @Test
  void aQuestionIsUnreadableFromThreeQuartersOfItsWordsUnknown() {
    assertThat(TextRules.UNREADABLE_SHARE).isEqualTo(0.75);
    assertThat(TextRules.isUnreadable(1, 0)).as("one unknown word only").isTrue();
    assertThat(TextRules.isUnreadable(3, 1)).as("3 of 4 unknown").isTrue();
    assertThat(TextRules.isUnreadable(7, 2)).as("7 of 9 unknown").isTrue();
    assertThat(TextRules.isUnreadable(2, 3)).as("\"Is 🍕 better than 🍔?\"").isFalse();
    assertThat(TextRules.isUnreadable(2, 1)).as("2 of 3 unknown").isFalse();
    assertThat(TextRules.isUnreadable(0, 0)).as("punctuation only: ???").isFalse();
    assertThat(TextRules.isUnreadable(0, 5)).isFalse();
    assertThatThrownBy(() -> TextRules.isUnreadable(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theExceptionNamesTheArgumentAndCanBeRenamed() {
    UnreadableQuestionException e = new UnreadableQuestionException("questions[3]", 2, 2);
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(e.argument()).isEqualTo("questions[3]");
    assertThat(e.getMessage())
        .startsWith("questions[3] is unreadable: 2 of its 2 words are unknown")
        .contains("more than 25 % of its words readable");
    UnreadableQuestionException renamed = e.withArgument("queries[3]");
    assertThat(renamed.getMessage()).startsWith("queries[3] is unreadable: 2 of its 2 words");
    assertThat(renamed.getCause()).isSameAs(e);
  }

  @Test
  void theDefaultReadabilityFindsBlankQuestionsOnly() {
    // Only the default method is called: a proxy with no abstract method behind it.
    QuestionSimilarity none =
        (QuestionSimilarity)
            Proxy.newProxyInstance(
                QuestionSimilarity.class.getClassLoader(),
                new Class<?>[] {QuestionSimilarity.class},
                (proxy, method, args) -> {
                  if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    assertThat(none.readability(List.of("Why?", "\u200b\u00a0", "😀😀😀")))
        .containsExactly(Readability.READABLE, Readability.BLANK, Readability.READABLE);
  }
}
