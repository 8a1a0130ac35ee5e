package dev.qsim.spark;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of this JVM, one per {@link ModelSpec}, built on first use and shared by every task
 * the JVM runs (an executor runs one task per core, all calling the same thread-safe model). They
 * are closed when the JVM exits.
 *
 * <p>Thread-safe: concurrent first calls for one spec load it once, the others wait for it.
 */
final class ExecutorModels {
  private static final Map<ModelSpec, OnnxQuestionSimilarity> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static final AtomicBoolean HOOK = new AtomicBoolean();

  private ExecutorModels() {}

  /** The model of {@code spec} in this JVM, loading it on the first call. */
  static OnnxQuestionSimilarity get(ModelSpec spec) {
    OnnxQuestionSimilarity model = MODELS.get(spec);
    if (model != null) {
      return model;
    }
    return MODELS.computeIfAbsent(spec, ExecutorModels::load);
  }

  private static OnnxQuestionSimilarity load(ModelSpec spec) {
    if (HOOK.compareAndSet(false, true)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ExecutorModels::closeAll, "qsim-spark-close-models"));
    }
    OnnxQuestionSimilarity model = spec.load();
    LOADS.incrementAndGet();
    return model;
  }

  /** How many models this JVM has loaded since it started. */
  static int loads() {
    return LOADS.get();
  }

  private static void closeAll() {
    for (OnnxQuestionSimilarity model : MODELS.values()) {
      model.close();
    }
    MODELS.clear();
  }
}
