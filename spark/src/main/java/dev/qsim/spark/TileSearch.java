package dev.qsim.spark;

import dev.ludovic.netlib.blas.BLAS;
import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.CandidateCutoff;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/**
 * The work of one tile on an executor: exact similarities of every pair between two blocks of a
 * bucket (a matrix product), the pairs at or above the candidate threshold, and each one's score by
 * the run's duplicate decision.
 *
 * <p>Immutable; each call works on its own data, so one instance serves concurrent tasks.
 */
final class TileSearch
    implements FlatMapFunction<Tuple2<TileKey, Iterable<BucketEntry>>, ScoredPair> {
  private static final long serialVersionUID = 1L;
  private static final int ROW_CHUNK = 256;

  private final ModelSpec spec;
  private final ResolvedDecision decision;

  /**
   * @param spec the model that scores
   * @param decision the candidate threshold and the decision whose score each candidate gets
   */
  TileSearch(ModelSpec spec, ResolvedDecision decision) {
    this.spec = spec;
    this.decision = decision;
  }

  @Override
  public Iterator<ScoredPair> call(Tuple2<TileKey, Iterable<BucketEntry>> tile) {
    TileKey key = tile._1();
    List<BucketEntry> left = new ArrayList<>();
    List<BucketEntry> right = new ArrayList<>();
    for (BucketEntry e : tile._2()) {
      (e.block() == key.left() ? left : right).add(e);
    }
    boolean diagonal = key.left() == key.right();
    if (diagonal) {
      right = left;
    }
    if (left.isEmpty() || right.isEmpty()) {
      return List.<ScoredPair>of().iterator();
    }
    OnnxQuestionSimilarity model = ExecutorModels.get(spec);
    SimilarityFunction function = model.similarityFunction();
    double threshold = decision.candidateThreshold();

    List<BucketEntry[]> candidates = new ArrayList<>();
    List<Double> similarities = new ArrayList<>();
    int d = left.get(0).vector().length;
    float[] b = matrix(right, d, function);
    int nb = right.size();
    float floor = CandidateCutoff.floor(function, threshold);
    for (int r0 = 0; r0 < left.size(); r0 += ROW_CHUNK) {
      int r1 = Math.min(left.size(), r0 + ROW_CHUNK);
      float[] a = matrix(left.subList(r0, r1), d, function);
      int na = r1 - r0;
      float[] c = new float[na * nb];
      // Column-major: c[i + j * na] = a_i . b_j
      BLAS.getInstance().sgemm("T", "N", na, nb, d, 1f, a, d, b, d, 0f, c, na);
      for (int i = 0; i < na; i++) {
        BucketEntry x = left.get(r0 + i);
        for (int j = diagonal ? r0 + i + 1 : 0; j < nb; j++) {
          if (c[i + j * na] < floor) {
            continue;
          }
          BucketEntry y = right.get(j);
          if (x.index() == y.index() || x.firstCommonBucket(y) != key.bucket()) {
            continue;
          }
          double similarity = function.compare(x.vector(), y.vector());
          if (similarity >= threshold) {
            candidates.add(
                x.index() < y.index() ? new BucketEntry[] {x, y} : new BucketEntry[] {y, x});
            similarities.add(similarity);
          }
        }
      }
    }
    return score(model, candidates, similarities).iterator();
  }

  /** Every candidate with its decision score; the caller applies top-k and the threshold. */
  private List<ScoredPair> score(
      OnnxQuestionSimilarity model, List<BucketEntry[]> candidates, List<Double> similarities) {
    List<ScoredPair> out = new ArrayList<>(candidates.size());
    if (candidates.isEmpty()) {
      return out;
    }
    List<QuestionPair> pairs = new ArrayList<>(candidates.size());
    List<Embedding> first = new ArrayList<>(candidates.size());
    List<Embedding> second = new ArrayList<>(candidates.size());
    double[] sims = new double[candidates.size()];
    for (int p = 0; p < sims.length; p++) {
      BucketEntry[] c = candidates.get(p);
      pairs.add(new QuestionPair(c[0].question(), c[1].question()));
      first.add(Embedding.of(c[0].vector()));
      second.add(Embedding.of(c[1].vector()));
      sims[p] = similarities.get(p);
    }
    double[] scores = decision.scores(model, pairs, first, second, sims);
    for (int p = 0; p < scores.length; p++) {
      BucketEntry[] c = candidates.get(p);
      out.add(new ScoredPair(c[0].index(), c[1].index(), sims[p], scores[p]));
    }
    return out;
  }

  private static float[] matrix(List<BucketEntry> entries, int d, SimilarityFunction function) {
    List<float[]> vectors = new ArrayList<>(entries.size());
    for (BucketEntry e : entries) {
      vectors.add(e.vector());
    }
    return Blocks.matrix(vectors, function);
  }
}
