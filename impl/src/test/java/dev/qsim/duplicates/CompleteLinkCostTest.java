package dev.qsim.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * What a grouping costs: how many decision calls and pairs its complete-link checks need, that a
 * screened-out pair costs no call, that a failed merge is never tried again, and that exact repeats
 * cost nothing.
 */
class CompleteLinkCostTest {

  /** A batch decision that counts its calls and pairs. */
  private static final class Counting implements DuplicateGrouping.BatchVerifier {
    final BiPredicate<Integer, Integer> duplicate;
    final BiPredicate<Integer, Integer> screenedOut;
    int calls;
    long pairs;

    Counting(BiPredicate<Integer, Integer> duplicate, BiPredicate<Integer, Integer> screenedOut) {
      this.duplicate = duplicate;
      this.screenedOut = screenedOut;
    }

    @Override
    public double screen(int a, int b) {
      return screenedOut.test(a, b) ? Double.NaN : 0.9 - 0.001 * Math.abs(a - b);
    }

    @Override
    public void verify(int[] first, int[] second, int count, double[] similarity, double[] score) {
      calls++;
      pairs += count;
      for (int i = 0; i < count; i++) {
        score[i] = duplicate.test(first[i], second[i]) ? 0.8 : Double.NaN;
      }
    }
  }

  private static DuplicatePair pair(int a, int b, double score) {
    return new DuplicatePair(Math.min(a, b), Math.max(a, b), score, score);
  }

