package dev.qsim.bench;

import dev.qsim.Embedding;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * The embeddings of a list of texts, computed once with {@link QuestionSimilarity#embedAll} (in
 * chunks, timed) and kept in a file, so that the scale benchmark can run its searches on real
 * embeddings without embedding again. The file records the texts' hash, the model and the embedding
 * time; a file for other texts is recomputed.
 *
 * <p>Layout: a 64-byte header (magic, count, dimension, texts hash, embedding nanoseconds, process
 * CPU seconds) then the vectors as little-endian float32. Written to a temporary sibling and
 * renamed.
 *
 * <p>Instances are read-only views of a mapped file and thread-safe.
 */
final class EmbeddingCache {
  private static final long MAGIC = 0x5153494d56454331L; // "QSIMVEC1"
  private static final int HEADER = 64;
  private static final int CHUNK = 8192;

  private final int count;
  private final int dimension;
  private final long embedNanos;
  private final double cpuSeconds;
  private final FloatBuffer vectors;

  private EmbeddingCache(
      int count, int dimension, long embedNanos, double cpuSeconds, FloatBuffer vectors) {
    this.count = count;
    this.dimension = dimension;
    this.embedNanos = embedNanos;
    this.cpuSeconds = cpuSeconds;
    this.vectors = vectors;
  }

  /**
   * The embeddings of {@code texts} from {@code file}, computing and writing them first when the
   * file is missing or holds other texts.
   */
  static EmbeddingCache load(
      Path file, List<String> texts, QuestionSimilarity qsim, Consumer<String> log) {
    long hash = hash(texts, qsim.toString());
    EmbeddingCache cached = read(file, hash, texts.size());
    if (cached != null) {
      return cached;
    }
    write(file, texts, qsim, hash, log);
    EmbeddingCache written = read(file, hash, texts.size());
    if (written == null) {
      throw new QsimException("Embedding cache " + file + " was written but does not read back");
    }
    return written;
  }

  private static void write(
      Path file, List<String> texts, QuestionSimilarity qsim, long hash, Consumer<String> log) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      int d = qsim.dimension();
      long t0 = System.nanoTime();
      double cpu0 = HeapPeak.processCpuSeconds();
      try (OutputStream raw = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20))) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        out.write(header.array()); // rewritten below once the time is known
        ByteBuffer row = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < texts.size(); from += CHUNK) {
          int to = Math.min(texts.size(), from + CHUNK);
          for (Embedding e : qsim.embedAll(texts.subList(from, to))) {
            row.clear();
            for (int k = 0; k < d; k++) {
              row.putFloat(e.get(k));
            }
            out.write(row.array());
          }
          log.accept(
              String.format("embedding cache: %d/%d texts, %.0f s", to, texts.size(), elapsed(t0)));
        }
      }
      long nanos = System.nanoTime() - t0;
      double cpu = HeapPeak.processCpuSeconds() - cpu0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC).putLong(texts.size()).putLong(d).putLong(hash).putLong(nanos);
        header.putDouble(cpu).flip();
        ch.write(header, 0);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new QsimException("Cannot write the embedding cache " + file + ": " + e, e);
    }
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static EmbeddingCache read(Path file, long hash, int count) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(header, 0);
      header.flip();
      if (header.getLong() != MAGIC) {
        return null;
      }
      long n = header.getLong();
      long d = header.getLong();
      if (n != count || header.getLong() != hash) {
        return null;
      }
      long nanos = header.getLong();
      double cpu = header.getDouble();
      FloatBuffer v =
          ch.map(FileChannel.MapMode.READ_ONLY, HEADER, n * d * 4)
              .order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer();
      return new EmbeddingCache((int) n, (int) d, nanos, cpu, v);
    } catch (IOException e) {
      throw new QsimException("Cannot read the embedding cache " + file + ": " + e, e);
    }
  }

  private static long hash(List<String> texts, String model) {
    long h = 1125899906842597L ^ model.hashCode();
    for (String t : texts) {
      h = 31 * h + t.hashCode();
    }
    return h;
  }

  int count() {
    return count;
  }

  int dimension() {
    return dimension;
  }

  /** Wall-clock seconds that embedding all texts took when the file was written. */
  double embedSeconds() {
    return embedNanos / 1e9;
  }

  /** Process CPU seconds that embedding took when the file was written. */
  double embedCpuSeconds() {
    return cpuSeconds;
  }

  /** Copies vector {@code i} into {@code out}. */
  float[] vector(int i, float[] out) {
    vectors.duplicate().position(i * dimension).get(out, 0, dimension);
    return out;
  }
}
