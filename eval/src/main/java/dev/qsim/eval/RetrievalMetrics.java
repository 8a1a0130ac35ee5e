package dev.qsim.eval;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * How well a ranking finds each question's known duplicates in a list: every question that has at
 * least one known duplicate is a query, every other question of the list a candidate.
 *
 * <ul>
 *   <li>Mean reciprocal rank: the mean over queries of {@code 1 / r}, where {@code r} is the
 *       1-based rank of the first known duplicate ({@code 0} if the ranking, which may be
 *       truncated, holds none).
 *   <li>Recall@k: the mean over queries of the fraction of the query's known duplicates among the
 *       first {@code k} candidates.
 * </ul>
 *
 * <p>Known duplicates are given as group ids, one per question: questions with the same
 * non-negative id are duplicates of each other; a negative id means no known duplicate. With no
 * queries at all the metrics are {@link Double#NaN}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param queries the number of questions that had at least one known duplicate
 * @param meanReciprocalRank the MRR, in {@code [0, 1]}
 * @param recallAt1 recall@1, in {@code [0, 1]}
 * @param recallAt10 recall@10, in {@code [0, 1]}
 */
public record RetrievalMetrics(
    int queries, double meanReciprocalRank, double recallAt1, double recallAt10) {

  /**
   * Computes the metrics from a ranking of candidates per query.
   *
   * @param groups one group id per question; equal non-negative ids mark known duplicates
   * @param rankedCandidates for a query's index, the candidates' indices best first; the query's
   *     own index, if present, is skipped; it may be truncated (keep at least 10 for recall@10)
   * @return the metrics
   * @throws IllegalArgumentException if a ranking holds an index out of range or the same index
   *     twice (naming the query and the position)
   * @throws NullPointerException if a ranking is null (naming the query)
   */
  public static RetrievalMetrics of(int[] groups, IntFunction<int[]> rankedCandidates) {
    Objects.requireNonNull(groups, "groups");
    Objects.requireNonNull(rankedCandidates, "rankedCandidates");
    int[] groupSizes = groupSizes(groups);
    Accumulator acc = new Accumulator();
    boolean[] seen = new boolean[groups.length];
    for (int q = 0; q < groups.length; q++) {
      if (groupSizes[q] < 2) {
        continue;
      }
      int[] ranking = rankedCandidates.apply(q);
      if (ranking == null) {
        throw new NullPointerException("ranking of query " + q + " is null");
      }
      int rank = 0;
      int firstRelevantRank = 0;
      int at1 = 0;
      int at10 = 0;
      for (int pos = 0; pos < ranking.length; pos++) {
        int c = ranking[pos];
        if (c < 0 || c >= groups.length) {
          throw new IllegalArgumentException(
              "ranking of query "
                  + q
                  + " holds index "
                  + c
                  + " at position "
                  + pos
                  + ", outside 0.."
                  + (groups.length - 1));
        }
        if (seen[c]) {
          throw new IllegalArgumentException(
              "ranking of query "
                  + q
                  + " holds index "
                  + c
                  + " twice (again at position "
                  + pos
                  + ")");
        }
        seen[c] = true;
        if (c == q) {
          continue;
        }
        rank++;
        if (groups[c] == groups[q]) {
          if (firstRelevantRank == 0) {
            firstRelevantRank = rank;
          }
          if (rank <= 1) {
            at1++;
          }
          if (rank <= 10) {
            at10++;
          }
        }
      }
      for (int c : ranking) {
        seen[c] = false;
      }
      acc.add(firstRelevantRank, at1, at10, groupSizes[q] - 1);
    }
    return acc.result();
  }

  /**
   * For each question, the number of questions in its group (itself included), or 0 for a negative
   * id.
   */
  static int[] groupSizes(int[] groups) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int g : groups) {
      if (g >= 0) {
        counts.merge(g, 1, Integer::sum);
      }
    }
    int[] sizes = new int[groups.length];
    for (int i = 0; i < groups.length; i++) {
      sizes[i] = groups[i] < 0 ? 0 : counts.get(groups[i]);
    }
    return sizes;
  }

  /** Sums per-query results; package-private so the evaluator can feed it without rankings. */
  static final class Accumulator {
    private int queries;
    private double reciprocalRanks;
    private double recall1;
    private double recall10;

    void add(int firstRelevantRank, int foundAt1, int foundAt10, int relevant) {
      queries++;
      reciprocalRanks += firstRelevantRank == 0 ? 0 : 1.0 / firstRelevantRank;
      recall1 += (double) foundAt1 / relevant;
      recall10 += (double) foundAt10 / relevant;
    }

    RetrievalMetrics result() {
      if (queries == 0) {
        return new RetrievalMetrics(0, Double.NaN, Double.NaN, Double.NaN);
      }
      return new RetrievalMetrics(
          queries, reciprocalRanks / queries, recall1 / queries, recall10 / queries);
    }
  }
}
