package dev.qsim.onnx;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SentenceEncoder}'s DJL predictors and worker threads. A predictor is not thread-safe, so
 * each thread borrows one and gives it back; the {@code workers - 1} daemon threads ({@code
 * qsim-encoder-<pool>-<n>}) start on first use.
 *
 * <p>Thread-safe. {@link #close()} frees the predictors but not the model they run.
 */
final class PredictorPool {
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final Model model;
  private final EncoderTranslator translator;
  private final int workers;
  private final ConcurrentLinkedDeque<Predictor<TokenBatch, float[][]>> idle =
      new ConcurrentLinkedDeque<>();
  private final List<Predictor<TokenBatch, float[][]>> all = new ArrayList<>();
  private ExecutorService executor;

  PredictorPool(Model model, EncoderTranslator translator, int workers) {
    this.model = model;
    this.translator = translator;
    this.workers = workers;
  }

  /** The threads an encoder call may run on, the calling thread included. */
  int workers() {
    return workers;
  }

  synchronized ExecutorService executor() {
    if (executor == null) {
      int id = POOL_IDS.incrementAndGet();
      AtomicInteger threadIds = new AtomicInteger();
      executor =
          Executors.newFixedThreadPool(
              Math.max(1, workers - 1),
              r -> {
                Thread t = new Thread(r, "qsim-encoder-" + id + "-" + threadIds.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return executor;
  }

  Predictor<TokenBatch, float[][]> borrow() {
    Predictor<TokenBatch, float[][]> p = idle.poll();
    if (p != null) {
      return p;
    }
    p = model.newPredictor(translator);
    synchronized (all) {
      all.add(p);
    }
    return p;
  }

  void giveBack(Predictor<TokenBatch, float[][]> predictor) {
    idle.push(predictor);
  }

  /** Stops the worker threads and closes every predictor. */
  void close() {
    synchronized (this) {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
    synchronized (all) {
      all.forEach(Predictor::close);
      all.clear();
    }
    idle.clear();
  }
}
