package dev.qsim.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak Java heap in use while it is open, from two sources: a background thread that reads
 * {@link MemoryMXBean#getHeapMemoryUsage()} every few milliseconds, and the heap in use just before
 * each garbage collection (GC notifications), which is the true local peak the sampler can miss.
 *
 * <p>Thread-safe; meant to be opened and closed by one thread around the measured code.
 */
final class HeapPeak implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 5;

  private final AtomicLong peak = new AtomicLong();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Set<String> heapPools = new HashSet<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onGc;
  private final Thread sampler;
  private volatile boolean running = true;

  private HeapPeak() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    sample();
    sampler =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "qsim-bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts watching. */
  static HeapPeak start() {
    return new HeapPeak();
  }

  /** The heap in use now, after asking for a full collection (a baseline, not a guarantee). */
  static long heapAfterGc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * The process's peak resident set size (VmHWM of /proc/self/status): Java heap, native memory of
   * ONNX Runtime and everything else, since the process started.
   *
   * @return bytes, or -1 where /proc is not available
   */
  static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * CPU time used by this process so far, all threads (user and system), in seconds; -1 where the
   * JVM does not report it. Shows how much of a wall-clock time was spent computing when other
   * processes share the CPU.
   */
  static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1e9;
    }
    return -1;
  }

  /** The highest heap use seen so far, in bytes. */
  long peakBytes() {
    sample();
    return peak.get();
  }

  private void sample() {
    record(memory.getHeapMemoryUsage().getUsed());
  }

  private void record(long used) {
    peak.accumulateAndGet(used, Math::max);
  }

  private void onGc(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long before = 0;
    for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
      MemoryUsage usage = e.getValue();
      if (heapPools.contains(e.getKey())) {
        before += usage.getUsed();
      }
    }
    record(before);
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    try {
      sampler.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone: nothing to undo
      }
    }
    emitters.clear();
  }
}
