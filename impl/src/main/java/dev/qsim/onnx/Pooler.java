package dev.qsim.onnx;

import dev.qsim.InferenceException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import java.util.Arrays;

/**
 * Pooling and normalisation, on plain arrays.
 *
 * <p>Stateless; thread-safe.
 */
final class Pooler {
  private Pooler() {}

  static float[][] pool(
      float[] data, long[] shape, TokenBatch batch, ModelMetadata md, String source) {
    Pooling pooling = md.pooling();
    int rows = batch.rows;
    int dim;
    float[][] out = new float[rows][];
    if (pooling == Pooling.NONE) {
      if (shape.length != 2 || shape[0] != rows) {
        throw new InferenceException(
            "Encoder of "
                + source
                + " returned shape "
                + Arrays.toString(shape)
                + "; pooling 'none' needs [batch, dim]");
      }
      dim = (int) shape[1];
      for (int r = 0; r < rows; r++) {
        out[r] = Arrays.copyOfRange(data, r * dim, (r + 1) * dim);
      }
    } else {
      if (shape.length != 3 || shape[0] != rows || shape[1] != batch.cols) {
        throw new InferenceException(
            "Encoder of "
                + source
                + " returned shape "
                + Arrays.toString(shape)
                + "; pooling '"
                + pooling.id()
                + "' needs [batch, tokens, dim]");
      }
      dim = (int) shape[2];
      int cols = batch.cols;
      for (int r = 0; r < rows; r++) {
        float[] v = new float[dim];
        if (pooling == Pooling.CLS) {
          System.arraycopy(data, r * cols * dim, v, 0, dim);
        } else {
          double[] sum = new double[dim];
          int count = 0;
          for (int t = 0; t < cols; t++) {
            if (batch.mask[r * cols + t] == 0) {
              continue;
            }
            count++;
            int base = (r * cols + t) * dim;
            for (int k = 0; k < dim; k++) {
              sum[k] += data[base + k];
            }
          }
          for (int k = 0; k < dim; k++) {
            v[k] = (float) (sum[k] / Math.max(1, count));
          }
        }
        out[r] = v;
      }
    }
    if (md.normalize()) {
      for (float[] v : out) {
        normalizeInPlace(v);
      }
    }
    return out;
  }

  private static void normalizeInPlace(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    double norm = Math.sqrt(sum);
    if (norm > 0) {
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) (v[k] / norm);
      }
    }
  }
}
