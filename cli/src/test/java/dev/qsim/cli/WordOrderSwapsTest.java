package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WordOrderSwapsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "How do I get from Paris to Rome?|How do I get from Rome to Paris?",
        "Should I switch from Spotify to Apple Music?|Should I switch from Apple Music to Spotify?",
        "How do you convert raw files to JPEG?|How do you convert JPEG to raw files?",
        "Is Python better than Java?|Is Java better than Python?",
        "Why is ice lighter than water?|Why is water lighter than ice?",
        "Was ancient Chinese civilization more advanced than ancient Indian civilization?"
            + "|Was ancient Indian civilization more advanced than ancient Chinese civilization?",
        "Can Goku beat Superman?|Can Superman beat Goku?",
        "Why did Germany invade Poland?|Why did Poland invade Germany?",
        "How do I transfer money from PayPal to my bank account ?"
            + "|How do I transfer money from my bank account to PayPal ?",
        "Why do people prefer iOS over Android?|Why do people prefer Android over iOS?",
        "Should I learn Python instead of R?|Should I learn R instead of Python?"
      })
  void swapsTheTwoSidesOfAnAsymmetricRelation(String question, String swapped) {
    assertThat(WordOrderSwaps.swap(question)).contains(swapped);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "What is the difference between Java and Python?",
        "Which is better, Java or Python?",
        "Java vs Python: which should I learn?",
        "What is the distance from Earth to the Moon?",
        "How far is it from Delhi to Mumbai?",
        "How can I go from time to time?",
        "Can I beat depression?",
        "Is it better than nothing?",
        "What are some things other than money that matter?",
        "How do I learn Java?"
      })
  void leavesSymmetricOrUnswappableQuestionsAlone(String question) {
    assertThat(WordOrderSwaps.swap(question)).isEmpty();
  }

  @Test
  void aSwapAlwaysDiffersFromTheQuestion() {
    assertThat(WordOrderSwaps.swap("Is Java better than Java?")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "What is the difference between Java and Python?"
            + "|What is the difference between Python and Java?",
        "What are the similarities between a visa and a passport?"
            + "|What are the similarities between a passport and a visa?"
      })
  void reordersBetweenXAndYWithoutChangingTheQuestion(String question, String reordered) {
    assertThat(WordOrderSwaps.symmetricSwap(question)).contains(reordered);
    assertThat(WordOrderSwaps.swap(question)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "How do I get from Paris to Rome?",
        "What is between us?",
        "Is there a difference between and or?"
      })
  void findsNoOrderFreeReorderingWhereThereIsNone(String question) {
    assertThat(WordOrderSwaps.symmetricSwap(question)).isEmpty();
  }
}
