package dev.qsim.training.scratch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * The part every scratch encoder shares: a token embedding table, a pooling network supplied by the
 * subclass, a linear projection and L2 normalisation.
 *
 * <p>Forward takes {@code NDList(inputIds, attentionMask)}, both {@code [batch, tokens]} with the
 * padding on the right (a row's mask is ones followed by zeros, at least one token per row), and
 * returns {@code NDList(embeddings)}, float32 {@code [batch, dimension]} with unit rows. Padding
 * never changes a row's embedding: a question encodes the same alone or in a padded batch.
 *
 * <p>Not thread-safe.
 */
abstract class ScratchBlock extends AbstractBlock {

  /** The smallest norm divided by in {@link #normalise}, so that a zero vector stays finite. */
  static final float NORM_FLOOR = 1e-12f;

  private static final byte VERSION = 1;

  final int vocabularySize;
  final int embeddingSize;
  final int dimension;
  final float dropout;
  private final Parameter embedding;
  private Linear projection;

  ScratchBlock(int vocabularySize, int embeddingSize, int dimension, float dropout) {
    super(VERSION);
    this.vocabularySize = vocabularySize;
    this.embeddingSize = embeddingSize;
    this.dimension = dimension;
    this.dropout = dropout;
    this.embedding =
        addParameter(
            Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, embeddingSize))
                .build());
  }

  /** Adds the projection; subclasses call this last in their constructor. */
  final void addProjection() {
    projection = addChildBlock("projection", Linear.builder().setUnits(dimension).build());
  }

  /** The width of the pooled vector fed to the projection. */
  abstract int pooledSize();

  /**
   * Pools a batch into {@code [batch, pooledSize()]}.
   *
   * @param ids int64 token ids {@code [batch, tokens]}
   * @param mask int64 attention mask {@code [batch, tokens]}
   * @param table the embedding table for this forward pass
   */
  abstract NDArray pool(
      ParameterStore store, NDArray ids, NDArray mask, NDArray table, boolean training);

  /** Initialises the pooling network's child blocks for token batches of this shape. */
  abstract void initializePooling(NDManager manager, DataType dataType, long batch, long tokens);

  /** The initializer of the parameter with this (fully qualified) key, or null for the default. */
  abstract Initializer poolingInitializer(String key, long seed);

  /** Builds the pooling part of the ONNX graph; returns the {@code [batch, pooledSize()]} node. */
  abstract ONNXRef<?> exportPooling(OnnxGraph graph, ONNXRef<?> table);

  /** A short description of the pooling network, recorded in the model's doc string. */
  abstract String describePooling();

  /** Sets a seeded initializer on every parameter. */
  final void seed(long seed) {
    for (var entry : getParameters()) {
      String key = entry.getKey();
      Initializer initializer;
      if (entry.getValue() == embedding) {
        initializer = new SeededInitializer(SeededInitializer.Scheme.NORMAL, 1.0, seed, key);
      } else if (key.contains("projection")) {
        initializer =
            key.endsWith("bias")
                ? new SeededInitializer(SeededInitializer.Scheme.ZEROS, 0, seed, key)
                : new SeededInitializer(SeededInitializer.Scheme.XAVIER_UNIFORM, 0, seed, key);
      } else {
        initializer = poolingInitializer(key, seed);
      }
      entry.getValue().setInitializer(initializer);
    }
  }

  /**
   * Looks the batch's tokens up, with dropout while training: {@code [batch, tokens, embedding]}.
   */
  final NDArray embed(NDArray ids, NDArray table, boolean training) {
    NDArray tokens = Embedding.embedding(ids, table, SparseFormat.DENSE).head();
    if (training && dropout > 0) {
      tokens = Dropout.dropout(tokens, dropout, true).head();
    }
    return tokens;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "A scratch encoder takes NDList(inputIds, attentionMask), got "
              + inputs.size()
              + " arrays");
    }
    NDArray ids = inputs.get(0).toType(DataType.INT64, false);
    NDArray mask = inputs.get(1).toType(DataType.INT64, false);
    Shape shape = ids.getShape();
    if (shape.dimension() != 2 || !shape.equals(mask.getShape())) {
      throw new IllegalArgumentException(
          "inputIds and attentionMask must both be [batch, tokens], got "
              + shape
              + " and "
              + mask.getShape());
    }
    NDArray table = store.getValue(embedding, ids.getDevice(), training);
    NDArray pooled = pool(store, ids, mask, table, training);
    if (training && dropout > 0) {
      pooled = Dropout.dropout(pooled, dropout, true).head();
    }
    NDArray projected = projection.forward(store, new NDList(pooled), training).head();
    return new NDList(normalise(projected));
  }

  /** {@code y / max(||y||, NORM_FLOOR)} per row. */
  static NDArray normalise(NDArray rows) {
    NDArray norm = rows.square().sum(new int[] {1}, true).sqrt().maximum(NORM_FLOOR);
    return rows.div(norm);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), dimension)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long batch = inputShapes[0].get(0);
    long tokens = inputShapes[0].get(1);
    initializePooling(manager, dataType, batch, tokens);
    projection.initialize(manager, dataType, new Shape(batch, pooledSize()));
  }

  /** The whole encoder as an ONNX model with inputs {@code input_ids}, {@code attention_mask}. */
  final OnnxMl.ModelProto toOnnx(String name) {
    OnnxGraph graph = new OnnxGraph(name);
    ONNXInitializer table = graph.floats("embedding", embedding.getArray());
    ONNXRef<?> pooled = exportPooling(graph, table);
    var weights = projection.getParameters();
    ONNXNode projected =
        graph.op(
            ONNXOperators.GEMM,
            List.of(
                pooled,
                graph.floats("projection_weight", weights.get("weight").getArray()),
                graph.floats("projection_bias", weights.get("bias").getArray())),
            "projected",
            Map.of("transB", 1));
    String doc =
        name
            + ": token embedding "
            + vocabularySize
            + "x"
            + embeddingSize
            + ", "
            + describePooling()
            + ", projection to "
            + dimension
            + ", L2-normalised";
    return graph.build(graph.l2Normalise(projected), dimension, doc);
  }

  /** {@code [batch, tokens]} int64 mask as float {@code [batch, tokens, 1]}. */
  static NDArray mask3(NDArray mask) {
    return mask.toType(DataType.FLOAT32, false).expandDims(2);
  }
}
