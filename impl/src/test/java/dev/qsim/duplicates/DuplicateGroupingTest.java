package dev.qsim.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DuplicateGroupingTest {

  private static DuplicatePair pair(int a, int b, double score) {
    return new DuplicatePair(Math.min(a, b), Math.max(a, b), score, score);
  }

  @Test
  void aChainDoesNotBecomeOneGroup() {
    // A=0 ~ B=1 ~ C=2, but A and C are not duplicates: single link would give {0, 1, 2}.
    List<DuplicatePair> verified = List.of(pair(0, 1, 0.9), pair(1, 2, 0.8));
    List<DuplicateGroup> groups = DuplicateGrouping.group(verified);
    assertThat(groups).hasSize(1);
    DuplicateGroup g = groups.get(0);
    assertThat(g.members()).containsExactly(0, 1);
    assertThat(g.representative()).as("equal score sums: the lower index").isEqualTo(0);
    assertThat(g.pairs()).containsExactly(pair(0, 1, 0.9));
  }

  @Test
  void aChainJoinsWhenTheEndsAreDuplicatesToo() {
    List<DuplicatePair> verified = List.of(pair(0, 1, 0.9), pair(1, 2, 0.8));
    List<DuplicateGroup> groups = DuplicateGrouping.group(verified, (a, b) -> pair(a, b, 0.5));
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).members()).containsExactly(0, 1, 2);
    // 1 has the best score sum (0.9 + 0.8); the asked pair (0, 2) is not its pair.
    assertThat(groups.get(0).representative()).isEqualTo(1);
    assertThat(groups.get(0).pairs()).containsExactly(pair(0, 1, 0.9), pair(1, 2, 0.8));
    assertThat(DuplicateGrouping.group(verified, (a, b) -> null).get(0).members())
        .containsExactly(0, 1);
  }

  @Test
  void theRepresentativeHasTheMostDuplicates() {
    // A star around 7 plus a separate pair.
    List<DuplicatePair> verified =
        List.of(
            pair(7, 1, 0.7),
            pair(7, 2, 0.95),
            pair(7, 3, 0.8),
            pair(1, 2, 0.9),
            pair(1, 3, 0.9),
            pair(2, 3, 0.9),
            pair(10, 11, 0.99));
    List<DuplicateGroup> groups = DuplicateGrouping.group(verified);
    assertThat(groups).hasSize(2);
    assertThat(groups.get(0).members()).containsExactly(1, 2, 3, 7);
    // 1, 2, 3 and 7 all have three duplicates; 2 has the highest score sum (0.95 + 0.9 + 0.9).
    assertThat(groups.get(0).representative()).isEqualTo(2);
    assertThat(groups.get(0).pairOf(7)).isEqualTo(pair(2, 7, 0.95));
    assertThat(groups.get(1).members()).containsExactly(10, 11);
  }

  @Test
  void randomGraphsGiveDisjointCliques() {
    Random rnd = new Random(42);
    for (int round = 0; round < 200; round++) {
      int n = 2 + rnd.nextInt(30);
      boolean[][] dup = new boolean[n][n];
      List<DuplicatePair> verified = new ArrayList<>();
      double density = rnd.nextDouble();
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          if (rnd.nextDouble() < density) {
            dup[a][b] = dup[b][a] = true;
            verified.add(pair(a, b, rnd.nextDouble()));
          }
        }
      }
      List<DuplicateGroup> groups = DuplicateGrouping.group(verified);
      Set<Integer> seen = new HashSet<>();
      for (DuplicateGroup g : groups) {
        for (int a : g.members()) {
          assertThat(seen.add(a)).as("round %d: %d in one group only", round, a).isTrue();
          for (int b : g.members()) {
            if (a != b) {
              assertThat(dup[a][b]).as("round %d: %d and %d are duplicates", round, a, b).isTrue();
            }
          }
        }
        assertThat(g.pairs()).hasSize(g.members().size() - 1);
        double[] sums = new double[n];
        for (int a : g.members()) {
          for (DuplicatePair p : verified) {
            if (p.first() == a && g.members().contains(p.second())
                || p.second() == a && g.members().contains(p.first())) {
              sums[a] += p.score();
            }
          }
        }
        for (int a : g.members()) {
          assertThat(sums[a]).isLessThanOrEqualTo(sums[g.representative()]);
        }
        for (DuplicatePair p : g.pairs()) {
          assertThat(verified).contains(p);
          assertThat(List.of(p.first(), p.second())).contains(g.representative());
        }
      }
      // Groups are built best pair first: the best pair always ends in one group.
      if (!verified.isEmpty()) {
        DuplicatePair best =
            verified.stream()
                .max(java.util.Comparator.comparingDouble(DuplicatePair::score))
                .orElseThrow();
        assertThat(groups)
            .anySatisfy(g -> assertThat(g.members()).contains(best.first(), best.second()));
      }
      // Maximality: no two questions left out of every group are verified duplicates.
      for (DuplicatePair p : verified) {
        assertThat(seen.contains(p.first()) || seen.contains(p.second()))
            .as("round %d: the pair %s is in no group at all", round, p)
            .isTrue();
      }
    }
  }

  @Test
  void noPairsNoGroups() {
    assertThat(DuplicateGrouping.group(List.of())).isEmpty();
  }
}
