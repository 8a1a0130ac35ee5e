package dev.qsim.spark;

import dev.ludovic.netlib.blas.BLAS;
import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.CandidateCutoff;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@link QuestionMatcher}'s work on one corpus partition: every corpus row compared with every new
 * question by a matrix product per chunk, the candidates at or above the candidate threshold
 * ({@link CandidateCutoff} first), each new question's best few verified with the run's decision.
 *
 * <p>Immutable; each call works on its own data, so one instance serves concurrent tasks.
 */
final class CorpusSearch implements FlatMapFunction<Iterator<Row>, Row> {
  /** The new questions, broadcast to the executors. Immutable. */
  static final class Queries implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object[] ids;
    final String[] questions;
    final float[][] vectors;

    Queries(List<Row> rows) {
      ids = new Object[rows.size()];
      questions = new String[rows.size()];
      vectors = new float[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        ids[i] = r.get(0);
        questions[i] = r.getString(1);
        vectors[i] = QuestionMatcher.floats(r.getAs(2));
      }
    }

    int size() {
      return ids.length;
    }
  }

  private static final long serialVersionUID = 1L;

  /** Corpus rows compared per matrix product. */
  private static final int CORPUS_CHUNK = 1024;

  private final ModelSpec spec;
  private final Broadcast<Queries> queries;
  private final int k;
  private final ResolvedDecision decision;

  CorpusSearch(ModelSpec spec, Broadcast<Queries> queries, int k, ResolvedDecision decision) {
    this.spec = spec;
    this.queries = queries;
    this.k = k;
    this.decision = decision;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> corpus) {
    Queries q = queries.value();
    OnnxQuestionSimilarity model = null;
    SimilarityFunction function = null;
    double threshold = 0;
    float floor = Float.NEGATIVE_INFINITY;
    int m = q.size();
    int d = q.vectors[0].length;
    float[] b = null;
    List<PriorityQueue<Candidate>> best = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      best.add(new PriorityQueue<>());
    }
    List<Row> chunk = new ArrayList<>(CORPUS_CHUNK);
    while (corpus.hasNext()) {
      chunk.clear();
      while (chunk.size() < CORPUS_CHUNK && corpus.hasNext()) {
        Row r = corpus.next();
        if (!r.isNullAt(2)) {
          chunk.add(r);
        }
      }
      if (chunk.isEmpty()) {
        continue;
      }
      if (model == null) {
        model = ExecutorModels.get(spec);
        function = model.similarityFunction();
        threshold = decision.candidateThreshold();
        floor = CandidateCutoff.floor(function, threshold);
        b = Blocks.matrix(Arrays.asList(q.vectors), function);
      }
      List<float[]> vectors = new ArrayList<>(chunk.size());
      for (Row r : chunk) {
        float[] v = QuestionMatcher.floats(r.getAs(2));
        if (v.length != d) {
          throw new IllegalArgumentException(
              "Corpus embedding of id "
                  + r.get(0)
                  + " has dimension "
                  + v.length
                  + " but the model's is "
                  + d
                  + ": embed the corpus with the same model");
        }
        vectors.add(v);
      }
      float[] a = Blocks.matrix(vectors, function);
      int na = chunk.size();
      float[] c = new float[na * m];
      BLAS.getInstance().sgemm("T", "N", na, m, d, 1f, a, d, b, d, 0f, c, na);
      for (int i = 0; i < na; i++) {
        for (int j = 0; j < m; j++) {
          if (c[i + j * na] < floor) {
            continue;
          }
          double similarity = function.compare(vectors.get(i), q.vectors[j]);
          if (similarity >= threshold) {
            PriorityQueue<Candidate> top = best.get(j);
            top.add(new Candidate(chunk.get(i), vectors.get(i), similarity));
            if (top.size() > k * 4) {
              top.poll();
            }
          }
        }
      }
    }
    return verify(model, q, best).iterator();
  }

  /** The verified candidates, at most {@code k} per new question. */
  private List<Row> verify(
      OnnxQuestionSimilarity model, Queries q, List<PriorityQueue<Candidate>> best) {
    List<Row> out = new ArrayList<>();
    if (model == null) {
      return out;
    }
    List<QuestionPair> pairs = new ArrayList<>();
    List<Embedding> first = new ArrayList<>();
    List<Embedding> second = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    List<Candidate> all = new ArrayList<>();
    for (int j = 0; j < best.size(); j++) {
      for (Candidate cand : best.get(j)) {
        pairs.add(new QuestionPair(q.questions[j], cand.row.getString(1)));
        first.add(Embedding.of(q.vectors[j]));
        second.add(Embedding.of(cand.vector));
        where.add(new int[] {j});
        all.add(cand);
      }
    }
    if (pairs.isEmpty()) {
      return out;
    }
    double[] similarities = new double[all.size()];
    for (int p = 0; p < similarities.length; p++) {
      similarities[p] = all.get(p).similarity;
    }
    double[] scores = decision.scores(model, pairs, first, second, similarities);
    for (int p = 0; p < scores.length; p++) {
      if (decision.accepts(scores[p])) {
        Candidate cand = all.get(p);
        out.add(
            RowFactory.create(
                q.ids[where.get(p)[0]],
                cand.row.get(0),
                cand.row.getString(1),
                cand.similarity,
                scores[p]));
      }
    }
    return out;
  }

  /** A corpus row that passed the candidate threshold; ordered worst first. */
  private record Candidate(Row row, float[] vector, double similarity)
      implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      return Double.compare(similarity, o.similarity);
    }
  }
}
