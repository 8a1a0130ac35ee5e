package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The siamese losses as NDArray expressions. Every result lands in the manager of {@code u} (the
 * step's manager). Stateless.
 */
final class Losses {
  private static final int[] LAST = {1};

  private Losses() {}

  /** The smallest squared norm a row is divided by: {@code (1e-12)²}. */
  private static final float SQUARED_NORM_FLOOR = 1e-24f;

  /**
   * Rows scaled to unit L2 norm (rows of zeros stay zero). The floor is applied to the squared norm
   * before the square root: {@code sqrt(max(sum(x²), eps²))}. Clamping after the root ({@code
   * max(sqrt(sum(x²)), eps)}) gives the same values but a NaN gradient for a row of zeros, because
   * the backward pass of {@code sqrt} at 0 is {@code 1 / 0} and {@code max} multiplies it by 0.
   */
  static NDArray l2Normalize(NDArray x) {
    return x.div(x.square().sum(LAST, true).maximum(SQUARED_NORM_FLOOR).sqrt());
  }

  /**
   * A zero that depends on {@code x}: a loss with a zero gradient, for batches with nothing to
   * learn.
   */
  private static NDArray zeroLoss(NDArray x) {
    return x.sum().mul(0f);
  }

  /** Row-wise cosine similarity, shape [batch]. */
  static NDArray cosine(NDArray u, NDArray v) {
    return l2Normalize(u).mul(l2Normalize(v)).sum(LAST);
  }

  /**
   * The loss of one batch. A batch that holds nothing this loss can learn from (no hard pair, fewer
   * than two duplicates for MNRL) gives a loss of 0 with a zero gradient: the step still counts and
   * AdamW still applies weight decay, as sentence-transformers does; it is never skipped.
   */
  static NDArray compute(
      PairLoss loss,
      NDArray u,
      NDArray v,
      float[] labels,
      TrainingConfig config,
      NDArray headLogits) {
    NDManager m = u.getManager();
    switch (loss) {
      case CONTRASTIVE:
        return contrastive(u, v, binary(m, labels, config), (float) config.margin());
      case ONLINE_CONTRASTIVE:
        return onlineContrastive(u, v, binaryValues(labels, config), (float) config.margin());
      case COSINE_MSE:
        return cosineMse(u, v, scaled(m, labels, config));
      case MNRL:
        return multipleNegativesRanking(u, v, binaryValues(labels, config), 20f);
      case SOFTMAX_HEAD:
        return headCrossEntropy(headLogits, binaryValues(labels, config));
      case BINARY_CROSS_ENTROPY:
        throw new IllegalArgumentException(
            "binary-cross-entropy trains a cross-encoder (--encoder cross-minilm), not embeddings");
      default:
        throw new IllegalArgumentException("Unsupported loss " + loss);
    }
  }

  static float[] binaryValues(float[] labels, TrainingConfig config) {
    float[] y = new float[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = config.isDuplicate(labels[i]) ? 1f : 0f;
    }
    return y;
  }

  private static NDArray binary(NDManager m, float[] labels, TrainingConfig config) {
    return m.create(binaryValues(labels, config));
  }

  private static NDArray scaled(NDManager m, float[] labels, TrainingConfig config) {
    float[] t = new float[labels.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) Math.min(1, Math.max(0, labels[i] / config.labelMax()));
    }
    return m.create(t);
  }

  /** {@code mean(0.5 (y d² + (1 - y) relu(margin - d)²))} with {@code d = 1 - cos}. */
  static NDArray contrastive(NDArray u, NDArray v, NDArray y, float margin) {
    NDArray d = cosine(u, v).neg().add(1f);
    NDArray pos = y.mul(d.square());
    NDArray neg = y.neg().add(1f).mul(d.neg().add(margin).maximum(0f).square());
    return pos.add(neg).mul(0.5f).mean();
  }

  /**
   * Sum over the hard pairs: duplicates with {@code d} above the smallest non-duplicate distance
   * contribute {@code d²}, non-duplicates with {@code d} below the largest duplicate distance
   * contribute {@code relu(margin - d)²}. With only one class in the batch, every pair of it is
   * hard. 0 (with a zero gradient) when no pair is hard.
   */
  static NDArray onlineContrastive(NDArray u, NDArray v, float[] y, float margin) {
    NDArray d = cosine(u, v).neg().add(1f);
    float[] dist = d.toFloatArray();
    float minNeg = Float.POSITIVE_INFINITY;
    float maxPos = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < y.length; i++) {
      if (y[i] > 0.5f) {
        maxPos = Math.max(maxPos, dist[i]);
      } else {
        minNeg = Math.min(minNeg, dist[i]);
      }
    }
    // One class only: no distance of the other class bounds it, so every pair of the batch is hard.
    if (minNeg == Float.POSITIVE_INFINITY) {
      minNeg = Float.NEGATIVE_INFINITY;
    }
    if (maxPos == Float.NEGATIVE_INFINITY) {
      maxPos = Float.POSITIVE_INFINITY;
    }
    float[] hardPos = new float[y.length];
    float[] hardNeg = new float[y.length];
    int hard = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] > 0.5f && dist[i] > minNeg) {
        hardPos[i] = 1;
        hard++;
      } else if (y[i] <= 0.5f && dist[i] < maxPos) {
        hardNeg[i] = 1;
        hard++;
      }
    }
    if (hard == 0) {
      return zeroLoss(d);
    }
    NDManager m = u.getManager();
    NDArray pos = d.square().mul(m.create(hardPos));
    NDArray neg = d.neg().add(margin).maximum(0f).square().mul(m.create(hardNeg));
    return pos.add(neg).sum();
  }

  /** {@code mean((cos - t)²)}. */
  static NDArray cosineMse(NDArray u, NDArray v, NDArray target) {
    return cosine(u, v).sub(target).square().mean();
  }

  /**
   * In-batch softmax over the duplicate pairs: cross-entropy of {@code scale cos(u_i, v_j)} with
   * target {@code j = i}, averaged over both directions. 0 (with a zero gradient) with fewer than
   * two duplicate pairs.
   */
  static NDArray multipleNegativesRanking(NDArray u, NDArray v, float[] y, float scale) {
    int count = 0;
    for (float label : y) {
      if (label > 0.5f) {
        count++;
      }
    }
    if (count < 2) {
      return zeroLoss(u).add(zeroLoss(v));
    }
    long[] keep = new long[count];
    for (int i = 0, k = 0; i < y.length; i++) {
      if (y[i] > 0.5f) {
        keep[k++] = i;
      }
    }
    NDManager m = u.getManager();
    NDArray index = m.create(keep);
    NDArray a = l2Normalize(u.get(index));
    NDArray b = l2Normalize(v.get(index));
    NDArray scores = a.matMul(b.transpose()).mul(scale);
    NDArray eye = m.eye(count);
    NDArray forward = scores.logSoftmax(1).mul(eye).sum().neg();
    NDArray backward = scores.transpose().logSoftmax(1).mul(eye).sum().neg();
    return forward.add(backward).div(2f * count);
  }

  /**
   * Mean cross-entropy of 2-class logits [n, 2] against {@code y} (the logits hold both pair
   * orders, y repeated).
   */
  static NDArray headCrossEntropy(NDArray logits, float[] y) {
    int n = (int) logits.getShape().get(0);
    float[] target = new float[n * 2];
    for (int i = 0; i < n; i++) {
      int cls = y[i % y.length] > 0.5f ? 1 : 0;
      target[i * 2 + cls] = 1f;
    }
    NDArray oneHot = logits.getManager().create(target, logits.getShape());
    return logits.logSoftmax(1).mul(oneHot).sum().neg().div((float) n);
  }

  /**
   * Mean binary cross-entropy of a cross-encoder's logits {@code x} against {@code y} in {0, 1}, in
   * the stable form {@code max(x, 0) - x y + log(1 + exp(-|x|))}.
   */
  static NDArray binaryCrossEntropy(NDArray logits, float[] y) {
    NDArray target = logits.getManager().create(y);
    NDArray terms =
        logits.maximum(0f).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1f).log());
    return terms.mean();
  }

  /** The pair head's features {@code [u, v, |u - v|, u * v]}, shape [batch, 4 dim]. */
  static NDArray pairFeatures(NDArray u, NDArray v) {
    return NDArrays.concat(new NDList(u, v, u.sub(v).abs(), u.mul(v)), 1);
  }
}
