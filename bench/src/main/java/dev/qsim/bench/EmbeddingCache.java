package dev.qsim.bench;

import dev.qsim.Embedding;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import java.io.BufferedOutputStream;
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
 * The embeddings of a list of texts, computed with {@link QuestionSimilarity#embedAll} in chunks of
 * {@value #CHUNK} and kept in one file per chunk ({@code PREFIX.000}, {@code PREFIX.001}, ...), so
 * that the scale benchmark runs its searches on real embeddings without embedding again, and an
 * interrupted run resumes at the first missing chunk. Each chunk file records its texts' hash, the
 * model and how long embedding them took; a chunk for other texts is recomputed.
 *
 * <p>Chunk layout: a 64-byte header (magic, count, dimension, texts hash, embedding nanoseconds,
 * process CPU seconds) then the vectors as little-endian float32. Each is written to a temporary
 * sibling and renamed.
 *
 * <p>Instances are read-only views of mapped files and thread-safe.
 */
final class EmbeddingCache {
  static final int CHUNK = 8192;
  private static final long MAGIC = 0x5153494d56454332L; // "QSIMVEC2"
  private static final int HEADER = 64;

  private final int count;
  private final int dimension;
  private final long embedNanos;
  private final double cpuSeconds;
  private final FloatBuffer[] chunks;

  private EmbeddingCache(
      int count, int dimension, long embedNanos, double cpuSeconds, FloatBuffer[] chunks) {
    this.count = count;
    this.dimension = dimension;
    this.embedNanos = embedNanos;
    this.cpuSeconds = cpuSeconds;
    this.chunks = chunks;
  }

  private record Chunk(FloatBuffer vectors, long nanos, double cpu) {}

  /**
   * The embeddings of {@code texts}, from the chunk files {@code prefix.NNN}, computing and writing
   * those that are missing or hold other texts.
   */
  static EmbeddingCache load(
      Path prefix, List<String> texts, QuestionSimilarity qsim, Consumer<String> log) {
    int chunkCount = (texts.size() + CHUNK - 1) / CHUNK;
    FloatBuffer[] chunks = new FloatBuffer[chunkCount];
    long nanos = 0;
    double cpu = 0;
    for (int c = 0; c < chunkCount; c++) {
      List<String> part = texts.subList(c * CHUNK, Math.min(texts.size(), (c + 1) * CHUNK));
      Path file = prefix.resolveSibling(prefix.getFileName() + String.format(".%03d", c));
      long hash = hash(part, qsim.toString());
      Chunk chunk = read(file, hash, part.size());
      if (chunk == null) {
        write(file, part, qsim, hash);
        chunk = read(file, hash, part.size());
        if (chunk == null) {
          throw new QsimException(
              "Embedding cache " + file + " was written but does not read back");
        }
        log.accept(
            String.format(
                "embedding cache: chunk %d/%d embedded in %.0f s (%s)",
                c + 1, chunkCount, chunk.nanos() / 1e9, file));
      }
      chunks[c] = chunk.vectors();
      nanos += chunk.nanos();
      cpu += chunk.cpu();
    }
    return new EmbeddingCache(texts.size(), qsim.dimension(), nanos, cpu, chunks);
  }

  private static void write(Path file, List<String> texts, QuestionSimilarity qsim, long hash) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      int d = qsim.dimension();
      long t0 = System.nanoTime();
      double cpu0 = HeapPeak.processCpuSeconds();
      List<Embedding> embeddings = qsim.embedAll(texts);
      long nanos = System.nanoTime() - t0;
      double cpu = HeapPeak.processCpuSeconds() - cpu0;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC).putLong(texts.size()).putLong(d).putLong(hash).putLong(nanos);
        header.putDouble(cpu);
        out.write(header.array());
        ByteBuffer row = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        for (Embedding e : embeddings) {
          row.clear();
          for (int k = 0; k < d; k++) {
            row.putFloat(e.get(k));
          }
          out.write(row.array());
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new QsimException("Cannot write the embedding cache " + file + ": " + e, e);
    }
  }

  private static Chunk read(Path file, long hash, int count) {
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
      return new Chunk(v, nanos, cpu);
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

  /** Wall-clock seconds that embedding all texts took (summed over the chunks, when written). */
  double embedSeconds() {
    return embedNanos / 1e9;
  }

  /** Process CPU seconds that embedding took (summed over the chunks, when written). */
  double embedCpuSeconds() {
    return cpuSeconds;
  }

  /** Copies vector {@code i} into {@code out}. */
  float[] vector(int i, float[] out) {
    chunks[i / CHUNK].duplicate().position((i % CHUNK) * dimension).get(out, 0, dimension);
    return out;
  }
}
