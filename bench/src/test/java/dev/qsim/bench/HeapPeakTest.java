package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapPeakTest {
  static volatile Object sink;

  @Test
  void seesAnAllocationThatIsFreedBeforeClose() throws InterruptedException {
    long before = HeapPeak.heapAfterGc();
    long peak;
    try (HeapPeak p = HeapPeak.start()) {
      sink = new long[8 * 1024 * 1024]; // 64 MB
      Thread.sleep(50);
      sink = null;
      System.gc();
      peak = p.peakBytes();
    }
    assertThat(peak).isGreaterThanOrEqualTo(before + 60L * 1024 * 1024);
    assertThat(HeapPeak.peakResidentBytes()).isGreaterThan(peak);
  }
}
