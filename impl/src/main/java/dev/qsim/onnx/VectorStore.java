package dev.qsim.onnx;

import dev.qsim.InferenceException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code n} vectors of dimension {@code d}, float32, off the Java heap, so that a million 384-value
 * embeddings (1.5 GB) need no heap: small stores live in one direct buffer, large ones in a
 * memory-mapped temporary file in {@code java.io.tmpdir} that is deleted on {@link #close()}, when
 * the JVM shuts down (SIGTERM, SIGINT) or, after a SIGKILL, by the next JVM that creates one
 * ({@link TemporaryVectorFiles}); its pages stay in the page cache while used, and the kernel
 * writes them back only under memory pressure. Rows never straddle a segment, so a block of rows is
 * handed to ONNX Runtime as a direct {@link FloatBuffer} without a copy.
 *
 * <p>Writes ({@link #set}) must happen before the store is shared; after that, concurrent reads are
 * safe. {@link #close()} is idempotent; use after close throws {@link IllegalStateException}.
 */
final class VectorStore implements AutoCloseable {
  /** Stores up to this size are one direct buffer; larger ones are a mapped file. */
  static final long DIRECT_LIMIT_BYTES = 64L << 20;

  private static final long SEGMENT_BYTES = 1L << 30;

  private final int n;
  private final int d;
  private final int rowsPerSegment;
  private final FloatBuffer[] segments;
  private final ByteBuffer[] bytes;
  private final Path file;
  private volatile boolean closed;

  private VectorStore(int n, int d, Path file, ByteBuffer[] bytes, int rowsPerSegment) {
    this.n = n;
    this.d = d;
    this.file = file;
    this.bytes = bytes;
    this.rowsPerSegment = rowsPerSegment;
    this.segments = new FloatBuffer[bytes.length];
    for (int s = 0; s < bytes.length; s++) {
      segments[s] = bytes[s].order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
  }

  /**
   * An empty (all zero) store for {@code n} vectors of dimension {@code d}.
   *
   * @throws InferenceException if the temporary file cannot be created or mapped
   */
  static VectorStore create(int n, int d) {
    if (n < 0 || d < 1) {
      throw new IllegalArgumentException("n must be >= 0 and d >= 1, were " + n + " and " + d);
    }
    long rowBytes = 4L * d;
    long total = rowBytes * n;
    if (total <= DIRECT_LIMIT_BYTES) {
      return new VectorStore(
          n, d, null, new ByteBuffer[] {ByteBuffer.allocateDirect((int) Math.max(4, total))}, n);
    }
    int rowsPerSegment = (int) (SEGMENT_BYTES / rowBytes);
    int count = (n + rowsPerSegment - 1) / rowsPerSegment;
    Path file = null;
    try {
      file = TemporaryVectorFiles.create();
      ByteBuffer[] mapped = new ByteBuffer[count];
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        for (int s = 0; s < count; s++) {
          long from = (long) s * rowsPerSegment;
          long rows = Math.min(rowsPerSegment, n - from);
          mapped[s] = channel.map(FileChannel.MapMode.READ_WRITE, from * rowBytes, rows * rowBytes);
        }
      }
      return new VectorStore(n, d, file, mapped, rowsPerSegment);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file);
      throw new InferenceException(
          "Cannot create a "
              + (total >> 20)
              + " MB vector file in "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + e,
          e);
    }
  }

  /** A store holding copies of {@code vectors}, which must all have the same dimension. */
  static VectorStore of(float[][] vectors) {
    int d = vectors.length == 0 ? 1 : vectors[0].length;
    VectorStore store = create(vectors.length, d);
    for (int i = 0; i < vectors.length; i++) {
      store.set(i, vectors[i]);
    }
    return store;
  }

  int size() {
    return n;
  }

  int dimension() {
    return d;
  }

  /** Whether the vectors live in a mapped temporary file (rather than one direct buffer). */
  boolean mapped() {
    return file != null;
  }

  void set(int i, float[] vector) {
    if (vector.length != d) {
      throw new IllegalArgumentException(
          "Vector " + i + " has dimension " + vector.length + ", expected " + d);
    }
    check(i);
    segments[i / rowsPerSegment].duplicate().position((i % rowsPerSegment) * d).put(vector);
  }

  /** Copies vector {@code i} into {@code out} (length {@code d}) and returns it. */
  float[] get(int i, float[] out) {
    check(i);
    segments[i / rowsPerSegment].duplicate().position((i % rowsPerSegment) * d).get(out, 0, d);
    return out;
  }

  /** A copy of vector {@code i}. */
  float[] get(int i) {
    return get(i, new float[d]);
  }

  /** Copies vector {@code i} into {@code out} at its position. */
  void copyTo(int i, FloatBuffer out) {
    check(i);
    FloatBuffer src = segments[i / rowsPerSegment].duplicate();
    int at = (i % rowsPerSegment) * d;
    src.position(at).limit(at + d);
    out.put(src);
  }

  /**
   * Rows {@code [from, to)} as one direct buffer of {@code (to - from) * d} floats: a view when
   * they lie in one segment (the usual case), else a copy.
   */
  FloatBuffer rows(int from, int to) {
    if (from < 0 || to > n || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + n);
    }
    ensureOpen();
    int s = from / rowsPerSegment;
    if (to <= (s + 1) * rowsPerSegment || from == to) {
      FloatBuffer view = segments[s].duplicate();
      int at = (from % rowsPerSegment) * d;
      view.position(at).limit(at + (to - from) * d);
      return view.slice();
    }
    FloatBuffer copy = direct((to - from) * d);
    for (int i = from; i < to; i++) {
      copyTo(i, copy);
    }
    return copy.flip();
  }

  /** A direct, native-order float buffer of {@code floats} values (a block for ONNX Runtime). */
  static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private void check(int i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("vector " + i + " of " + n);
    }
    ensureOpen();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("This vector store is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ByteBuffer b : bytes) {
      unmap(b);
    }
    deleteQuietly(file);
  }

  /**
   * Frees a direct or mapped buffer now rather than at some later garbage collection, as Lucene's
   * {@code MMapDirectory} does on Java 17 ({@code sun.misc.Unsafe.invokeCleaner}); when that is not
   * available the buffer is freed when collected.
   */
  private static void unmap(ByteBuffer buffer) {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Method cleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
      cleaner.invoke(field.get(null), buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not available here: the buffer is released when it is garbage collected.
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      TemporaryVectorFiles.delete(file);
    }
  }

  /** For tests: the temporary file, or {@code null} for a direct buffer. */
  Path file() {
    return file;
  }
}
