package dev.qsim.spark;

import java.io.Serializable;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Buckets for the candidate search: centroids of a k-means (cosine) over a sample of the vectors;
 * each question goes to the buckets of its {@code probes} nearest centroids, and only questions
 * that share a bucket are compared. With one bucket every pair is compared (exact search).
 *
 * <p>Immutable and thread-safe; serialised to executors with the tasks.
 */
final class CandidateBuckets implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float[][] centroids;
  private final int probes;

  private CandidateBuckets(float[][] centroids, int probes) {
    this.centroids = centroids;
    this.probes = Math.min(probes, Math.max(1, centroids.length));
  }

  /** One bucket: every pair is compared. */
  static CandidateBuckets exact() {
    return new CandidateBuckets(new float[0][], 1);
  }

  /**
   * Trains {@code k} centroids on a sample of about {@code sampleSize} rows of {@code
   * vectorColumn}.
   */
  static CandidateBuckets train(
      Dataset<Row> vectors,
      String vectorColumn,
      long rows,
      int k,
      int probes,
      int sampleSize,
      long seed) {
    if (k <= 1) {
      return exact();
    }
    double fraction = Math.min(1.0, (double) sampleSize / Math.max(1, rows));
    Dataset<Row> sample = fraction < 1 ? vectors.sample(false, fraction, seed) : vectors;
    KMeansModel model =
        new KMeans()
            .setK(k)
            .setDistanceMeasure("cosine")
            .setMaxIter(10)
            .setSeed(seed)
            .setFeaturesCol(vectorColumn)
            .fit(sample.select(vectorColumn));
    Vector[] centers = model.clusterCenters();
    float[][] c = new float[centers.length][];
    for (int i = 0; i < centers.length; i++) {
      double[] v = centers[i].toArray();
      double norm = 0;
      for (double x : v) {
        norm += x * x;
      }
      norm = norm > 0 ? Math.sqrt(norm) : 1;
      c[i] = new float[v.length];
      for (int j = 0; j < v.length; j++) {
        c[i][j] = (float) (v[j] / norm);
      }
    }
    return new CandidateBuckets(c, probes);
  }

  int count() {
    return Math.max(1, centroids.length);
  }

  /** The buckets of one vector: its {@code probes} nearest centroids, nearest first. */
  int[] assign(float[] vector) {
    if (centroids.length == 0) {
      return new int[] {0};
    }
    int[] best = new int[probes];
    double[] bestScore = new double[probes];
    java.util.Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
    for (int c = 0; c < centroids.length; c++) {
      float[] centroid = centroids[c];
      double dot = 0;
      for (int k = 0; k < centroid.length; k++) {
        dot += centroid[k] * vector[k];
      }
      if (dot > bestScore[probes - 1]) {
        int pos = probes - 1;
        while (pos > 0 && dot > bestScore[pos - 1]) {
          bestScore[pos] = bestScore[pos - 1];
          best[pos] = best[pos - 1];
          pos--;
        }
        bestScore[pos] = dot;
        best[pos] = c;
      }
    }
    return best;
  }
}
