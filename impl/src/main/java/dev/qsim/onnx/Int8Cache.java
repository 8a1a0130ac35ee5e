package dev.qsim.onnx;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.quantize.Quantizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The int8 copies of fp32 models that {@code optPrecision(INT8)} loads: made on first use by {@link
 * Quantizer} into {@code <cache>/int8/<key>}, where {@code <cache>} is the system property {@code
 * qsim.cache.dir}, else the environment variable {@code QSIM_CACHE_DIR}, else {@code
 * ~/.cache/qsim}, and {@code <key>} is a SHA-256 of the source's metadata, encoder, tokenizer and
 * pair head (and the quantiser's version). Entries are written atomically by the one model writer;
 * two processes making the same entry at once both quantise and one rename wins.
 *
 * <p>Stateless and thread-safe.
 */
final class Int8Cache {
  /** Bumped whenever the quantiser's output changes, so old entries are not reused. */
  static final String QUANTIZER_VERSION = "q1";

  static final String CACHE_PROPERTY = "qsim.cache.dir";
  static final String CACHE_ENV = "QSIM_CACHE_DIR";

  private Int8Cache() {}

  /** The cache folder in use. */
  static Path root() {
    String dir = System.getProperty(CACHE_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(CACHE_ENV);
    }
    if (dir == null || dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "qsim");
    }
    return Path.of(dir);
  }

  /**
   * The int8 model directory made from {@code source}, quantised now if the cache lacks it.
   *
   * @param directory the source model directory, or {@code null} for a class-path source
   */
  static Path int8Of(
      ModelSource source, ModelMetadata md, Path directory, ClassLoader loader, String prefix) {
    Path target = root().resolve("int8").resolve(key(source, md));
    if (Files.isRegularFile(target.resolve(ModelMetadata.FILE_NAME))) {
      return target;
    }
    try {
      if (directory != null) {
        Quantizer.quantize(directory, target);
      } else {
        Quantizer.quantize(loader, prefix, target);
      }
    } catch (QsimException e) {
      if (Files.isRegularFile(target.resolve(ModelMetadata.FILE_NAME))) {
        return target; // another process made it first
      }
      if (e instanceof ModelLoadException) {
        throw e;
      }
      throw new ModelLoadException(
          "Cannot make the int8 model of "
              + source.describe()
              + " in the cache "
              + target
              + " (set -D"
              + CACHE_PROPERTY
              + " or "
              + CACHE_ENV
              + " to choose another folder): "
              + e.getMessage(),
          e);
    }
    return target;
  }

  private static String key(ModelSource source, ModelMetadata md) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    digest.update(QUANTIZER_VERSION.getBytes(StandardCharsets.UTF_8));
    digest.update(md.toJson().getBytes(StandardCharsets.UTF_8));
    hash(digest, source, md.encoderFile());
    if (md.encoderDelta() != null) {
      hash(digest, source, md.encoderDelta().file());
    }
    hash(digest, source, md.tokenizerFile());
    if (md.verifier() != null) {
      hash(digest, source, md.verifier().file());
    }
    if (md.pairHeadFile() != null) {
      hash(digest, source, md.pairHeadFile());
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 12) + "-" + QUANTIZER_VERSION;
  }

  private static void hash(MessageDigest digest, ModelSource source, String file) {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = new DigestInputStream(source.open(file), digest)) {
      while (in.read(buffer) >= 0) {
        // the digest reads along
      }
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot read " + source.describe() + "/" + file + ": " + e.getMessage(), e);
    }
  }
}
