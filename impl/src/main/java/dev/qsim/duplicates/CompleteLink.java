package dev.qsim.duplicates;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of {@link DuplicateGrouping}'s complete-link merging, over distinct texts. Not
 * thread-safe: one grouping.
 */
final class CompleteLink {
  static final Comparator<DuplicatePair> BEST_FIRST =
      Comparator.comparingDouble(DuplicatePair::score)
          .reversed()
          .thenComparingInt(DuplicatePair::first)
          .thenComparingInt(DuplicatePair::second);

  /** Pairs decided by the first call of a cross check; each later call takes four times more. */
  static final int FIRST_BATCH = 64;

  /** The most pairs of one call of a cross check. */
  static final int MAX_BATCH = 1 << 16;

  private final List<DuplicatePair> order;
  private final DuplicateGrouping.BatchVerifier verifier;
  private final ExactRepeats repeats;
  private final double[] selfScores;
  private final ProgressListener progress;
  private final PairScores known;

  /** Each question's group (its id: the question that started it), or -1 while alone. */
  private final int[] groupOf;

  private final Map<Integer, int[]> members = new HashMap<>();
  private final Map<Integer, Integer> sizes = new HashMap<>();

  /** Groups that can never merge, both ways. */
  private final Map<Integer, Set<Integer>> conflicts = new HashMap<>();

  CompleteLink(
      List<DuplicatePair> verified,
      DuplicateGrouping.BatchVerifier verifier,
      ExactRepeats repeats,
      double[] selfScores,
      ProgressListener progress) {
    this.verifier = verifier;
    this.repeats = repeats != null && repeats.any() ? repeats : null;
    this.selfScores = selfScores;
    this.progress = progress;
    this.known = new PairScores(verified.size());
    int n = this.repeats != null ? this.repeats.distinct() : 0;
    List<DuplicatePair> unique = new ArrayList<>(verified.size());
    for (DuplicatePair p : verified) {
      n = Math.max(n, p.second() + 1);
      if (!known.contains(p.first(), p.second())) {
        known.putIfAbsent(p.first(), p.second(), p.similarity(), p.score());
        unique.add(p);
      }
    }
    unique.sort(BEST_FIRST);
    this.order = unique;
    this.groupOf = new int[n];
    Arrays.fill(groupOf, -1);
  }

  List<DuplicateGroup> groups() {
    int total = order.size();
    progress.update("grouping", 0, total);
    long step = Math.max(1, total / 1000);
    long shown = 0;
    for (int t = 0; t < total; t++) {
      DuplicatePair p = order.get(t);
      int a = group(p.first());
      int b = group(p.second());
      if (a != b && !conflict(a, b)) {
        if (allDuplicates(a, b)) {
          merge(a, b);
        } else {
          conflicts.computeIfAbsent(a, g -> new HashSet<>()).add(b);
          conflicts.computeIfAbsent(b, g -> new HashSet<>()).add(a);
        }
      }
      if (t + 1 - shown >= step) {
        shown = t + 1;
        progress.update("grouping", shown, total);
      }
    }
    progress.update("grouping", total, total);
    List<DuplicateGroup> out = new ArrayList<>();
    for (Map.Entry<Integer, int[]> e : members.entrySet()) {
      int k = sizes.get(e.getKey());
      if (k > 1 || copies(e.getValue()[0]) > 1) {
        out.add(toGroup(e.getValue(), k));
      }
    }
    if (repeats != null) {
      for (int d = 0; d < repeats.distinct(); d++) {
        if ((d >= groupOf.length || groupOf[d] < 0) && copies(d) > 1) {
          out.add(toGroup(new int[] {d}, 1));
        }
      }
    }
    out.sort(
        Comparator.comparingInt((DuplicateGroup g) -> g.members().size())
            .reversed()
            .thenComparingInt(g -> g.members().get(0)));
    return out;
  }

  private int group(int q) {
    if (groupOf[q] < 0) {
      groupOf[q] = q;
      members.put(q, new int[] {q, 0, 0, 0});
      sizes.put(q, 1);
    }
    return groupOf[q];
  }

  private boolean conflict(int a, int b) {
    Set<Integer> c = conflicts.get(a);
    return c != null && c.contains(b);
  }

