package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.data.LabelledPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateClosureTest {
  private static LabelledPair pair(String a, String b, int label) {
    return LabelledPair.of(a, b, label);
  }

  private static List<String> texts(List<LabelledPair> pairs) {
    return pairs.stream().map(p -> p.first() + " | " + p.second()).toList();
  }

  @Test
  void duplicatesAreAnEquivalenceAndNonDuplicatesSpreadOverGroups() {
    List<LabelledPair> pairs =
        List.of(
            pair("A?", "B?", 1),
            pair("B?", "C?", 1),
            pair("C?", "D?", 0),
            pair("D?", "E?", 1),
            pair("X?", "Y?", 0));
    DuplicateClosure.Result r = DuplicateClosure.of(pairs, 100);
    assertThat(texts(r.duplicates())).containsExactly("A? | C?");
    // {A,B,C} x {D,E} minus the labelled C-D: 5 implied non-duplicates.
    assertThat(texts(r.nonDuplicates()))
        .containsExactlyInAnyOrder("A? | D?", "A? | E?", "B? | D?", "B? | E?", "C? | E?");
    assertThat(r.conflicts()).isZero();
    assertThat(r.duplicates()).allMatch(p -> p.label() == 1);
    assertThat(r.nonDuplicates()).allMatch(p -> p.label() == 0);
  }

  @Test
  void textIsTheSameQuestionAcrossCaseAndSpacesAndLabelledPairsAreNotRepeated() {
    List<LabelledPair> pairs =
        List.of(
            pair("How to learn Java?", "Best way to learn Java?", 1),
            pair("how  to learn java?", "Java learning tips?", 1),
            pair("Best way to learn Java?", "Java learning tips?", 1));
    DuplicateClosure.Result r = DuplicateClosure.of(pairs, 100);
    assertThat(r.duplicates()).isEmpty();
    assertThat(r.nonDuplicates()).isEmpty();
  }

  @Test
  void aNonDuplicateInsideOneGroupIsAContradictionAndImpliesNothing() {
    List<LabelledPair> pairs =
        List.of(pair("A?", "B?", 1), pair("B?", "C?", 1), pair("A?", "C?", 0));
    DuplicateClosure.Result r = DuplicateClosure.of(pairs, 100);
    assertThat(r.conflicts()).isEqualTo(1);
    assertThat(r.nonDuplicates()).isEmpty();
    assertThat(r.duplicates()).isEmpty();
  }

  @Test
  void impliedNonDuplicatesAreCappedPerLabelledPair() {
    List<LabelledPair> pairs =
        List.of(
            pair("A1", "A2", 1),
            pair("A2", "A3", 1),
            pair("B1", "B2", 1),
            pair("B2", "B3", 1),
            pair("A1", "B1", 0));
    DuplicateClosure.Result r = DuplicateClosure.of(pairs, 4);
    assertThat(r.nonDuplicates()).hasSize(4);
    assertThat(r.duplicates()).hasSize(2);
  }
}
