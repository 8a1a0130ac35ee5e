package dev.qsim.duplicates;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns verified duplicate pairs into groups that do not chain: every group is a set of questions
 * that are all duplicates of each other by the decision (a clique), around a representative.
 *
 * <p>The rule is complete-link merging in order of confidence: every question starts alone; the
 * verified pairs are taken best score first, and the groups of a pair's two questions are merged
 * when every question of one is a duplicate of every question of the other; otherwise the pair is
 * left out, and the two groups are never tried again (groups only grow, so the pair that failed
 * stays across them). The cross pairs that are not among the verified pairs are first screened
 * ({@link BatchVerifier#screen}: a pair below the candidate threshold is no duplicate, without a
 * decision call), then decided in growing batches, least similar first, stopping at the first batch
 * with a rejection ({@link BatchVerifier#verify}). The representative of a group is the member with
 * the highest sum of decision scores with the other members (ties: the lower index) — the question
 * a site would keep.
 *
 * <p>Exact repeats ({@link ExactRepeats}) are grouped once, as their first occurrence, and every
 * repeat comes back as a member of its first occurrence's group, a duplicate of every member: of
 * its copies with similarity 1 and the decision's score of the text with itself, of the others with
 * the pair of its first occurrence. A grouping costs what its groups' pairs cost, never the square
 * of the number of repeats.
 *
 * <p>Single-link grouping (connected components) puts A, B and C into one group when A~B and B~C
 * although A≁C; here C joins A's group only if it is a duplicate of A too. On 2,000 Quora dev
 * questions this rule keeps 82% of the labelled duplicate pairs together against 80% for groups
 * grown greedily around the question with the most duplicates, at the same share of merged
 * non-duplicates (see {@code docs/benchmarks.md}).
 *
 * <p>Stateless and thread-safe. The single-machine {@code findDuplicates} and the Spark job both
 * call it, so both group the same way.
 */
public final class DuplicateGrouping {
  private DuplicateGrouping() {}

  /**
   * The duplicate decision for any two questions, one pair at a time.
   *
   * <p>Implementations must be symmetric and safe to call from the grouping's thread.
   */
  @FunctionalInterface
  public interface PairVerifier {
    /**
     * Verifies questions {@code a} and {@code b}.
     *
     * @param a one question's index
     * @param b another question's index
     * @return the pair ({@code first < second}) with its similarity and decision score if the
     *     decision calls them duplicates, else {@code null}
     */
    DuplicatePair verify(int a, int b);
  }

  /**
   * The duplicate decision for many pairs at once, with a cheap screen before it.
   *
   * <p>Called from the grouping's thread only; {@link #verify} may spread a batch over threads of
   * its own. Implementations must be symmetric.
   */
  public interface BatchVerifier {
    /**
     * What is known of a pair without asking the decision.
     *
     * @param a one question's index
     * @param b another
     * @return the pair's similarity, or {@code NaN} if the pair cannot be a duplicate (its
     *     similarity is below the candidate threshold, say): then no decision is asked
     */
    double screen(int a, int b);

    /**
     * Decides pairs {@code (first[i], second[i])}, {@code i < count}; {@code first[i] == second[i]}
     * asks whether a question is a duplicate of itself (its exact repeats).
     *
     * @param first one question of each pair
     * @param second the other question of each pair
     * @param count the number of pairs
     * @param similarity each pair's similarity as {@link #screen} gave it (1 for a question with
     *     itself); may be refined in place
     * @param score receives each pair's decision score when the decision calls it a duplicate, else
     *     {@code NaN}
     */
    void verify(int[] first, int[] second, int count, double[] similarity, double[] score);

    /**
     * Whether the decision calls every one of the pairs a duplicate, deciding as few as it must: by
     * default the pairs in the order given (the likeliest rejections first) in growing batches of
     * {@link #verify}, {@value CompleteLink#FIRST_BATCH} first and four times more each time,
     * stopping after the first batch with a rejection. An implementation may reject sooner by a
     * cheaper part of its decision, but must answer as the default would.
     *
     * @param first one question of each pair
     * @param second the other question of each pair
     * @param count the number of pairs
     * @param similarity each pair's similarity as {@link #screen} gave it; may be refined in place
     * @param score receives each pair's decision score when the answer is {@code true}
     * @return whether every pair is a duplicate
     */
    default boolean allDuplicates(
        int[] first, int[] second, int count, double[] similarity, double[] score) {
      int batch = CompleteLink.FIRST_BATCH;
      for (int from = 0;
          from < count;
          from += batch, batch = Math.min(CompleteLink.MAX_BATCH, 4 * batch)) {
        int to = Math.min(count, from + batch);
        int[] f = Arrays.copyOfRange(first, from, to);
        int[] s = Arrays.copyOfRange(second, from, to);
        double[] sim = Arrays.copyOfRange(similarity, from, to);
        double[] sc = new double[to - from];
        verify(f, s, to - from, sim, sc);
        for (double x : sc) {
          if (Double.isNaN(x)) {
            return false;
          }
        }
        System.arraycopy(sim, 0, similarity, from, sim.length);
        System.arraycopy(sc, 0, score, from, sc.length);
      }
      return true;
    }
  }

  /**
   * Groups questions using only the given pairs: two questions are duplicates when their pair is
   * among {@code verified}.
   *
   * @param verified the verified duplicate pairs (pairs not listed count as non-duplicates)
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified) {
    return group(verified, (a, b) -> null);
  }

  /**
   * Groups questions, asking {@code verifier} about the member pairs that are not among {@code
   * verified}, one at a time.
   *
   * @param verified the verified duplicate pairs, each with its similarity and decision score
   * @param verifier the duplicate decision for any two questions
   * @return the groups, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(List<DuplicatePair> verified, PairVerifier verifier) {
    Objects.requireNonNull(verifier, "verifier");
    return group(verified, batches(verifier), null, null, ProgressListener.NONE);
  }

  /**
   * Groups questions whose exact repeats were set aside, asking {@code verifier} in batches about
   * the member pairs that are not among {@code verified}; reports {@code "grouping"} progress (the
   * verified pairs taken so far) from the calling thread.
   *
   * @param verified the verified duplicate pairs between distinct texts, by distinct index (by
   *     question index when {@code repeats} is {@code null})
   * @param verifier the duplicate decision, by distinct index
   * @param repeats the exact repeats of the questions, or {@code null} for none
   * @param selfScores for each distinct text with repeats, the decision's score of the text with
   *     itself, or {@code NaN} if the decision does not call it a duplicate of itself (its repeats
   *     are then left out of every group); {@code null} when {@code repeats} is
   * @param progress receives {@code "grouping"} updates
   * @return the groups, by question index, largest first (ties by smallest member)
   */
  public static List<DuplicateGroup> group(
      List<DuplicatePair> verified,
      BatchVerifier verifier,
      ExactRepeats repeats,
      double[] selfScores,
      ProgressListener progress) {
    Objects.requireNonNull(verified, "verified");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(progress, "progress");
    if (repeats != null && repeats.any()) {
      Objects.requireNonNull(selfScores, "selfScores");
      if (selfScores.length != repeats.distinct()) {
        throw new IllegalArgumentException(
            "selfScores has " + selfScores.length + " scores, expected " + repeats.distinct());
      }
    }
    return new CompleteLink(verified, verifier, repeats, selfScores, progress).groups();
  }

  /** A one-pair-at-a-time decision as a batch decision without a screen. */
  private static BatchVerifier batches(PairVerifier verifier) {
    return new BatchVerifier() {
      @Override
      public double screen(int a, int b) {
        return 0;
      }

      @Override
      public void verify(
          int[] first, int[] second, int count, double[] similarity, double[] score) {
        for (int i = 0; i < count; i++) {
          DuplicatePair p = verifier.verify(first[i], second[i]);
          score[i] = p == null ? Double.NaN : p.score();
          if (p != null) {
            similarity[i] = p.similarity();
          }
        }
      }
    };
  }
}
