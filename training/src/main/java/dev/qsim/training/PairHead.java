package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.qsim.model.PairHeadFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A learned duplicate classifier over two embeddings: an MLP {@code 4 dim -> hidden (ReLU) -> 2
 * (softmax)} over the features {@code [u, v, |u - v|, u * v]} of the L2-normalised embeddings,
 * exported as {@code pair-head.json} (docs/model-format.md). The served score averages {@code p(u,
 * v)} and {@code p(v, u)}.
 *
 * <p>Not thread-safe: one training loop owns it. Its parameters live in the manager it was
 * initialised with.
 */
public final class PairHead {
  private final int dimension;
  private final int hidden;
  private final SequentialBlock block;
  private final Linear first;
  private final Linear second;

  /**
   * Creates an uninitialised head.
   *
   * @param dimension the embedding size
   * @param hidden hidden units
   */
  public PairHead(int dimension, int hidden) {
    if (dimension < 1 || hidden < 1) {
      throw new IllegalArgumentException(
          "dimension and hidden must be positive: " + dimension + ", " + hidden);
    }
    this.dimension = dimension;
    this.hidden = hidden;
    this.first = Linear.builder().setUnits(hidden).build();
    this.second = Linear.builder().setUnits(2).build();
    this.block = new SequentialBlock().add(first).add(Activation.reluBlock()).add(second);
  }

  /**
   * Initialises the parameters (seed the engine first for reproducibility).
   *
   * @param manager where the parameters live
   * @return this head
   */
  public PairHead initialize(NDManager manager) {
    if (!block.isInitialized()) {
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 4L * dimension));
    }
    return this;
  }

  /**
   * The DJL block: features [batch, 4 dim] to logits [batch, 2].
   *
   * @return the block
   */
  public Block block() {
    return block;
  }

  /**
   * The embedding size the head expects.
   *
   * @return the dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * The hidden units.
   *
   * @return the hidden size
   */
  public int hidden() {
    return hidden;
  }

  /**
   * Logits for both orders of each pair: rows {@code [0, n)} are {@code (u, v)}, rows {@code [n,
   * 2n)} are {@code (v, u)}. {@code u} and {@code v} are normalised here.
   *
   * @param store the parameter store
   * @param u first embeddings [n, dim]
   * @param v second embeddings [n, dim]
   * @param training whether this is a training pass
   * @return logits [2n, 2]
   */
  NDArray symmetricLogits(ParameterStore store, NDArray u, NDArray v, boolean training) {
    NDArray un = Losses.l2Normalize(u);
    NDArray vn = Losses.l2Normalize(v);
    NDArray features = Losses.pairFeatures(un, vn).concat(Losses.pairFeatures(vn, un), 0);
    return block.forward(store, new NDList(features), training).singletonOrThrow();
  }

  /**
   * Duplicate probabilities, {@code (p(u, v) + p(v, u)) / 2}, as served by {@code qsim-impl}.
   *
   * @param store the parameter store
   * @param u first embeddings [n, dim]
   * @param v second embeddings [n, dim]
   * @return one probability per pair
   */
  float[] probabilities(ParameterStore store, NDArray u, NDArray v) {
    NDArray logits = symmetricLogits(store, u, v, false);
    float[] p = logits.softmax(1).toFloatArray();
    int n = (int) u.getShape().get(0);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (p[i * 2 + 1] + p[(n + i) * 2 + 1]) / 2f;
    }
    return out;
  }

  /**
   * The head's layers as {@code pair-head.json} stores them ({@link PairHeadFile}).
   *
   * @return the layers, first to last
   */
  public List<PairHeadFile.Layer> layers() {
    return List.of(layer(first, "relu"), layer(second, "softmax"));
  }

  /**
   * Writes the head as {@code pair-head.json}, atomically ({@link PairHeadFile#write}).
   *
   * @param file the destination
   */
  public void write(Path file) {
    PairHeadFile.write(file, layers());
  }

  private static PairHeadFile.Layer layer(Linear linear, String activation) {
    NDArray weight = linear.getParameters().get("weight").getArray();
    int out = (int) weight.getShape().get(0);
    int in = (int) weight.getShape().get(1);
    float[] w = weight.toFloatArray();
    float[][] rows = new float[out][];
    for (int o = 0; o < out; o++) {
      rows[o] = Arrays.copyOfRange(w, o * in, (o + 1) * in);
    }
    float[] bias = linear.getParameters().get("bias").getArray().toFloatArray();
    return new PairHeadFile.Layer(rows, bias, activation);
  }
}
