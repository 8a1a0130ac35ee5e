package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest useful siamese encoder: a trainable token embedding table, averaged over the
 * attention mask and L2-normalised (a "bag of word pieces"). It trains in seconds, which makes it
 * the encoder of the trainer's own tests and a quick baseline ({@code --encoder bag}). Exported as
 * a single ONNX {@code Gather} that outputs token vectors; {@code qsim-impl} then mean-pools and
 * normalises them ({@code pooling: mean}, {@code normalize: true}), which is exactly the
 * training-time computation.
 *
 * <p>Not thread-safe.
 */
public final class EmbeddingBagEncoder implements TrainableEncoder {
  private final int vocabularySize;
  private final int dimension;
  private final Bag block;

  /**
   * Creates an encoder (its parameters are initialised by the trainer).
   *
   * @param vocabularySize token ids are in {@code [0, vocabularySize)}
   * @param dimension embedding size
   */
  public EmbeddingBagEncoder(int vocabularySize, int dimension) {
    if (vocabularySize < 2 || dimension < 1) {
      throw new IllegalArgumentException(
          "vocabularySize must be >= 2 and dimension >= 1: " + vocabularySize + ", " + dimension);
    }
    this.vocabularySize = vocabularySize;
    this.dimension = dimension;
    this.block = new Bag(vocabularySize, dimension);
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public boolean normalize() {
    return true;
  }

  @Override
  public String exportedPooling() {
    return "mean";
  }

  @Override
  public void exportOnnx(Path onnxFile) {
    NDArray table = block.embedding.getArray();
    float[] values = table.toFloatArray();
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    OnnxMl.TensorProto weights =
        OnnxMl.TensorProto.newBuilder()
            .setName("embedding")
            .addDims(vocabularySize)
            .addDims(dimension)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(raw.array()))
            .build();
    OnnxMl.NodeProto gather =
        OnnxMl.NodeProto.newBuilder()
            .setName("gather_tokens")
            .setOpType("Gather")
            .addInput("embedding")
            .addInput("input_ids")
            .addOutput("token_embeddings")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(0))
            .build();
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("qsim-embedding-bag")
            .addInitializer(weights)
            .addNode(gather)
            .addInput(valueInfo("input_ids", OnnxMl.TensorProto.DataType.INT64, "batch", "tokens"))
            .addOutput(
                valueInfo(
                    "token_embeddings",
                    OnnxMl.TensorProto.DataType.FLOAT,
                    "batch",
                    "tokens",
                    Integer.toString(dimension)))
            .build();
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("qsim-training")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
    try (OutputStream out = Files.newOutputStream(onnxFile)) {
      model.writeTo(out);
    } catch (IOException e) {
      throw new TrainingException("Cannot write the ONNX encoder " + onnxFile, e);
    }
  }

  private static OnnxMl.ValueInfoProto valueInfo(
      String name, OnnxMl.TensorProto.DataType type, String... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (String dim : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (Character.isDigit(dim.charAt(0))) {
        d.setDimValue(Long.parseLong(dim));
      } else {
        d.setDimParam(dim);
      }
      shape.addDim(d);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber())
                        .setShape(shape)))
        .build();
  }

  @Override
  public void close() {
    // Parameters belong to the manager the trainer initialised them with.
  }

  /** Embedding lookup, masked mean, L2 normalisation. */
  private static final class Bag extends AbstractBlock {
    private final Parameter embedding;
    private final int dimension;

    Bag(int vocabularySize, int dimension) {
      super((byte) 1);
      this.dimension = dimension;
      this.embedding =
          addParameter(
              Parameter.builder()
                  .setName("embedding")
                  .setType(Parameter.Type.WEIGHT)
                  .optShape(new Shape(vocabularySize, dimension))
                  .optInitializer(new NormalInitializer(0.1f))
                  .build());
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray ids = inputs.get(0);
      NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
      NDArray table = store.getValue(embedding, ids.getDevice(), training);
      NDArray tokens = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
      NDArray summed = tokens.mul(mask).sum(new int[] {1});
      NDArray pooled = summed.div(mask.sum(new int[] {1}).maximum(1f));
      return new NDList(Losses.l2Normalize(pooled));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), dimension)};
    }
  }
}
