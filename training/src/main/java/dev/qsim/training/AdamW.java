package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay on weight matrices only: biases,
 * LayerNorm/BatchNorm gains and shifts, and every 1-D parameter are never decayed (DJL's own AdamW
 * decays them all). Parameters are grouped (the encoder and the pair head), each group with its own
 * learning rate. Global-norm gradient clipping lives here too.
 *
 * <p>Not thread-safe. The moment estimates live in the manager given at construction.
 */
final class AdamW {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-6f;

  private final List<Parameter> params = new ArrayList<>();
  private final List<Integer> groups = new ArrayList<>();
  private final List<Boolean> decays = new ArrayList<>();
  private final List<NDArray> first = new ArrayList<>();
  private final List<NDArray> second = new ArrayList<>();
  private final NDManager stateManager;
  private final float weightDecay;
  private long step;

  AdamW(NDManager stateManager, double weightDecay) {
    this.stateManager = stateManager;
    this.weightDecay = (float) weightDecay;
  }

  /** Adds trainable parameters to a group (0: encoder, 1: head). */
  void add(Iterable<Parameter> parameters, int group) {
    for (Parameter p : parameters) {
      if (!p.requiresGradient()) {
        continue;
      }
      params.add(p);
      groups.add(group);
      decays.add(decays(p));
      NDArray w = p.getArray();
      NDArray m = stateManager.zeros(w.getShape(), w.getDataType());
      NDArray v = stateManager.zeros(w.getShape(), w.getDataType());
      first.add(m);
      second.add(v);
    }
  }

  /** Whether weight decay applies: weight matrices yes; biases, norms and any 1-D parameter no. */
  static boolean decays(Parameter p) {
    String name = p.getName().toLowerCase(Locale.ROOT);
    if (p.getType() == Parameter.Type.BIAS
        || p.getType() == Parameter.Type.GAMMA
        || p.getType() == Parameter.Type.BETA
        || name.contains("bias")
        || name.contains("norm")) {
      return false;
    }
    return p.getArray().getShape().dimension() >= 2;
  }

  List<Parameter> parameters() {
    return params;
  }

  long stepCount() {
    return step;
  }

  /** Makes every moment temporarily belong to {@code scope} so that all temporaries land there. */
  void attachTo(NDManager scope) {
    for (int i = 0; i < params.size(); i++) {
      first.get(i).tempAttach(scope);
      second.get(i).tempAttach(scope);
    }
  }

  /**
   * The gradients of all parameters (views into the engine's gradient buffers, owned by the
   * parameters' current manager; call within a step scope after {@link #attachTo}).
   */
  List<NDArray> gradients() {
    List<NDArray> grads = new ArrayList<>(params.size());
    for (Parameter p : params) {
      grads.add(p.getArray().getGradient());
    }
    return grads;
  }

  /**
   * Rescales {@code grads} in place so that their global L2 norm is at most {@code maxNorm}: {@code
   * g *= maxNorm / (norm + 1e-6)} when {@code norm > maxNorm}.
   *
   * @return the norm before clipping (may be non-finite; then nothing is scaled)
   */
  static double clipGlobalNorm(List<NDArray> grads, double maxNorm) {
    double sumSquares = 0;
    for (NDArray g : grads) {
      sumSquares +=
          g.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
    double norm = Math.sqrt(sumSquares);
    if (Double.isFinite(norm) && maxNorm > 0 && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : grads) {
        g.muli(scale);
      }
    }
    return norm;
  }

  /**
   * One update with the given gradients (from {@link #gradients()}) and a learning rate per group.
   */
  void update(List<NDArray> grads, double[] groupRates) {
    step++;
    float bias1 = (float) (1 - Math.pow(BETA1, step));
    float bias2 = (float) (1 - Math.pow(BETA2, step));
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      NDArray g = grads.get(i);
      NDArray m = first.get(i);
      NDArray v = second.get(i);
      float lr = (float) groupRates[groups.get(i)];
      m.muli(BETA1).addi(g.mul(1 - BETA1));
      v.muli(BETA2).addi(g.square().muli(1 - BETA2));
      if (decays.get(i) && weightDecay > 0) {
        w.subi(w.mul(lr * weightDecay));
      }
      NDArray denominator = v.div(bias2).sqrt().addi(EPSILON);
      w.subi(m.div(denominator).muli(lr / bias1));
    }
  }

  /** Zeroes the accumulated gradients. */
  static void zero(List<NDArray> grads) {
    for (NDArray g : grads) {
      g.subi(g);
    }
  }

  /**
   * Sets every gradient to zero even where it holds NaN or infinity ({@link #zero} computes {@code
   * g - g}, which stays NaN there), so that a skipped step leaves nothing behind for the next one.
   */
  static void clear(List<NDArray> grads) {
    for (NDArray g : grads) {
      g.set(new NDIndex("..."), 0f);
    }
  }

  /** The optimiser state for a checkpoint: step count and moments. */
  NDList state(NDManager scope) {
    NDList list = new NDList();
    list.add(scope.create(new long[] {step}));
    for (int i = 0; i < params.size(); i++) {
      list.add(first.get(i));
      list.add(second.get(i));
    }
    return list;
  }

  /** Restores {@link #state}; sizes must match. */
  void restore(NDList state) {
    if (state.size() != 1 + 2 * params.size()) {
      throw new TrainingException(
          "Checkpoint optimizer state holds "
              + (state.size() - 1) / 2
              + " parameters, the model has "
              + params.size());
    }
    step = state.get(0).toLongArray()[0];
    for (int i = 0; i < params.size(); i++) {
      NDArray m = first.get(i);
      NDArray v = second.get(i);
      m.set(state.get(1 + 2 * i).toFloatArray());
      v.set(state.get(2 + 2 * i).toFloatArray());
    }
  }
}
