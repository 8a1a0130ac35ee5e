package dev.qsim.onnx;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.InferenceException;
import dev.qsim.ProgressListener;
import dev.qsim.onnx.internal.GemmGraph;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one duplicate search and the matrix product they share: a fixed pool of named
 * daemon threads ({@code qsim-search-N}) and one ONNX Runtime session of {@link GemmGraph} run
 * single-threaded by each worker, so that the candidate search, the verification and the Java code
 * around each product (scanning scores, building features) all run in parallel on the same threads.
 *
 * <p>Thread-safe: {@link #multiply} may be called from any thread. {@link #close()} is idempotent.
 */
final class GemmWorkers implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ExecutorService pool;
  private final int threads;
  private boolean closed;

  GemmWorkers(int threads) {
    this.threads = Math.max(1, threads);
    // DJL's engine creates the process-wide ONNX Runtime environment with its own options: let it
    // go first.
    Engine.getEngine(SentenceEncoder.ENGINE);
    this.env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      this.session = env.createSession(GemmGraph.bytes(), options);
    } catch (OrtException e) {
      throw new InferenceException(
          "Cannot create the duplicate search's ONNX Runtime session: " + e.getMessage(), e);
    }
    int id = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            this.threads,
            r -> {
              Thread t = new Thread(r, "qsim-search-" + id + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  int threads() {
    return threads;
  }

  /**
   * {@code out[r * w + c] = a[r] · b[c]} for {@code a} of {@code m} rows and {@code b} of {@code w}
   * rows of dimension {@code d} (direct buffers are used without a copy).
   */
  void multiply(FloatBuffer a, int m, FloatBuffer b, int w, int d, float[] out) {
    try (OnnxTensor ta = OnnxTensor.createTensor(env, a, new long[] {m, d});
        OnnxTensor tb = OnnxTensor.createTensor(env, b, new long[] {w, d});
        OrtSession.Result result = session.run(java.util.Map.of("A", ta, "B", tb))) {
      ((OnnxTensor) result.get(0)).getFloatBuffer().get(out, 0, m * w);
    } catch (OrtException e) {
      throw new InferenceException(
          "Matrix product [" + m + "x" + d + "]·[" + w + "x" + d + "]ᵀ failed: " + e.getMessage(),
          e);
    }
  }

  /** A unit of work whose size (in any unit) feeds the progress report. */
  interface Task {
    void run();
  }

  /**
   * Runs the tasks on the workers and waits for all; progress is reported from the calling thread
   * as {@code stage} with the summed {@code weights} of finished tasks (in submission order).
   */
  void runAll(List<Task> tasks, long[] weights, String stage, ProgressListener progress) {
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    progress.update(stage, 0, total);
    List<Future<?>> futures = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      futures.add(pool.submit(task::run));
    }
    long done = 0;
    RuntimeException failure = null;
    for (int t = 0; t < futures.size(); t++) {
      try {
        futures.get(t).get();
        done += weights[t];
        progress.update(stage, done, total);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new InferenceException("Interrupted while " + stage, e);
      } catch (ExecutionException e) {
        if (failure == null) {
          Throwable cause = e.getCause();
          failure =
              cause instanceof RuntimeException
                  ? (RuntimeException) cause
                  : new InferenceException(stage + " failed: " + cause, cause);
          futures.forEach(f -> f.cancel(true));
        }
      } catch (java.util.concurrent.CancellationException e) {
        // cancelled after an earlier failure
      }
    }
    if (failure != null) {
      throw failure;
    }
    progress.update(stage, total, total);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.shutdownNow();
    try {
      session.close();
    } catch (OrtException e) {
      throw new InferenceException("Cannot close the duplicate search's session", e);
    }
  }
}
