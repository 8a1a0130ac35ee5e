package dev.qsim.training.minilm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A cross-encoder over a {@link MiniLmBlock}: the transformer reads one pair sequence ({@code [CLS]
 * q1 [SEP] q2 [SEP]}, token types 0 then 1), its token vectors are mean-pooled over the attention
 * mask (not normalised), dropout is applied while training, and a linear layer gives one logit per
 * pair: {@code logit = w · mean + b}. {@link CrossMiniLmEncoder#verifierGraph} writes exactly this
 * computation into the exported ONNX graph.
 *
 * <p>Inputs: {@code NDList(inputIds, attentionMask, tokenTypeIds)}, int64 {@code [batch, tokens]}.
 * Output: {@code NDList(logits)}, float32 {@code [batch]}.
 *
 * <p>Not thread-safe for training; inference forwards with a shared parameter store may run
 * concurrently.
 */
final class CrossBlock extends AbstractBlock {
  static final String WEIGHT = dev.qsim.quantize.VerifierGraph.WEIGHT;
  static final String BIAS = dev.qsim.quantize.VerifierGraph.BIAS;

  private final MiniLmBlock encoder;
  private final Parameter weight;
  private final Parameter bias;
  private final float dropout;

  /**
   * @param encoder the transformer, its parameters already filled
   * @param weight the classifier's weight, float32 {@code [1, hidden]}
   * @param bias the classifier's bias, float32 {@code [1]}
   * @param dropout the dropout rate on the pooled vector in training passes
   */
  CrossBlock(MiniLmBlock encoder, NDArray weight, NDArray bias, float dropout) {
    super((byte) 1);
    this.encoder = addChildBlock("encoder", encoder);
    this.weight =
        addParameter(
            Parameter.builder()
                .setName(WEIGHT)
                .setType(Parameter.Type.WEIGHT)
                .optShape(weight.getShape())
                .optArray(weight)
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName(BIAS)
                .setType(Parameter.Type.BIAS)
                .optShape(bias.getShape())
                .optArray(bias)
                .build());
    this.dropout = dropout;
  }

  Parameter weight() {
    return weight;
  }

  Parameter bias() {
    return bias;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 3) {
      throw new IllegalArgumentException(
          "a cross-encoder reads NDList(inputIds, attentionMask, tokenTypeIds), got "
              + inputs.size()
              + " arrays");
    }
    NDArray hidden = encoder.hiddenStates(store, inputs, training);
    NDArray m = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
    NDArray pooled = hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f));
    if (training && dropout > 0f) {
      pooled = pooled.getNDArrayInternal().dropout(pooled, dropout, true).singletonOrThrow();
    }
    NDArray w = store.getValue(weight, pooled.getDevice(), training);
    NDArray b = store.getValue(bias, pooled.getDevice(), training);
    NDArray logits = pooled.getNDArrayInternal().linear(pooled, w, b).singletonOrThrow();
    return new NDList(logits.reshape(-1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (!encoder.isInitialized()) {
      encoder.initialize(manager, dataType, inputShapes[0], inputShapes[1]);
    }
  }
}
