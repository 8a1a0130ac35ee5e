package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The guard's contract, step by step on one thread; the race itself is {@link CloseRaceTest}. */
class CloseGuardTest {
  private final AtomicInteger releases = new AtomicInteger();
  private final CloseGuard guard = new CloseGuard("This thing", releases::incrementAndGet);

  @Test
  void closeWithNothingInFlightReleasesAtOnceAndOnlyOnce() {
    guard.close();
    assertThat(guard.isClosed()).isTrue();
    assertThat(guard.isReleased()).isTrue();
    guard.close();
    assertThat(releases).hasValue(1);
  }

  @Test
  void theLastCallInFlightReleasesAfterClose() {
    CloseGuard.Permit first = guard.enter();
    CloseGuard.Permit second = guard.enter();
    guard.close();
    assertThat(releases).as("calls still inside").hasValue(0);
    assertThatThrownBy(guard::enter)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This thing has been closed.");
    assertThatThrownBy(guard::ensureOpen).isInstanceOf(IllegalStateException.class);
    first.close();
    first.close(); // a permit leaves once
    assertThat(releases).hasValue(0);
    second.close();
    assertThat(releases).hasValue(1);
    assertThat(guard.isReleased()).isTrue();
  }

  @Test
  void callsBeforeCloseDoNotRelease() {
    for (int i = 0; i < 3; i++) {
      try (CloseGuard.Permit p = guard.enter()) {
        guard.ensureOpen();
      }
    }
    assertThat(guard.isClosed()).isFalse();
    assertThat(releases).hasValue(0);
  }
}
