package dev.qsim.io;

import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * qsim's one embedding cache: the embeddings of a list of texts by one model, kept in files so that
 * a second run on the same texts does not embed again, and a run that was stopped resumes at the
 * first chunk it had not written. Texts go in chunks of {@value #CHUNK}; each chunk is one file
 * {@code embeddings-<key>.f32} in the cache folder (by default {@link #defaultDirectory()}, in
 * qsim's one cache folder {@link CacheDirectory}), where {@code key} is a SHA-256 of the model key
 * and the chunk's texts. Files are written by {@link AtomicFiles}, so two processes filling one
 * cache never see half a file; the folder can be deleted at any time.
 *
 * <p>The file format, qsim's one float-matrix file: a 64-byte little-endian header (the magic
 * {@code QSIMF32} and a version byte, rows, columns, the wall-clock nanoseconds and process CPU
 * seconds that embedding took, the first 24 bytes of the key's SHA-256), then the rows as
 * little-endian float32. A file whose header or size does not match (other texts, another format, a
 * truncated file) is a miss: it is embedded again and replaced.
 *
 * <p>Instances are immutable views of the vectors (memory-mapped files) and thread-safe; {@link
 * #load} is thread-safe.
 */
public final class EmbeddingCache {
  /** Texts per file. */
  public static final int CHUNK = 8192;

  private static final long MAGIC = 0x5153494d46333201L; // "QSIMF32", format 1
  private static final int HEADER = 64;
  private static final int KEY_BYTES = 24;

  /** Embeds texts. */
  @FunctionalInterface
  public interface Embedder {
    /**
     * Embeds a list of texts.
     *
     * @param texts at most {@value #CHUNK} texts
     * @return one embedding per text, in order
     */
    List<Embedding> embed(List<String> texts);
  }

  private record Chunk(FloatBuffer vectors, long nanos, double cpuSeconds) {}

  private final int count;
  private final int dimension;
  private final Chunk[] chunks;

  private EmbeddingCache(int count, int dimension, Chunk[] chunks) {
    this.count = count;
    this.dimension = dimension;
    this.chunks = chunks;
  }

  /**
   * The default cache folder: {@code embeddings} in qsim's cache folder ({@link CacheDirectory}).
   *
   * @return the folder (not created)
   */
  public static Path defaultDirectory() {
    return CacheDirectory.root().resolve("embeddings");
  }

  /**
   * The embeddings of {@code texts}, read from the cache where it holds them, embedded and written
   * where not. Each chunk is embedded in order of text length (less padding); the vectors do not
   * depend on the order.
   *
   * @param directory the cache folder (created if missing), or {@code null} to embed everything and
   *     write nothing
   * @param modelKey identifies the model, so that two models never share a file
   * @param texts the texts
   * @param embedder embeds a chunk of texts
   * @param progress receives {@code ("embedding", texts done, texts)} after each chunk
   * @return the vectors, one per text
   * @throws QsimException if a file cannot be written, or the embedder returns the wrong number of
   *     vectors or vectors of different dimensions
   */
  public static EmbeddingCache load(
      Path directory,
      String modelKey,
      List<String> texts,
      Embedder embedder,
      ProgressListener progress) {
    Objects.requireNonNull(modelKey, "modelKey");
    Objects.requireNonNull(texts, "texts");
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(progress, "progress");
    Chunk[] chunks = new Chunk[(texts.size() + CHUNK - 1) / CHUNK];
    int dimension = 0;
    for (int c = 0; c < chunks.length; c++) {
      List<String> part = texts.subList(c * CHUNK, Math.min(texts.size(), (c + 1) * CHUNK));
      byte[] key = key(modelKey, part);
      Path file =
          directory == null
              ? null
              : directory.resolve("embeddings-" + HexFormat.of().formatHex(key, 0, 12) + ".f32");
      Chunk chunk = file == null ? null : read(file, key, part.size());
      if (chunk == null) {
        chunk = embed(part, embedder);
        if (file != null) {
          write(file, key, chunk, part.size());
          // Mapped back from the file: the heap holds one chunk at a time, whatever the count.
          Chunk mapped = read(file, key, part.size());
          chunk = mapped != null ? mapped : chunk;
        }
      }
      int d = part.isEmpty() ? 0 : chunk.vectors().capacity() / part.size();
      if (c > 0 && d != dimension) {
        throw new QsimException(
            "Embedding cache " + file + " holds " + d + "-dimensional vectors, not " + dimension);
      }
      dimension = d;
      chunks[c] = chunk;
      progress.update("embedding", Math.min(texts.size(), (c + 1L) * CHUNK), texts.size());
    }
    return new EmbeddingCache(texts.size(), dimension, chunks);
  }

  private static Chunk embed(List<String> texts, Embedder embedder) {
    Integer[] order = new Integer[texts.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
    List<String> sorted = new ArrayList<>(order.length);
    for (Integer i : order) {
      sorted.add(texts.get(i));
    }
    long t0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    List<Embedding> embeddings = embedder.embed(sorted);
    long nanos = System.nanoTime() - t0;
    double cpu = cpu0 < 0 ? -1 : cpuSeconds() - cpu0;
    if (embeddings.size() != texts.size()) {
      throw new QsimException(
          "The model returned " + embeddings.size() + " embeddings for " + texts.size() + " texts");
    }
    int d = embeddings.get(0).dimension();
    float[] values = new float[texts.size() * d];
    for (int k = 0; k < order.length; k++) {
      float[] v = embeddings.get(k).vector();
      if (v.length != d) {
        throw new QsimException(
            "The model returned vectors of " + d + " and " + v.length + " dims");
      }
      System.arraycopy(v, 0, values, order[k] * d, d);
    }
    return new Chunk(FloatBuffer.wrap(values).asReadOnlyBuffer(), nanos, cpu);
  }

  private static void write(Path file, byte[] key, Chunk chunk, int rows) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new QsimException(
          "Cannot create the embedding cache folder " + file.getParent() + ": " + e.getMessage(),
          e);
    }
    FloatBuffer vectors = chunk.vectors().duplicate().rewind();
    AtomicFiles.writeStream(
        file,
        "embedding cache",
        out -> {
          ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
          header.putLong(MAGIC).putLong(rows).putLong(vectors.capacity() / Math.max(1, rows));
          header.putLong(chunk.nanos()).putDouble(chunk.cpuSeconds()).put(key, 0, KEY_BYTES);
          out.write(header.array());
          ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
          while (vectors.hasRemaining()) {
            block.clear();
            while (vectors.hasRemaining() && block.remaining() >= Float.BYTES) {
              block.putFloat(vectors.get());
            }
            out.write(block.array(), 0, block.position());
          }
        });
  }

  /** The chunk in {@code file}, or {@code null} if it is missing or holds something else. */
  private static Chunk read(Path file, byte[] key, int rows) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && channel.read(header) >= 0) {
        // reads the whole header unless the file is shorter
      }
      header.flip();
      if (header.remaining() < HEADER || header.getLong() != MAGIC || header.getLong() != rows) {
        return null;
      }
      long columns = header.getLong();
      long nanos = header.getLong();
      double cpu = header.getDouble();
      byte[] stored = new byte[KEY_BYTES];
      header.get(stored);
      long bytes = (long) rows * columns * Float.BYTES;
      if (!Arrays.equals(stored, 0, KEY_BYTES, key, 0, KEY_BYTES)
          || columns < 1
          || channel.size() != HEADER + bytes) {
        return null;
      }
      FloatBuffer vectors =
          channel
              .map(FileChannel.MapMode.READ_ONLY, HEADER, bytes)
              .order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer();
      return new Chunk(vectors, nanos, cpu);
    } catch (IOException e) {
      return null; // unreadable: embedded again and replaced
    }
  }

  private static byte[] key(String modelKey, List<String> texts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(modelKey.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      for (String t : texts) {
        digest.update(t.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static double cpuSeconds() {
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(Duration::toNanos)
        .map(n -> n / 1e9)
        .orElse(-1.0);
  }

  /**
   * How many vectors there are.
   *
   * @return the number of texts
   */
  public int count() {
    return count;
  }

  /**
   * The vectors' dimension.
   *
   * @return the dimension, 0 when there are no texts
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Wall-clock seconds that embedding the texts took, summed over the chunks when they were
   * embedded (in this run or the one that wrote the cache).
   *
   * @return seconds
   */
  public double embedSeconds() {
    long nanos = 0;
    for (Chunk c : chunks) {
      nanos += c.nanos();
    }
    return nanos / 1e9;
  }

  /**
   * Process CPU seconds that embedding took, summed like {@link #embedSeconds()}; negative where
   * the platform does not report them.
   *
   * @return seconds
   */
  public double embedCpuSeconds() {
    double cpu = 0;
    for (Chunk c : chunks) {
      if (c.cpuSeconds() < 0) {
        return -1;
      }
      cpu += c.cpuSeconds();
    }
    return cpu;
  }

  /**
   * Copies vector {@code i} into {@code out}.
   *
   * @param i the text's index
   * @param out at least {@link #dimension()} floats
   * @return {@code out}
   */
  public float[] vector(int i, float[] out) {
    Objects.checkIndex(i, count);
    chunks[i / CHUNK]
        .vectors()
        .duplicate()
        .position((i % CHUNK) * dimension)
        .get(out, 0, dimension);
    return out;
  }

  /**
   * All vectors as fresh arrays.
   *
   * @return one array per text
   */
  public float[][] toArrays() {
    float[][] all = new float[count][];
    for (int i = 0; i < count; i++) {
      all[i] = vector(i, new float[dimension]);
    }
    return all;
  }
}
