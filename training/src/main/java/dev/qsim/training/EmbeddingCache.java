package dev.qsim.training;

import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Embeds questions with a frozen model, keeping the result in a cache file {@code
 * embeddings-<hash>.f32} keyed by the model's identity and the question list, so that a second run
 * on the same data does not embed again. The cache lives in {@link #defaultDirectory()} unless
 * {@code qsim-train --cache-dir} names another; it can be deleted at any time.
 *
 * <p>Stateless and thread-safe (two processes writing one file both write a temporary and rename).
 */
final class EmbeddingCache {
  private EmbeddingCache() {}

  /**
   * Where caches go by default: {@code $QSIM_CACHE_DIR}, else {@code $XDG_CACHE_HOME/qsim}, else
   * {@code ~/.cache/qsim}; frozen-encoder embeddings in its {@code frozen-embeddings} folder.
   *
   * @return the directory (not created)
   */
  static Path defaultDirectory() {
    String qsim = System.getenv("QSIM_CACHE_DIR");
    if (qsim != null && !qsim.isBlank()) {
      return Path.of(qsim).resolve("frozen-embeddings");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path root =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return root.resolve("qsim").resolve("frozen-embeddings");
  }

  /**
   * Embeds {@code questions} (distinct), from the cache when it holds them.
   *
   * @param model the frozen model
   * @param modelKey identifies the model, so that two models never share a cache file
   * @param questions distinct questions
   * @param cacheDir the cache directory, or {@code null} for no cache
   * @param progress where to report, or {@code null}
   * @return one vector per question, in order
   */
  static float[][] embed(
      QuestionSimilarity model,
      String modelKey,
      List<String> questions,
      Path cacheDir,
      PrintStream progress) {
    Path cache =
        cacheDir == null
            ? null
            : cacheDir.resolve("embeddings-" + hash(modelKey, questions) + ".f32");
    float[][] values =
        cache != null && Files.isRegularFile(cache) ? read(cache, questions.size()) : null;
    if (values != null) {
      return values;
    }
    if (progress != null) {
      progress.printf(
          Locale.ROOT, "Embedding %d questions with the frozen encoder%n", questions.size());
    }
    long started = System.nanoTime();
    // Length-sorted so that each batch pads little; the embeddings do not depend on the batch.
    Integer[] order = new Integer[questions.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, (a, b) -> Integer.compare(questions.get(a).length(), questions.get(b).length()));
    List<String> sorted = new ArrayList<>(order.length);
    for (Integer i : order) {
      sorted.add(questions.get(i));
    }
    List<Embedding> embeddings =
        model instanceof OnnxQuestionSimilarity onnx
            ? onnx.embedAll(sorted, reporter(progress))
            : model.embedAll(sorted);
    values = new float[questions.size()][];
    for (int i = 0; i < order.length; i++) {
      values[order[i]] = embeddings.get(i).vector();
    }
    if (progress != null && questions.size() > 1000) {
      progress.printf(
          Locale.ROOT,
          "Embedded %d questions in %.1f s%n",
          questions.size(),
          (System.nanoTime() - started) / 1e9);
    }
    if (cache != null) {
      write(cache, values);
    }
    return values;
  }

  private static ProgressListener reporter(PrintStream out) {
    if (out == null) {
      return ProgressListener.NONE;
    }
    long[] last = {0};
    return (stage, done, total) -> {
      long now = System.nanoTime();
      if (now - last[0] > 30_000_000_000L || done == total) {
        last[0] = now;
        out.printf(Locale.ROOT, "%s %d/%d%n", stage, done, total);
        out.flush();
      }
    };
  }

  private static String hash(String modelKey, List<String> questions) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(modelKey.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      for (String q : questions) {
        digest.update(q.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static float[][] read(Path file, int count) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      int n = in.readInt();
      int dim = in.readInt();
      if (n != count) {
        return null;
      }
      float[][] values = new float[n][dim];
      for (float[] row : values) {
        for (int j = 0; j < dim; j++) {
          row[j] = in.readFloat();
        }
      }
      return values;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path file, float[][] values) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
      try {
        try (OutputStream raw = Files.newOutputStream(temp);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
          out.writeInt(values.length);
          out.writeInt(values.length == 0 ? 0 : values[0].length);
          for (float[] row : values) {
            for (float v : row) {
              out.writeFloat(v);
            }
          }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new TrainingException("Cannot write the embedding cache " + file, e);
    }
  }
}
