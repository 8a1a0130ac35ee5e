package dev.qsim.onnx;

import dev.qsim.Match;
import dev.qsim.SimilarityFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code k} candidates most similar to a query by the similarity of their vectors, each with
 * the model's duplicate score and decision; most similar first, ties in candidate order.
 *
 * <p>Stateless; thread-safe.
 */
final class BestMatches {
  private BestMatches() {}

  static List<Match> of(
      LoadedModel model,
      String queryText,
      float[] query,
      List<String> candidates,
      List<float[]> vectors,
      int k) {
    SimilarityFunction f = model.metadata().similarityFunction();
    Comparator<Match> worstFirst =
        Comparator.comparingDouble(Match::similarity)
            .thenComparing(Match::index, Comparator.reverseOrder());
    PriorityQueue<Match> best = new PriorityQueue<>(worstFirst);
    for (int i = 0; i < candidates.size(); i++) {
      best.add(
          new Match(i, candidates.get(i), f.compare(query, vectors.get(i)), Double.NaN, false));
      if (best.size() > k) {
        best.poll();
      }
    }
    List<Match> top = new ArrayList<>(best);
    List<String> texts = new ArrayList<>(top.size());
    float[][] u = new float[top.size()][];
    float[][] v = new float[top.size()][];
    for (int i = 0; i < u.length; i++) {
      texts.add(top.get(i).question());
      u[i] = query;
      v[i] = vectors.get(top.get(i).index());
    }
    PairDecision decision = model.decision();
    double[] scores = decision.scores(Collections.nCopies(u.length, queryText), texts, u, v);
    List<Match> out = new ArrayList<>(top.size());
    for (int i = 0; i < scores.length; i++) {
      Match m = top.get(i);
      out.add(
          new Match(
              m.index(), m.question(), m.similarity(), scores[i], decision.accepts(scores[i])));
    }
    out.sort(worstFirst.reversed());
    return out;
  }
}