  /** Merges the smaller of two groups into the larger; the merged group keeps their conflicts. */
  private void merge(int a, int b) {
    int into = sizes.get(a) >= sizes.get(b) ? a : b;
    int from = into == a ? b : a;
    int[] target = members.get(into);
    int[] source = members.remove(from);
    int n = sizes.get(into);
    int m = sizes.remove(from);
    if (n + m > target.length) {
      target = Arrays.copyOf(target, Math.max(n + m, 2 * target.length));
    }
    System.arraycopy(source, 0, target, n, m);
    members.put(into, target);
    sizes.put(into, n + m);
    for (int i = 0; i < m; i++) {
      groupOf[source[i]] = into;
    }
    Set<Integer> moved = conflicts.remove(from);
    if (moved != null) {
      Set<Integer> mine = conflicts.computeIfAbsent(into, g -> new HashSet<>());
      for (int g : moved) {
        Set<Integer> theirs = conflicts.get(g);
        theirs.remove(from);
        theirs.add(into);
        mine.add(g);
      }
    }
  }

  /**
   * Whether every member of group {@code a} is a duplicate of every member of group {@code b}: the
   * known pairs, then a screen of the others (no decision call for a pair that fails it), then the
   * decision ({@link DuplicateGrouping.BatchVerifier#allDuplicates}), least similar first.
   */
  private boolean allDuplicates(int a, int b) {
    int[] x = members.get(a);
    int[] y = members.get(b);
    int nx = sizes.get(a);
    int ny = sizes.get(b);
    int count = 0;
    int[] first = new int[16];
    int[] second = new int[16];
    double[] similarity = new double[16];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        int lo = Math.min(x[i], y[j]);
        int hi = Math.max(x[i], y[j]);
        if (known.contains(lo, hi)) {
          continue;
        }
        double s = verifier.screen(lo, hi);
        if (Double.isNaN(s)) {
          return false;
        }
        if (count == first.length) {
          first = Arrays.copyOf(first, 2 * count);
          second = Arrays.copyOf(second, 2 * count);
          similarity = Arrays.copyOf(similarity, 2 * count);
        }
        first[count] = lo;
        second[count] = hi;
        similarity[count] = s;
        count++;
      }
    }
    if (count == 0) {
      return true;
    }
    leastSimilarFirst(first, second, similarity, count);
    double[] score = new double[count];
    if (!verifier.allDuplicates(first, second, count, similarity, score)) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      known.putIfAbsent(first[i], second[i], similarity[i], score[i]);
    }
    return true;
  }

  /** Sorts the pairs by similarity, lowest first (the likeliest rejections). */
  private static void leastSimilarFirst(int[] first, int[] second, double[] similarity, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      int bits = Float.floatToIntBits((float) similarity[i]);
      bits ^= (bits >> 31) & 0x7fffffff; // negative floats: order as signed ints
      keys[i] = ((long) bits << 32) | i;
    }
    Arrays.sort(keys);
    int[] f = first.clone();
    int[] s = second.clone();
    double[] sim = similarity.clone();
    for (int i = 0; i < n; i++) {
      int at = (int) keys[i];
      first[i] = f[at];
      second[i] = s[at];
      similarity[i] = sim[at];
    }
  }

  /** How many questions a distinct text stands for in the groups. */
  private int copies(int d) {
    if (repeats == null || d >= repeats.distinct() || repeats.count(d) == 1) {
      return 1;
    }
    return Double.isNaN(selfScores[d]) ? 1 : repeats.count(d);
  }

  private int[] questions(int d) {
    return copies(d) == 1 && repeats != null ? new int[] {repeats.first(d)} : questionsOf(d);
  }

  private int[] questionsOf(int d) {
    return repeats == null ? new int[] {d} : repeats.questions(d);
  }

  private int firstQuestion(int d) {
    return repeats == null ? d : repeats.first(d);
  }

  /** A clique's group, by question index: the member with the best score sum represents it. */
  private DuplicateGroup toGroup(int[] distinct, int k) {
    int best = -1;
    double bestSum = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      int t = distinct[i];
      double sum = (copies(t) - 1) * (copies(t) > 1 ? selfScores[t] : 0);
      for (int j = 0; j < k; j++) {
        int u = distinct[j];
        if (u != t) {
          sum += copies(u) * known.score(t, u);
        }
      }
      if (sum > bestSum || sum == bestSum && firstQuestion(t) < firstQuestion(best)) {
        bestSum = sum;
        best = t;
      }
    }
    int representative = firstQuestion(best);
    List<Integer> all = new ArrayList<>();
    List<DuplicatePair> pairs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int t = distinct[i];
      for (int q : questions(t)) {
        all.add(q);
        if (q == representative) {
          continue;
        }
        int lo = Math.min(q, representative);
        int hi = Math.max(q, representative);
        pairs.add(
            t == best
                ? new DuplicatePair(lo, hi, 1.0, selfScores[t])
                : new DuplicatePair(lo, hi, known.similarity(t, best), known.score(t, best)));
      }
    }
    all.sort(null);
    pairs.sort(BEST_FIRST);
    return new DuplicateGroup(representative, all, pairs);
  }
}
