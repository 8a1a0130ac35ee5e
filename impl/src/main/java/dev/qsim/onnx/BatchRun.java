package dev.qsim.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.qsim.InferenceException;
import dev.qsim.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link SentenceEncoder#encode} call's batches, taken longest first by whichever thread is
 * free: the calling thread and up to {@code workers - 1} pool threads, each with its own predictor.
 *
 * <p>Thread-safe: the threads of one call share it; each call makes its own.
 */
final class BatchRun {
  private final PredictorPool predictors;
  private final Encoding[] encodings;
  private final Integer[] order;
  private final float[][] result;
  private final int perBatch;
  private final int batches;
  private final ProgressListener progress;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger finishedRows = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private BatchRun(
      PredictorPool predictors, Encoding[] encodings, int batchSize, ProgressListener progress) {
    int n = encodings.length;
    this.predictors = predictors;
    this.encodings = encodings;
    this.progress = progress;
    this.result = new float[n][];
    this.order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.comparingInt((Integer i) -> encodings[i].getIds().length).reversed());
    // A small call (a similarity pair, a handful of questions) is split so that every worker has
    // a batch: two questions on two cores run side by side instead of one after the other.
    int workers = predictors.workers();
    this.perBatch = Math.max(1, Math.min(batchSize, (n + workers - 1) / workers));
    this.batches = (n + perBatch - 1) / perBatch;
  }

  /**
   * The vectors of tokenised texts, in input order: orders them by token count, runs batches of
   * similar length of at most {@code batchSize} texts side by side on the pool's workers.
   */
  static float[][] run(
      Encoding[] encodings, PredictorPool predictors, int batchSize, ProgressListener progress) {
    int n = encodings.length;
    if (n == 0) {
      return new float[0][];
    }
    BatchRun run = new BatchRun(predictors, encodings, batchSize, progress);
    int helpers = Math.min(predictors.workers(), run.batches) - 1;
    List<Future<?>> futures = new ArrayList<>(Math.max(0, helpers));
    for (int h = 0; h < helpers; h++) {
      futures.add(predictors.executor().submit(run::work));
    }
    run.work();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InferenceException("Interrupted while embedding " + n + " questions", e);
      } catch (ExecutionException e) {
        run.fail(e.getCause());
      }
    }
    run.rethrow();
    return run.result;
  }

  private void work() {
    Predictor<TokenBatch, float[][]> predictor = predictors.borrow();
    try {
      for (int b = next.getAndIncrement();
          b < batches && failure.get() == null;
          b = next.getAndIncrement()) {
        int start = b * perBatch;
        int end = Math.min(order.length, start + perBatch);
        TokenBatch batch = TokenBatch.of(encodings, order, start, end);
        float[][] vectors;
        try {
          vectors = predictor.predict(batch);
        } catch (TranslateException | RuntimeException e) {
          fail(
              new InferenceException(
                  "Encoder failed on a batch of "
                      + (end - start)
                      + " questions (first input index "
                      + order[start]
                      + "): "
                      + SentenceEncoder.rootMessage(e),
                  e));
          return;
        }
        for (int r = 0; r < vectors.length; r++) {
          result[order[start + r]] = vectors[r];
        }
        int done = finishedRows.addAndGet(end - start);
        synchronized (this) {
          progress.update("embedding", done, order.length);
        }
      }
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      predictors.giveBack(predictor);
    }
  }

  private void fail(Throwable t) {
    failure.compareAndSet(null, t);
  }

  private void rethrow() {
    Throwable t = failure.get();
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new InferenceException("Embedding failed: " + t, t);
    }
  }
}
