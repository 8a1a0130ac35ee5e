package dev.qsim.training.minilm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qsim.InferenceException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block that computes exactly what Hugging Face's {@code BertModel} followed by
 * sentence-transformers' mean pooling and L2 normalisation compute (DJL's own {@code BertBlock}
 * uses another layout and cannot take these weights):
 *
 * <ol>
 *   <li>embeddings: word + position + token type (type 0 unless a third input is given), LayerNorm,
 *       dropout;
 *   <li>per layer (post-LayerNorm): self-attention with {@code heads} heads, scores divided by
 *       {@code sqrt(headSize)} plus an additive mask of {@value #MASK_VALUE} on padding, softmax,
 *       dropout; output projection, dropout, {@code LayerNorm(x + attention)}; feed-forward {@code
 *       hidden -> intermediate -> hidden} with the exact (erf) GELU, dropout, {@code LayerNorm(x1 +
 *       ffn)};
 *   <li>mean of the token vectors over the attention mask, then {@code x / max(|x|, 1e-12)}.
 * </ol>
 *
 * <p>Inputs: {@code NDList(inputIds, attentionMask)} (optionally a third {@code tokenTypeIds}),
 * int64 {@code [batch, tokens]}. Output: {@code NDList(embeddings)}, float32 {@code [batch,
 * hidden]}. Parameter names and shapes are Hugging Face's (dense weights {@code [out, in]}, {@code
 * y = x W^T + b} as one fused {@code linear}). Dropout is applied only in a training forward pass.
 *
 * <p>The mask value is finite on purpose: the exported graph uses {@code -3.4e38}, which gives the
 * same softmax (both underflow to 0) but can turn into non-finite values in a backward pass.
 *
 * <p>Not thread-safe for training; inference forwards with a shared parameter store may run
 * concurrently.
 */
final class MiniLmBlock extends AbstractBlock {

  /** Added to the attention scores of padded tokens. */
  static final float MASK_VALUE = -10000f;

  private static final byte VERSION = 1;

