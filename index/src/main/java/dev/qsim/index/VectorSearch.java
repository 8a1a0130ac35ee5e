package dev.qsim.index;

import dev.qsim.Embedding;
import dev.qsim.IndexMatch;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * The two stages of a lookup on one point-in-time searcher: candidates from Lucene's HNSW graph,
 * their stored ids, texts and vectors read back, then (for {@code askedBefore}) the model's
 * duplicate decision, through {@link QuestionSimilarity#duplicateScores(List, List, List)} on the
 * stored vectors, for each candidate at or above the model's {@link
 * QuestionSimilarity#candidateThreshold() candidate threshold} — the pairs {@code findDuplicates}
 * would verify. Thread-safe: stateless apart from the model, which is.
 */
final class VectorSearch {
  /** The graph search's default number of neighbours collected per query. */
  static final int DEFAULT_CANDIDATES = 100;

  private static final Set<String> STORED =
      Set.of(QuestionDocuments.ID, QuestionDocuments.QUESTION);

  /**
   * Verified matches first, by decision score (so duplicates lead), then by similarity; then
   * unverified matches by similarity; ties by id.
   */
  private static final Comparator<IndexMatch> BEST_FIRST =
      Comparator.comparing(IndexMatch::verified)
          .thenComparingDouble(m -> m.verified() ? m.score() : 0)
          .thenComparingDouble(IndexMatch::similarity)
          .reversed()
          .thenComparing(IndexMatch::id);

  private final QuestionSimilarity model;
  private final int candidates;

  VectorSearch(QuestionSimilarity model, int candidates) {
    this.model = model;
    this.candidates = candidates;
  }

  /** A stored question found for a query, with its vector read back from the index. */
  private record Candidate(String id, String question, float[] vector, double similarity) {}

  /** How many candidates {@code askedBefore} verifies to return {@code k}: a few more than k. */
  static int verified(int k) {
    return k + Math.max(k, 10);
  }

  List<List<IndexMatch>> nearest(IndexSearcher searcher, List<Embedding> queries, int k)
      throws IOException {
    List<List<IndexMatch>> out = new ArrayList<>(queries.size());
    for (Embedding query : queries) {
      List<IndexMatch> matches = new ArrayList<>();
      for (Candidate c : candidates(searcher, query, k)) {
        matches.add(new IndexMatch(c.id(), c.question(), c.similarity(), Double.NaN, false));
      }
      out.add(List.copyOf(matches));
    }
    return out;
  }

  List<List<IndexMatch>> askedBefore(
      IndexSearcher searcher, List<String> queries, List<Embedding> embeddings, int k)
      throws IOException {
    double candidateThreshold = model.candidateThreshold();
    List<List<Candidate>> found = new ArrayList<>(queries.size());
    List<QuestionPair> pairs = new ArrayList<>();
    List<Embedding> first = new ArrayList<>();
    List<Embedding> second = new ArrayList<>();
    for (int q = 0; q < queries.size(); q++) {
      List<Candidate> candidates = candidates(searcher, embeddings.get(q), verified(k));
      found.add(candidates);
      for (Candidate c : candidates) {
        if (c.similarity() >= candidateThreshold) {
          pairs.add(new QuestionPair(queries.get(q), c.question()));
          first.add(embeddings.get(q));
          second.add(Embedding.of(c.vector()));
        }
      }
    }
    double[] scores = pairs.isEmpty() ? new double[0] : model.duplicateScores(pairs, first, second);
    double threshold = model.duplicateThreshold();
    List<List<IndexMatch>> out = new ArrayList<>(queries.size());
    int p = 0;
    for (List<Candidate> candidates : found) {
      List<IndexMatch> matches = new ArrayList<>(candidates.size());
      for (Candidate c : candidates) {
        if (c.similarity() >= candidateThreshold) {
          double score = scores[p++];
          matches.add(
              new IndexMatch(c.id(), c.question(), c.similarity(), score, score >= threshold));
        } else {
          matches.add(new IndexMatch(c.id(), c.question(), c.similarity(), Double.NaN, false));
        }
      }
      matches.sort(BEST_FIRST);
      out.add(List.copyOf(matches.subList(0, Math.min(k, matches.size()))));
    }
    return out;
  }

  /**
   * The {@code n} stored questions nearest to a query, highest similarity first, their similarity
   * recomputed exactly from the stored vectors in the model's similarity function.
   */
  private List<Candidate> candidates(IndexSearcher searcher, Embedding query, int n)
      throws IOException {
    float[] target = unit(query.vector());
    KnnFloatVectorQuery knn =
        new KnnFloatVectorQuery(QuestionDocuments.VECTOR, target, Math.max(n, candidates));
    TopDocs top = searcher.search(knn, n);
    ScoreDoc[] hits = top.scoreDocs.clone();
    Arrays.sort(hits, Comparator.comparingInt(h -> h.doc));
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    StoredFields stored = searcher.storedFields();
    SimilarityFunction function = model.similarityFunction();
    List<Candidate> out = new ArrayList<>(hits.length);
    FloatVectorValues values = null;
    int leafIndex = -1;
    for (ScoreDoc hit : hits) {
      int leaf = ReaderUtil.subIndex(hit.doc, leaves);
      LeafReaderContext context = leaves.get(leaf);
      if (leaf != leafIndex) {
        leafIndex = leaf;
        values = context.reader().getFloatVectorValues(QuestionDocuments.VECTOR);
      }
      int local = hit.doc - context.docBase;
      if (values == null || values.advance(local) != local) {
        throw new IllegalStateException("Document " + hit.doc + " has no vector");
      }
      float[] vector = values.vectorValue().clone();
      Document doc = stored.document(hit.doc, STORED);
      out.add(
          new Candidate(
              doc.get(QuestionDocuments.ID),
              doc.get(QuestionDocuments.QUESTION),
              vector,
              function.compare(target, vector)));
    }
    out.sort(
        Comparator.comparingDouble(Candidate::similarity).reversed().thenComparing(Candidate::id));
    return out;
  }

  /** The vector format of the index's vector field, as its first segment records it. */
  static String vectorFormat(IndexReader reader) {
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(QuestionDocuments.VECTOR);
      if (info != null) {
        String format = info.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
        if (format != null) {
          return format;
        }
      }
    }
    return "none (empty index)";
  }

  static float[] unit(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    double norm = Math.sqrt(sum);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
