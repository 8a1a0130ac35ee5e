package dev.qsim.onnx;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.io.AtomicDirectories;
import dev.qsim.io.CacheDirectory;
import dev.qsim.model.ModelChecksums;
import dev.qsim.model.ModelMetadata;
import dev.qsim.quantize.Quantizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The int8 copies of fp32 models that {@code optPrecision(INT8)} loads: made on first use by {@link
 * Quantizer} into {@code <cache>/int8/<key>}, where {@code <cache>} is qsim's cache folder ({@link
 * CacheDirectory}: the system property {@code qsim.cache.dir}, else the environment variable {@code
 * QSIM_CACHE_DIR}, else {@code ~/.cache/qsim}) and {@code <key>} is a SHA-256 of the source's
 * metadata, encoder, tokenizer and pair head (and the quantiser's version).
 *
 * <p>Entries are written atomically by the one model writer, whose metadata records the SHA-256 of
 * every file. Each use checks them: an entry that is damaged or partial (a file truncated or
 * overwritten, {@code qsim-model.json} missing or unreadable, no checksums) is moved aside and made
 * again, and one warning saying so goes to the {@link System.Logger} {@code
 * dev.qsim.onnx.Int8Cache}. Making and repairing an entry hold a lock ({@code <key>.lock} next to
 * it) against other processes and threads, so they wait for one quantisation instead of racing;
 * where the file system has no locks, both quantise and one rename wins.
 *
 * <p>Stateless and thread-safe.
 */
final class Int8Cache {
  /** Bumped whenever the quantiser's output changes, so old entries are not reused. */
  static final String QUANTIZER_VERSION = "q2";

  static final String CACHE_PROPERTY = CacheDirectory.PROPERTY;
  static final String CACHE_ENV = CacheDirectory.ENV;

  /** How a cache error ends: where to point the cache instead. */
  private static final String CHOOSE_ANOTHER =
      " (set -D" + CACHE_PROPERTY + " or " + CACHE_ENV + " to choose another folder): ";

  private static final System.Logger LOG = System.getLogger(Int8Cache.class.getName());

  /** Held while this JVM makes or repairs an entry (file locks are per process). */
  private static final Object MAKING = new Object();

  private Int8Cache() {}

  /** The cache folder in use. */
  static Path root() {
    return CacheDirectory.root();
  }

  /**
   * The int8 model directory made from {@code source}, checked, and quantised now if the cache
   * lacks it or holds a damaged copy.
   *
   * @param directory the source model directory, or {@code null} for a class-path source
   */
  static Path int8Of(
      ModelSource source, ModelMetadata md, Path directory, ClassLoader loader, String prefix) {
    Path target = root().resolve("int8").resolve(key(source, md));
    if (problem(target) == null) {
      return target;
    }
    synchronized (MAKING) {
      try (FileChannel lock = lock(target)) {
        String problem = problem(target);
        if (problem == null) {
          return target; // made or repaired by another thread or process meanwhile
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "the int8 model cached in "
                  + target
                  + " is damaged ("
                  + problem
                  + "); making it again");
          moveAside(target);
        }
        AtomicDirectories.removeStaleDirectories(target);
        quantize(source, directory, loader, prefix, target);
        problem = problem(target);
        if (problem != null) {
          throw new ModelLoadException(
              "The int8 model just made in " + target + " does not check out: " + problem);
        }
        return target;
      } catch (IOException e) {
        throw new ModelLoadException(
            "Cannot use the int8 cache " + target + CHOOSE_ANOTHER + e.getMessage(), e);
      }
    }
  }

  /**
   * What is wrong with the cache entry, or {@code null} if its metadata reads and every file
   * matches the SHA-256 it records.
   */
  static String problem(Path entry) {
    if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      return Files.exists(entry, LinkOption.NOFOLLOW_LINKS) ? "it is not a folder" : "missing";
    }
    Path file = entry.resolve(ModelMetadata.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return ModelMetadata.FILE_NAME + " is missing";
    }
    try {
      ModelMetadata md = ModelMetadata.read(file);
      if (md.checksums().isEmpty()) {
        return ModelMetadata.FILE_NAME + " records no checksums";
      }
      ModelChecksums.verify(
          md, entry.toString(), name -> Files.newInputStream(entry.resolve(name)));
      return null;
    } catch (QsimException e) {
      return e.getMessage();
    }
  }

  /** Locks {@code <entry>.lock} against other processes; {@code null} where locks do not work. */
  private static FileChannel lock(Path entry) throws IOException {
    CacheDirectory.create(entry.getParent());
    FileChannel channel =
        FileChannel.open(
            entry.resolveSibling(entry.getFileName() + ".lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    try {
      channel.lock();
      return channel;
    } catch (IOException | UnsupportedOperationException e) {
      channel.close();
      return null;
    }
  }

  /** Renames a damaged entry out of the way in one step, then deletes it. */
  private static void moveAside(Path entry) throws IOException {
    Path aside =
        entry.resolveSibling(
            "."
                + entry.getFileName()
                + ".damaged-"
                + ProcessHandle.current().pid()
                + "-"
                + Long.toUnsignedString(System.nanoTime(), 36));
    try {
      Files.move(entry, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return; // gone already
    }
    AtomicDirectories.deleteRecursively(aside);
  }

  private static void quantize(
      ModelSource source, Path directory, ClassLoader loader, String prefix, Path target) {
    try {
      if (directory != null) {
        Quantizer.quantize(directory, target);
      } else {
        Quantizer.quantize(loader, prefix, target);
      }
    } catch (QsimException e) {
      if (problem(target) == null) {
        return; // another process made it first
      }
      if (e instanceof ModelLoadException) {
        throw e;
      }
      throw new ModelLoadException(
          "Cannot make the int8 model of "
              + source.describe()
              + " in the cache "
              + target
              + CHOOSE_ANOTHER
              + e.getMessage(),
          e);
    }
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
