package dev.qsim;

/**
 * Receives progress of a long operation, such as embedding a large list or searching it for
 * duplicates. Called from the thread doing the work; keep it cheap.
 *
 * <p>Implementations used across threads must be thread-safe themselves; qsim calls a listener from
 * one thread at a time per operation.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every update. */
  ProgressListener NONE = (stage, done, total) -> {};

  /**
   * Reports progress.
   *
   * @param stage what is being done, e.g. {@code "embedding"} or {@code "searching"}
   * @param done units finished so far, from 0 to {@code total}
   * @param total units in this stage
   */
  void update(String stage, long done, long total);
}
