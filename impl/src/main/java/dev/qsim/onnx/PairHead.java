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

  /** The symmetric duplicate probability of two embeddings. */
  double probability(float[] u, float[] v) {
    return 0.5 * (forward(u, v) + forward(v, u));
  }

  int dimension() {
    return dimension;
  }

  /**
   * The per-question part of the first layer: {@code [Wu·q, Wv·q]} (twice the hidden width), for
   * {@link #probability(float[], float[], float[], float[])}.
   */
  float[] project(float[] q) {
    Layer first = layers[0];
    int h = first.bias().length;
    float[] out = new float[2 * h];
    for (int o = 0; o < h; o++) {
      float[] w = first.weights()[o];
      float su = 0;
      float sv = 0;
      for (int k = 0; k < dimension; k++) {
        su += w[k] * q[k];
        sv += w[dimension + k] * q[k];
      }
      out[o] = su;
      out[h + o] = sv;
    }
    return out;
  }

  /**
   * {@link #probability(float[], float[])} from the questions' {@link #project projections}: only
   * the symmetric part {@code Wd·|u-v| + Wp·(u*v)} is computed per pair, once for both orders.
   * Equal to the other form up to float rounding (well below 1e-6).
   */
  double probability(float[] u, float[] pu, float[] v, float[] pv) {
    Layer first = layers[0];
    int h = first.bias().length;
    int d = dimension;
    float[] diff = new float[d];
    float[] prod = new float[d];
    for (int k = 0; k < d; k++) {
      diff[k] = Math.abs(u[k] - v[k]);
      prod[k] = u[k] * v[k];
    }
    float[] forward = new float[h];
    float[] backward = new float[h];
    for (int o = 0; o < h; o++) {
      float[] w = first.weights()[o];
      float s0 = 0;
      float s1 = 0;
      for (int k = 0; k < d; k++) {
        s0 += w[2 * d + k] * diff[k];
        s1 += w[3 * d + k] * prod[k];
      }
      float shared = first.bias()[o] + s0 + s1;
      forward[o] = shared + pu[o] + pv[h + o];
      backward[o] = shared + pv[o] + pu[h + o];
    }
    return 0.5 * (fromFirstLayer(forward) + fromFirstLayer(backward));
  }

  /** The first layer, whose input is {@code [u, v, |u - v|, u * v]}. */
  Layer firstLayer() {
    return layers[0];
  }

  private double forward(float[] u, float[] v) {
    int d = dimension;
    float[] x = new float[4 * d];
    for (int k = 0; k < d; k++) {
      x[k] = u[k];
      x[d + k] = v[k];
      x[2 * d + k] = Math.abs(u[k] - v[k]);
      x[3 * d + k] = u[k] * v[k];
    }
    Layer first = layers[0];
    float[] y = new float[first.bias().length];
    for (int o = 0; o < y.length; o++) {
      float[] w = first.weights()[o];
      double s = first.bias()[o];
      for (int i = 0; i < x.length; i++) {
        s += w[i] * x[i];
      }
      y[o] = (float) s;
    }
    return fromFirstLayer(y);
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
          float[] w = layer.weights()[o];
          double s = layer.bias()[o];
          for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
          }
          y[o] = (float) s;
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
