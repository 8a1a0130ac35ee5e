package dev.qsim.training.scratch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * 1-D convolutions of several widths over the token embeddings, each followed by ReLU and max
 * pooling over the windows that touch a real token.
 *
 * <p>Padding embeddings are zeroed and each convolution of width {@code k} pads {@code k - 1} zeros
 * on both sides, so every row is convolved exactly as it would be alone (a question shorter than
 * the widest kernel still has windows); output position {@code j} covers tokens {@code j-k+1..j}
 * and is kept when {@code j < length + k - 1}. Because ReLU output is never negative, multiplying
 * the dropped positions by zero before the max is the same as leaving them out.
 *
 * <p>Not thread-safe.
 */
final class CnnBlock extends ScratchBlock {

  private final int[] kernelWidths;
  private final int filters;
  private final List<Conv1d> convolutions = new ArrayList<>();

  CnnBlock(
      int vocabularySize,
      int embeddingSize,
      int[] kernelWidths,
      int filters,
      int dimension,
      float dropout) {
    super(vocabularySize, embeddingSize, dimension, dropout);
    this.kernelWidths = kernelWidths.clone();
    this.filters = filters;
    for (int width : this.kernelWidths) {
      convolutions.add(
          addChildBlock(
              "conv" + width,
              Conv1d.builder()
                  .setKernelShape(new Shape(width))
                  .setFilters(filters)
                  .optPadding(new Shape(width - 1))
                  .build()));
    }
    addProjection();
  }

  @Override
  int pooledSize() {
    return filters * kernelWidths.length;
  }

  @Override
  NDArray pool(ParameterStore store, NDArray ids, NDArray mask, NDArray table, boolean training) {
    NDManager manager = ids.getManager();
    long tokens = ids.getShape().get(1);
    NDArray lengths = mask.sum(new int[] {1}, true).expandDims(2);
    // [batch, tokens, embedding] with zeroed padding -> [batch, embedding, tokens]
    NDArray channels = embed(ids, table, training).mul(mask3(mask)).transpose(0, 2, 1);
    NDList pooled = new NDList();
    for (int i = 0; i < kernelWidths.length; i++) {
      int width = kernelWidths[i];
      NDArray features =
          Activation.relu(
              convolutions.get(i).forward(store, new NDList(channels), training).head());
      long outputs = tokens + width - 1;
      NDArray positions = manager.arange(0L, outputs, 1L, DataType.INT64).reshape(1, 1, outputs);
      NDArray kept = positions.lt(lengths.add(width - 1)).toType(DataType.FLOAT32, false);
      pooled.add(features.mul(kept).max(new int[] {2}));
    }
    return NDArrays.concat(pooled, 1);
  }

  @Override
  void initializePooling(NDManager manager, DataType dataType, long batch, long tokens) {
    Shape channels = new Shape(batch, embeddingSize, tokens);
    for (Conv1d convolution : convolutions) {
      convolution.initialize(manager, dataType, channels);
    }
  }

  @Override
  Initializer poolingInitializer(String key, long seed) {
    SeededInitializer.Scheme scheme =
        key.endsWith("bias")
            ? SeededInitializer.Scheme.ZEROS
            : SeededInitializer.Scheme.KAIMING_UNIFORM;
    return new SeededInitializer(scheme, 0, seed, key);
  }

  @Override
  String describePooling() {
    return "convolutions of widths "
        + Arrays.toString(kernelWidths)
        + " x "
        + filters
        + " filters, ReLU, masked max pooling";
  }

  @Override
  ONNXRef<?> exportPooling(OnnxGraph graph, ONNXRef<?> table) {
    ONNXRef<?> ids = graph.inputIds();
    ONNXRef<?> mask = graph.attentionMask();
    ONNXNode tokens =
        graph.op(ONNXOperators.GATHER, List.of(table, ids), "tokens", BiLstmBlock.axis(0));
    ONNXNode maskF = graph.cast(mask, TensorProto.DataType.FLOAT, "mask_float");
    ONNXNode mask3 =
        graph.op(ONNXOperators.UNSQUEEZE, List.of(maskF, graph.longs("mask_axes", 2)), "mask3");
    ONNXNode zeroed = graph.op(ONNXOperators.MUL, List.of(tokens, mask3), "zeroed_tokens");
    ONNXNode channels =
        graph.op(OnnxOp.TRANSPOSE, List.of(zeroed), "channels", BiLstmBlock.perm(0, 2, 1));
    ONNXNode lengths =
        graph.op(
            ONNXOperators.REDUCE_SUM,
            List.of(mask, graph.longs("length_axes", 1)),
            "lengths",
            Map.of("keepdims", 1));
    ONNXNode tokenCount =
        graph.op(
            ONNXOperators.GATHER,
            List.of(
                graph.op(OnnxOp.SHAPE, List.of(ids), "ids_shape"), graph.scalar("token_axis", 1L)),
            "token_count",
            BiLstmBlock.axis(0));
    List<ONNXRef<?>> pooled = new ArrayList<>();
    for (int i = 0; i < kernelWidths.length; i++) {
      int width = kernelWidths[i];
      var params = convolutions.get(i).getParameters();
      ONNXNode conv =
          graph.op(
              OnnxOp.CONV,
              List.of(
                  channels,
                  graph.floats("conv" + width + "_weight", params.get("weight").getArray()),
                  graph.floats("conv" + width + "_bias", params.get("bias").getArray())),
              "conv" + width,
              Map.of("kernel_shape", new int[] {width}, "pads", new int[] {width - 1, width - 1}));
      ONNXNode features = graph.op(OnnxOp.RELU, List.of(conv), "relu" + width);
      ONNXRef<?> extra = graph.scalar("extra" + width, (long) (width - 1));
      ONNXNode positions =
          graph.op(
              OnnxOp.RANGE,
              List.of(
                  graph.scalar("zero" + width, 0L),
                  graph.op(ONNXOperators.ADD, List.of(tokenCount, extra), "outputs" + width),
                  graph.scalar("one" + width, 1L)),
              "positions" + width);
      ONNXNode kept =
          graph.op(
              ONNXOperators.LESS,
              List.of(
                  positions, graph.op(ONNXOperators.ADD, List.of(lengths, extra), "limit" + width)),
              "kept" + width);
      ONNXNode kept3 =
          graph.op(
              ONNXOperators.UNSQUEEZE,
              List.of(
                  graph.cast(kept, TensorProto.DataType.FLOAT, "kept_float" + width),
                  graph.longs("kept_axes" + width, 1)),
              "kept3_" + width);
      pooled.add(
          graph.op(
              OnnxOp.REDUCE_MAX,
              List.of(
                  graph.op(ONNXOperators.MUL, List.of(features, kept3), "kept_features" + width)),
              "pooled" + width,
              Map.of("axes", new int[] {2}, "keepdims", 0)));
    }
    return graph.op(ONNXOperators.CONCAT, pooled, "pooled", BiLstmBlock.axis(1));
  }
}