  private final MiniLmConfig config;
  private final float dropout;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  /**
   * Creates the block over parameter arrays the caller already filled.
   *
   * @param config the geometry
   * @param arrays parameter name to array, every name of {@link OnnxBertWeights#expectedShapes}
   * @param dropout the dropout rate applied in training forward passes (Hugging Face uses 0.1)
   */
  MiniLmBlock(MiniLmConfig config, Map<String, NDArray> arrays, float dropout) {
    super(VERSION);
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
    }
    this.config = config;
    this.dropout = dropout;
    for (Map.Entry<String, long[]> e : OnnxBertWeights.expectedShapes(config).entrySet()) {
      NDArray array = arrays.get(e.getKey());
      if (array == null || !Arrays.equals(array.getShape().getShape(), e.getValue())) {
        throw new IllegalArgumentException(
            "parameter "
                + e.getKey()
                + ": expected shape "
                + Arrays.toString(e.getValue())
                + ", got "
                + array);
      }
      Parameter p =
          Parameter.builder()
              .setName(e.getKey())
              .setType(typeOf(e.getKey()))
              .optShape(array.getShape())
              .optArray(array)
              .build();
      byName.put(e.getKey(), addParameter(p));
    }
  }

  private static Parameter.Type typeOf(String name) {
    if (name.contains("LayerNorm")) {
      return name.endsWith(".weight") ? Parameter.Type.GAMMA : Parameter.Type.BETA;
    }
    return name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
  }

  /**
   * The parameters by Hugging Face name, in {@link OnnxBertWeights#expectedShapes} order.
   *
   * @return an unmodifiable view
   */
  Map<String, Parameter> parametersByName() {
    return java.util.Collections.unmodifiableMap(byName);
  }

  MiniLmConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.get(1);
    NDArray hidden = hiddenStates(store, inputs, training);
    return new NDList(meanPoolAndNormalize(hidden, mask));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.hidden())};
  }

  /**
   * The encoder's token vectors ({@code last_hidden_state} of the ONNX graph).
   *
   * @param store where to read parameter values
   * @param inputs {@code inputIds, attentionMask[, tokenTypeIds]}
   * @param training whether this is a training pass (dropout, gradients)
   * @return float32 {@code [batch, tokens, hidden]}
   */
  NDArray hiddenStates(ParameterStore store, NDList inputs, boolean training) {
    checkInputs(inputs);
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    Device device = ids.getDevice();
    long batch = ids.getShape().get(0);
    int tokens = (int) ids.getShape().get(1);
    int h = config.hidden();
    float eps = config.layerNormEpsilon();

    NDArrayEx ex = ids.getNDArrayInternal();
    NDArray word =
        ex.embedding(
                ids,
                value(store, "embeddings.word_embeddings.weight", device, training),
                SparseFormat.DENSE)
            .singletonOrThrow();
    NDArray positionIds = ids.getManager().arange(0, tokens, 1, DataType.INT64);
    NDArray position =
        ex.embedding(
                positionIds,
                value(store, "embeddings.position_embeddings.weight", device, training),
                SparseFormat.DENSE)
            .singletonOrThrow();
    NDArray typeIds = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
    NDArray type =
        ex.embedding(
                typeIds,
                value(store, "embeddings.token_type_embeddings.weight", device, training),
                SparseFormat.DENSE)
            .singletonOrThrow();
    NDArray x =
        layerNorm(
            word.add(position).add(type), store, "embeddings.LayerNorm", device, training, eps);
    x = dropout(x, training);

    // [batch, 1, 1, tokens]: 0 for real tokens, MASK_VALUE for padding
    NDArray additiveMask =
        mask.toType(DataType.FLOAT32, false).sub(1f).mul(-MASK_VALUE).reshape(batch, 1, 1, tokens);
    int heads = config.heads();
    int headSize = config.headSize();
    float scale = (float) (1.0 / Math.sqrt(headSize));
    for (int i = 0; i < config.layers(); i++) {
      String p = "encoder.layer." + i + ".";
      NDArray q = dense(x, store, p + "attention.self.query", device, training).mul(scale);
      NDArray k = dense(x, store, p + "attention.self.key", device, training);
      NDArray v = dense(x, store, p + "attention.self.value", device, training);
      q = q.reshape(batch, tokens, heads, headSize).transpose(0, 2, 1, 3);
      k = k.reshape(batch, tokens, heads, headSize).transpose(0, 2, 3, 1);
      v = v.reshape(batch, tokens, heads, headSize).transpose(0, 2, 1, 3);
      NDArray probs = dropout(q.matMul(k).add(additiveMask).softmax(-1), training);
      NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, h);
      NDArray attention =
          dropout(dense(context, store, p + "attention.output.dense", device, training), training);
      x =
          layerNorm(
              attention.add(x), store, p + "attention.output.LayerNorm", device, training, eps);
      NDArray inner = dense(x, store, p + "intermediate.dense", device, training);
      inner = inner.getNDArrayInternal().gelu();
      NDArray out = dropout(dense(inner, store, p + "output.dense", device, training), training);
      x = layerNorm(out.add(x), store, p + "output.LayerNorm", device, training, eps);
    }
    return x;
  }

  /**
   * Mean of the token vectors over the mask, then L2 normalisation (sentence-transformers' {@code
   * Pooling(mean)} and {@code Normalize}).
   *
   * @param hidden {@code [batch, tokens, hidden]}
   * @param mask {@code [batch, tokens]}, 1 for real tokens
   * @return {@code [batch, hidden]}
   */
  static NDArray meanPoolAndNormalize(NDArray hidden, NDArray mask) {
    NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
    NDArray sum = hidden.mul(m).sum(new int[] {1});
    NDArray count = m.sum(new int[] {1}).maximum(1e-9f);
    NDArray mean = sum.div(count);
    NDArray norm = mean.norm(new int[] {1}, true).maximum(1e-12f);
    return mean.div(norm);
  }

  private void checkInputs(NDList inputs) {
    if (inputs.size() < 2 || inputs.size() > 3) {
      throw new InferenceException(
          "expected NDList(inputIds, attentionMask[, tokenTypeIds]), got "
              + inputs.size()
              + " arrays");
    }
    Shape shape = inputs.get(0).getShape();
    for (int i = 0; i < inputs.size(); i++) {
      NDArray a = inputs.get(i);
      if (!a.getShape().equals(shape) || shape.dimension() != 2) {
        throw new InferenceException(
            "input "
                + i
                + " has shape "
                + a.getShape()
                + "; all inputs must be [batch, tokens] like "
                + shape);
      }
      if (a.getDataType() != DataType.INT64) {
        throw new InferenceException(
            "input " + i + " has type " + a.getDataType() + ", expected int64");
      }
    }
    if (shape.get(1) > config.maxPositions() || shape.get(1) < 1) {
      throw new InferenceException(
          "inputs have "
              + shape.get(1)
              + " tokens; this encoder takes 1 to "
              + config.maxPositions());
    }
  }

  private NDArray value(ParameterStore store, String name, Device device, boolean training) {
    return store.getValue(byName.get(name), device, training);
  }

  private NDArray dense(
      NDArray x, ParameterStore store, String prefix, Device device, boolean training) {
    return x.getNDArrayInternal()
        .linear(
            x,
            value(store, prefix + ".weight", device, training),
            value(store, prefix + ".bias", device, training))
        .singletonOrThrow();
  }

  private NDArray layerNorm(
      NDArray x, ParameterStore store, String prefix, Device device, boolean training, float eps) {
    return x.getNDArrayInternal()
        .layerNorm(
            x,
            new Shape(config.hidden()),
            value(store, prefix + ".weight", device, training),
            value(store, prefix + ".bias", device, training),
            eps)
        .singletonOrThrow();
  }

  private NDArray dropout(NDArray x, boolean training) {
    if (!training || dropout == 0f) {
      return x;
    }
    return x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow();
  }
}
