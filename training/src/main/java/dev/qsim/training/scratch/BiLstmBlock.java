package dev.qsim.training.scratch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A bidirectional LSTM over the token embeddings, pooled over the real tokens.
 *
 * <p>DJL's bidirectional LSTM fails on the PyTorch engine, so the two directions are two
 * unidirectional LSTMs: one reads the tokens in order, the other reads each row's real tokens
 * reversed (the padding stays at the end, so it never reaches a real token's state). The reversed
 * states are not put back in order: max and mean pooling over a row's real tokens do not depend on
 * the order, and pooling the concatenation is the concatenation of the poolings. The ONNX export is
 * one {@code LSTM} node with {@code direction="bidirectional"} and {@code sequence_lens}.
 *
 * <p>Not thread-safe.
 */
final class BiLstmBlock extends ScratchBlock {

  /** The value masked positions take before max pooling. */
  static final float MASKED = -1e9f;

  /** ONNX orders the gate blocks i, o, f, c; PyTorch orders them i, f, g(=c), o. */
  private static final int[] ONNX_GATE_FROM_PYTORCH = {0, 3, 1, 2};

  private final int hiddenSize;
  private final BiLstmEncoder.Pooling pooling;
  private final LSTM forwardLstm;
  private final LSTM backwardLstm;

  BiLstmBlock(
      int vocabularySize,
      int embeddingSize,
      int hiddenSize,
      int dimension,
      BiLstmEncoder.Pooling pooling,
      float dropout) {
    super(vocabularySize, embeddingSize, dimension, dropout);
    this.hiddenSize = hiddenSize;
    this.pooling = pooling;
    this.forwardLstm = addChildBlock("forward_lstm", lstm(hiddenSize));
    this.backwardLstm = addChildBlock("backward_lstm", lstm(hiddenSize));
    addProjection();
  }

  private static LSTM lstm(int hiddenSize) {
    return LSTM.builder()
        .setStateSize(hiddenSize)
        .setNumLayers(1)
        .optBatchFirst(true)
        .optReturnState(false)
        .build();
  }

  @Override
  int pooledSize() {
    return 2 * hiddenSize;
  }

  @Override
  NDArray pool(ParameterStore store, NDArray ids, NDArray mask, NDArray table, boolean training) {
    NDManager manager = ids.getManager();
    long tokens = ids.getShape().get(1);
    NDArray lengths = mask.sum(new int[] {1}, true);
    NDArray positions = manager.arange(0L, tokens, 1L, DataType.INT64).reshape(1, tokens);
    NDArray reversedIndex =
        NDArrays.where(positions.lt(lengths), lengths.sub(1).sub(positions), positions);
    NDArray reversedIds = ids.gather(reversedIndex, 1);

    NDArray forwardStates =
        forwardLstm.forward(store, new NDList(embed(ids, table, training)), training).head();
    NDArray backwardStates =
        backwardLstm
            .forward(store, new NDList(embed(reversedIds, table, training)), training)
            .head();
    NDArray states = forwardStates.concat(backwardStates, 2);
    NDArray mask3 = mask3(mask);
    if (pooling == BiLstmEncoder.Pooling.MAX) {
      // Real tokens keep their value exactly (+0); padding drops to about MASKED.
      return states.add(mask3.sub(1f).mul(-MASKED)).max(new int[] {1});
    }
    return states.mul(mask3).sum(new int[] {1}).div(lengths.toType(DataType.FLOAT32, false));
  }

  @Override
  void initializePooling(NDManager manager, DataType dataType, long batch, long tokens) {
    Shape embedded = new Shape(batch, tokens, embeddingSize);
    forwardLstm.initialize(manager, dataType, embedded);
    backwardLstm.initialize(manager, dataType, embedded);
  }

  @Override
  Initializer poolingInitializer(String key, long seed) {
    // PyTorch's LSTM default: every weight and bias uniform in +-1/sqrt(hidden).
    return new SeededInitializer(
        SeededInitializer.Scheme.UNIFORM, 1.0 / Math.sqrt(hiddenSize), seed, key);
  }

  @Override
  String describePooling() {
    return "bidirectional LSTM "
        + hiddenSize
        + "+"
        + hiddenSize
        + ", masked "
        + pooling.name().toLowerCase(java.util.Locale.ROOT)
        + " pooling";
  }

  @Override
  ONNXRef<?> exportPooling(OnnxGraph graph, ONNXRef<?> table) {
    ONNXRef<?> ids = graph.inputIds();
    ONNXRef<?> mask = graph.attentionMask();
    ONNXNode tokens = graph.op(ONNXOperators.GATHER, List.of(table, ids), "tokens", axis(0));
    ONNXNode timeMajor = graph.op(OnnxOp.TRANSPOSE, List.of(tokens), "time_major", perm(1, 0, 2));
    ONNXNode lengths =
        graph.op(
            ONNXOperators.REDUCE_SUM,
            List.of(mask, graph.longs("length_axes", 1)),
            "lengths",
            Map.of("keepdims", 0));
    ONNXNode lengths32 = graph.cast(lengths, TensorProto.DataType.INT32, "lengths32");

    int gates = 4 * hiddenSize;
    float[] w = new float[2 * gates * embeddingSize];
    float[] r = new float[2 * gates * hiddenSize];
    float[] b = new float[2 * 2 * gates];
    LSTM[] directions = {forwardLstm, backwardLstm};
    for (int d = 0; d < 2; d++) {
      var params = directions[d].getParameters();
      reorderGates(params.get("l_0_i2h_WEIGHT").getArray(), w, d * gates * embeddingSize);
      reorderGates(params.get("l_0_h2h_WEIGHT").getArray(), r, d * gates * hiddenSize);
      reorderGates(params.get("l_0_i2h_BIAS").getArray(), b, d * 2 * gates);
      reorderGates(params.get("l_0_h2h_BIAS").getArray(), b, d * 2 * gates + gates);
    }
    ONNXNode sequence =
        graph.op(
            OnnxOp.LSTM,
            List.of(
                timeMajor,
                graph.floats("lstm_w", w, 2, gates, embeddingSize),
                graph.floats("lstm_r", r, 2, gates, hiddenSize),
                graph.floats("lstm_b", b, 2, 2 * gates),
                lengths32),
            "lstm_states",
            Map.of("hidden_size", hiddenSize, "direction", "bidirectional"));
    // [tokens, 2, batch, hidden] -> [batch, tokens, 2, hidden] -> [batch, tokens, 2 * hidden]
    ONNXNode batchMajor =
        graph.op(OnnxOp.TRANSPOSE, List.of(sequence), "batch_major", perm(2, 0, 1, 3));
    ONNXNode states =
        graph.op(
            OnnxOp.RESHAPE, List.of(batchMajor, graph.longs("states_shape", 0, 0, -1)), "states");
    if (pooling == BiLstmEncoder.Pooling.MAX) {
      ONNXNode real = graph.cast(mask, TensorProto.DataType.BOOL, "real");
      ONNXNode real3 =
          graph.op(ONNXOperators.UNSQUEEZE, List.of(real, graph.longs("real_axes", 2)), "real3");
      ONNXNode masked =
          graph.op(
              ONNXOperators.WHERE,
              List.of(real3, states, graph.scalar("masked_value", MASKED)),
              "masked_states");
      return graph.op(
          OnnxOp.REDUCE_MAX,
          List.of(masked),
          "pooled",
          Map.of("axes", new int[] {1}, "keepdims", 0));
    }
    ONNXNode maskF = graph.cast(mask, TensorProto.DataType.FLOAT, "mask_float");
    ONNXNode mask3 =
        graph.op(ONNXOperators.UNSQUEEZE, List.of(maskF, graph.longs("mask_axes", 2)), "mask3");
    ONNXNode summed =
        graph.op(
            ONNXOperators.REDUCE_SUM,
            List.of(
                graph.op(ONNXOperators.MUL, List.of(states, mask3), "masked_states"),
                graph.longs("sum_axes", 1)),
            "summed",
            Map.of("keepdims", 0));
    ONNXNode count =
        graph.op(
            ONNXOperators.UNSQUEEZE,
            List.of(
                graph.cast(lengths, TensorProto.DataType.FLOAT, "lengths_float"),
                graph.longs("count_axes", 1)),
            "count");
    return graph.op(ONNXOperators.DIV, List.of(summed, count), "pooled");
  }

  /**
   * Copies a PyTorch-ordered [4H, ...] array into {@code target} at {@code offset} in ONNX order.
   */
  private void reorderGates(NDArray pytorchOrdered, float[] target, int offset) {
    float[] source = pytorchOrdered.toFloatArray();
    int block = source.length / 4;
    for (int gate = 0; gate < 4; gate++) {
      System.arraycopy(
          source, ONNX_GATE_FROM_PYTORCH[gate] * block, target, offset + gate * block, block);
    }
  }

  static Map<String, Object> axis(int axis) {
    return Map.of("axis", axis);
  }

  static Map<String, Object> perm(int... perm) {
    return Map.of("perm", perm);
  }
}
