package dev.qsim.onnx;

import com.google.gson.JsonObject;
import dev.qsim.model.PairHeadFile;
import dev.qsim.model.PairHeadFile.Layer;
import java.util.List;

/**
 * A learned duplicate classifier over two embeddings {@code u, v}: a small feed-forward network on
 * {@code [u, v, |u - v|, u * v]}, made symmetric by averaging {@code p(u, v)} and {@code p(v, u)}.
 * Read by {@link PairHeadFile}; see {@code docs/model-format.md}.
 *
 * <p>Immutable after loading and thread-safe.
 */
final class PairHead {
  private final Layer[] layers;
  private final int dimension;

  private PairHead(Layer[] layers, int dimension) {
    this.layers = layers;
    this.dimension = dimension;
  }

  static PairHead load(ModelSource src, String file, int dimension) {
    List<Layer> layers =
        PairHeadFile.read(() -> src.open(file), dimension, src.describe() + "/" + file);
    return new PairHead(layers.toArray(new Layer[0]), dimension);
  }

  static PairHead parse(JsonObject json, int dimension) {
    return new PairHead(PairHeadFile.parse(json, dimension).toArray(new Layer[0]), dimension);
  }

  /**
   * The symmetric duplicate probability of two embeddings: {@link #probability(float[], float[],
   * float[], float[])} of their {@link #project projections}.
   */
  double probability(float[] u, float[] v) {
    return probability(u, project(u), v, project(v));
  }

  int dimension() {
    return dimension;
  }

  /**
   * The per-question part of the first layer: {@code [Wu·q, Wv·q]} (twice the hidden width), where
   * {@code W·[u, v, |u-v|, u*v] = Wu·u + Wv·v + Wd·|u-v| + Wp·(u*v)}.
   */
  float[] project(float[] q) {
    Layer first = layers[0];
    int h = first.bias().length;
    float[] out = new float[2 * h];
    for (int o = 0; o < h; o++) {
      float[] w = first.weights()[o];
      out[o] = dot(w, 0, q, dimension);
      out[h + o] = dot(w, dimension, q, dimension);
    }
    return out;
  }

  /**
   * {@link #probability(float[], float[])} from the questions' {@link #project projections}: only
   * the symmetric part {@code Wd·|u-v| + Wp·(u*v)} is computed per pair, once for both orders.
   */
  double probability(float[] u, float[] pu, float[] v, float[] pv) {
    Layer first = layers[0];
    int h = first.bias().length;
    int d = dimension;
    float[] x = new float[2 * d];
    for (int k = 0; k < d; k++) {
      x[k] = Math.abs(u[k] - v[k]);
      x[d + k] = u[k] * v[k];
    }
    float[] forward = new float[h];
    float[] backward = new float[h];
    for (int o = 0; o < h; o++) {
      float shared = first.bias()[o] + dot(first.weights()[o], 2 * d, x, 2 * d);
      forward[o] = shared + pu[o] + pv[h + o];
      backward[o] = shared + pv[o] + pu[h + o];
    }
    return 0.5 * (fromFirstLayer(forward) + fromFirstLayer(backward));
  }

  /**
   * {@code w[from, from + n) · x[0, n)}, in four running sums (independent chains of multiply-adds,
   * so the loop runs at the processor's throughput rather than its add latency).
   */
  private static float dot(float[] w, int from, float[] x, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += w[from + k] * x[k];
      s1 += w[from + k + 1] * x[k + 1];
      s2 += w[from + k + 2] * x[k + 2];
      s3 += w[from + k + 3] * x[k + 3];
    }
    for (; k < n; k++) {
      s0 += w[from + k] * x[k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The first layer, whose input is {@code [u, v, |u - v|, u * v]}. */
  Layer firstLayer() {
    return layers[0];
  }

  /**
   * The probability for one order of a pair given the first layer's output before its activation
   * (bias included); {@code y} is overwritten.
   */
  double fromFirstLayer(float[] y) {
    float[] x = y;
    for (int l = 0; l < layers.length; l++) {
      Layer layer = layers[l];
      if (l > 0) {
        y = new float[layer.bias().length];
        for (int o = 0; o < y.length; o++) {
          y[o] = layer.bias()[o] + dot(layer.weights()[o], 0, x, x.length);
        }
      }
      switch (layer.activation()) {
        case "relu":
          for (int o = 0; o < y.length; o++) {
            y[o] = Math.max(0f, y[o]);
          }
          break;
        case "tanh":
          for (int o = 0; o < y.length; o++) {
            y[o] = (float) Math.tanh(y[o]);
          }
          break;
        case "sigmoid":
          return 1.0 / (1.0 + Math.exp(-y[0]));
        case "softmax":
          return 1.0 / (1.0 + Math.exp((double) y[0] - y[1]));
        default:
          break;
      }
      x = y;
    }
    throw new AssertionError("validated: the last layer is sigmoid or softmax");
  }
}
