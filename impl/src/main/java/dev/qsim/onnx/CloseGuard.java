package dev.qsim.onnx;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@code close()} of a native resource (an ONNX Runtime session, DJL predictors, an index)
 * safe while other threads are inside calls: a reference count of calls in flight and a closed
 * flag, in one atomic word.
 *
 * <pre>{@code
 * private final CloseGuard guard = new CloseGuard("This encoder", this::release);
 *
 * float[] run(...) {
 *   try (CloseGuard.Permit p = guard.enter()) { // IllegalStateException once closed
 *     return session.run(...);
 *   }
 * }
 *
 * public void close() { guard.close(); }
 * }</pre>
 *
 * <p>After {@link #close()} no call can enter; calls already inside finish normally, and the
 * release action runs exactly once, on the thread of whichever comes last: {@code close()} itself
 * when nothing is in flight, else the last call as it leaves. {@code close()} does not wait.
 *
 * <p>Thread-safe and lock-free: entering and leaving are one compare-and-set each.
 */
final class CloseGuard {
  private static final long CLOSED = 1;
  private static final long ONE_CALL = 2;

  private final String what;
  private final Runnable release;

  /** {@code 2 × calls in flight + (closed ? 1 : 0)}. */
  private final AtomicLong state = new AtomicLong();

  private final AtomicBoolean released = new AtomicBoolean();

  /**
   * @param what names the guarded object in the message of the {@link IllegalStateException}, e.g.
   *     {@code "This OnnxQuestionSimilarity"}
   * @param release frees the native memory; runs once, after close and the last call
   */
  CloseGuard(String what, Runnable release) {
    this.what = Objects.requireNonNull(what, "what");
    this.release = Objects.requireNonNull(release, "release");
  }

  /** One call's hold on the resource; closing it leaves the call. Not thread-safe. */
  final class Permit implements AutoCloseable {
    private boolean left;

    private Permit() {}

    @Override
    public void close() {
      if (!left) {
        left = true;
        leave();
      }
    }
  }

  /**
   * Enters a call.
   *
   * @return the permit to close (try-with-resources) when the call returns
   * @throws IllegalStateException if the guard has been closed
   */
  Permit enter() {
    while (true) {
      long s = state.get();
      if ((s & CLOSED) != 0) {
        throw closedException();
      }
      if (state.compareAndSet(s, s + ONE_CALL)) {
        return new Permit();
      }
    }
  }

  private void leave() {
    if (state.addAndGet(-ONE_CALL) == CLOSED) {
      releaseOnce();
    }
  }

  /**
   * Throws if closed; for cheap getters that touch no native memory.
   *
   * @throws IllegalStateException if the guard has been closed
   */
  void ensureOpen() {
    if (isClosed()) {
      throw closedException();
    }
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed() {
    return (state.get() & CLOSED) != 0;
  }

  /** Whether the release action has run: closed, and no call is in flight any more. */
  boolean isReleased() {
    return released.get();
  }

  /**
   * Refuses new calls, and releases now if none is in flight (else the last one releases).
   * Idempotent.
   */
  void close() {
    long before = state.getAndUpdate(s -> s | CLOSED);
    if (before == 0) {
      releaseOnce();
    }
  }

  private void releaseOnce() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException(what + " has been closed.");
  }
}