  /** Two verified cliques, 0..size-1 and size..2*size-1, and one verified pair across. */
  private static List<DuplicatePair> twoCliques(int size) {
    List<DuplicatePair> verified = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      for (int a = 0; a < size; a++) {
        for (int b = a + 1; b < size; b++) {
          verified.add(pair(c * size + a, c * size + b, 0.95));
        }
      }
    }
    verified.add(pair(0, size, 0.9));
    return verified;
  }

  private static List<DuplicateGroup> group(
      List<DuplicatePair> verified, DuplicateGrouping.BatchVerifier verifier) {
    return DuplicateGrouping.group(verified, verifier, null, null, ProgressListener.NONE);
  }

  @Test
  void aMergeDecidesTheMissingCrossPairsInAFewGrowingBatches() {
    Counting verifier = new Counting((a, b) -> true, (a, b) -> false);
    List<DuplicateGroup> groups = group(twoCliques(50), verifier);
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).members()).hasSize(100);
    // 50 x 50 cross pairs, one verified: 2,499 decided in batches of 64, 256, 1,024 and 4,096.
    assertThat(verifier.pairs).isEqualTo(2_499);
    assertThat(verifier.calls).isEqualTo(4);
  }

  @Test
  void aCrossCheckStopsAtTheFirstBatchWithARejection() {
    // The least similar cross pair (0, 99) is decided first, and rejected.
    Counting verifier = new Counting((a, b) -> !(a == 0 && b == 99), (a, b) -> false);
    List<DuplicateGroup> groups = group(twoCliques(50), verifier);
    assertThat(groups).hasSize(2);
    assertThat(verifier.calls).isEqualTo(1);
    assertThat(verifier.pairs).isEqualTo(CompleteLink.FIRST_BATCH);
  }

  @Test
  void aPairBelowTheCandidateThresholdCostsNoDecision() {
    Counting verifier = new Counting((a, b) -> true, (a, b) -> a == 7 && b == 63);
    List<DuplicateGroup> groups = group(twoCliques(50), verifier);
    assertThat(groups).hasSize(2);
    assertThat(verifier.calls).isZero();
  }

  @Test
  void twoGroupsThatFailedToMergeAreNeverCheckedAgain() {
    List<DuplicatePair> verified = twoCliques(30);
    // Many more verified pairs across, each a reason to try the same merge again.
    for (int a = 1; a < 30; a++) {
      verified.add(pair(a, 30 + a, 0.85));
    }
    Counting verifier = new Counting((a, b) -> !(a == 0 && b == 59), (a, b) -> false);
    assertThat(group(verified, verifier)).hasSize(2);
    assertThat(verifier.calls).isEqualTo(1);
  }

  @Test
  void aRejectedPairIsAskedOnceThroughTheOnePairVerifierToo() {
    List<DuplicatePair> verified = twoCliques(30);
    for (int a = 1; a < 30; a++) {
      verified.add(pair(a, 30 + a, 0.85));
    }
    int[] asked = new int[1];
    List<DuplicateGroup> groups =
        DuplicateGrouping.group(
            verified,
            (a, b) -> {
              if (a == 0 && b == 59) {
                asked[0]++;
                return null;
              }
              return pair(a, b, 0.8);
            });
    assertThat(groups).hasSize(2);
    assertThat(asked[0]).as("times the rejected pair was asked").isEqualTo(1);
  }

  @Test
  void aBigCliqueOfVerifiedPairsNeedsNoDecision() {
    List<DuplicatePair> verified = new ArrayList<>();
    int n = 400;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        verified.add(pair(a, b, 0.5 + 0.4 * ((a * 31 + b * 17) % 97) / 97.0));
      }
    }
    Counting verifier = new Counting((a, b) -> true, (a, b) -> false);
    List<DuplicateGroup> groups = group(verified, verifier);
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).members()).hasSize(n);
    assertThat(verifier.calls).isZero();
  }

  @Test
  void theGroupingProgressMovesFromZeroToAll() {
    List<DuplicatePair> verified = twoCliques(40);
    List<long[]> updates = new ArrayList<>();
    DuplicateGrouping.group(
        verified,
        new Counting((a, b) -> true, (a, b) -> false),
        null,
        null,
        (stage, done, total) -> {
          assertThat(stage).isEqualTo("grouping");
          updates.add(new long[] {done, total});
        });
    assertThat(updates.get(0)).containsExactly(0, verified.size());
    assertThat(updates.get(updates.size() - 1)).containsExactly(verified.size(), verified.size());
    assertThat(updates.stream().mapToLong(u -> u[0]).distinct().count()).isGreaterThan(100);
    for (int i = 1; i < updates.size(); i++) {
      assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
    }
  }

  @Test
  void exactRepeatsJoinTheGroupOfTheirFirstOccurrence() {
    List<String> questions =
        List.of(
            "How do I learn Java?", // 0: text a
            "What is Peru's capital?", // 1: text b
            "  How do I learn   Java?\u00A0", // 2: a again
            "How do I learn Java quickly?", // 3: text c, a duplicate of a
            "What is Peru's capital?", // 4: b again
            "How do I learn\u200B\tJava?", // 5: a again (invisible run inside)
            "Is Lima big?"); // 6: text d, alone
    ExactRepeats repeats = ExactRepeats.of(questions);
    assertThat(repeats.distinct()).isEqualTo(4);
    assertThat(repeats.questions(0)).containsExactly(0, 2, 5);
    assertThat(repeats.questions(1)).containsExactly(1, 4);
    // Distinct texts: 0 = a, 1 = b, 2 = c, 3 = d; a~c verified.
    List<DuplicatePair> verified = List.of(new DuplicatePair(0, 2, 0.9, 0.7));
    double[] self = {0.99, 0.98, 0.97, Double.NaN};
    Counting verifier = new Counting((a, b) -> true, (a, b) -> false);
    List<DuplicateGroup> groups =
        DuplicateGrouping.group(verified, verifier, repeats, self, ProgressListener.NONE);
    assertThat(verifier.calls).isZero();
    assertThat(groups).hasSize(2);
    DuplicateGroup a = groups.get(0);
    assertThat(a.members()).containsExactly(0, 2, 3, 5);
    assertThat(a.representative()).isZero();
    assertThat(a.pairOf(2)).isEqualTo(new DuplicatePair(0, 2, 1.0, 0.99));
    assertThat(a.pairOf(5)).isEqualTo(new DuplicatePair(0, 5, 1.0, 0.99));
    assertThat(a.pairOf(3)).isEqualTo(new DuplicatePair(0, 3, 0.9, 0.7));
    DuplicateGroup b = groups.get(1);
    assertThat(b.members()).containsExactly(1, 4);
    assertThat(b.pairs()).containsExactly(new DuplicatePair(1, 4, 1.0, 0.98));
  }

  @Test
  void thousandsOfRepeatsAreOneGroupWithoutAnyDecision() {
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      questions.add(i % 2 == 0 ? "Why is the sky blue?" : " Why is the  sky blue? ");
    }
    ExactRepeats repeats = ExactRepeats.of(questions);
    Counting verifier = new Counting((a, b) -> true, (a, b) -> false);
    List<DuplicateGroup> groups =
        DuplicateGrouping.group(
            List.of(), verifier, repeats, new double[] {0.99}, ProgressListener.NONE);
    assertThat(verifier.calls).isZero();
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).members()).hasSize(3_000);
    assertThat(groups.get(0).pairs()).hasSize(2_999);
    assertThat(groups.get(0).representative()).isZero();
  }

  @Test
  void aTextTheDecisionDoesNotCallItsOwnDuplicateKeepsItsRepeatsApart() {
    ExactRepeats repeats = ExactRepeats.of(List.of("a b", "a  b", "c"));
    List<DuplicateGroup> groups =
        DuplicateGrouping.group(
            List.of(),
            new Counting((a, b) -> true, (a, b) -> false),
            repeats,
            new double[] {Double.NaN, Double.NaN},
            ProgressListener.NONE);
    assertThat(groups).isEmpty();
  }
}
