package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of question pairs given as texts: every text is checked and refused if unreadable,
 * each distinct text is embedded once, and each pair gets its similarity or the model's duplicate
 * score.
 *
 * <p>Stateless; thread-safe.
 */
final class PairScoring {
  private PairScoring() {}

  /**
   * The similarity ({@code decide} false) or duplicate score ({@code decide} true) of each pair.
   */
  static double[] scores(LoadedModel model, List<QuestionPair> pairs, boolean decide) {
    Arguments.checkPairs(pairs);
    Map<String, Integer> unique = new LinkedHashMap<>();
    int[][] index = new int[pairs.size()][2];
    for (int p = 0; p < pairs.size(); p++) {
      index[p][0] = unique.computeIfAbsent(pairs.get(p).first(), k -> unique.size());
      index[p][1] = unique.computeIfAbsent(pairs.get(p).second(), k -> unique.size());
    }
    List<String> texts = new ArrayList<>(unique.keySet());
    model.encoder().requireReadable(texts, u -> Arguments.pairArgument(pairs, texts.get(u)));
    PairDecision decision = model.decision();
    if (decide && !decision.readsEmbeddings()) {
      return decision.scores(firsts(pairs), seconds(pairs), null, null);
    }
    float[][] vectors =
        model.encoder().encode(texts, i -> "pairs[" + i + "]", ProgressListener.NONE);
    if (decide && decision.readsTexts()) {
      float[][] u = new float[pairs.size()][];
      float[][] v = new float[pairs.size()][];
      for (int p = 0; p < u.length; p++) {
        u[p] = vectors[index[p][0]];
        v[p] = vectors[index[p][1]];
      }
      return decision.scores(firsts(pairs), seconds(pairs), u, v);
    }
    SimilarityFunction f = model.metadata().similarityFunction();
    double[] scores = new double[pairs.size()];
    for (int p = 0; p < scores.length; p++) {
      float[] u = vectors[index[p][0]];
      float[] v = vectors[index[p][1]];
      scores[p] = decide ? decision.score(u, v) : f.compare(u, v);
    }
    return scores;
  }

  static List<String> firsts(List<QuestionPair> pairs) {
    return pairs.stream().map(QuestionPair::first).toList();
  }

  static List<String> seconds(List<QuestionPair> pairs) {
    return pairs.stream().map(QuestionPair::second).toList();
  }
}
