package dev.qsim.model;

import dev.qsim.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The SHA-256 checksums a model directory records of its files ({@code checksums} in {@code
 * qsim-model.json}, docs/model-format.md): {@link ModelDirectoryWriter} computes them with {@link
 * #compute}, the model loader checks them with {@link #verify} and names the file that differs.
 * Files whose names start with {@code /} are class-path resources and are not listed (a delta's
 * base is pinned by its {@code base_sha256} instead).
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelChecksums {

  /** Opens one of a model's files by the name its metadata gives. */
  @FunctionalInterface
  public interface FileOpener {
    /**
     * Opens a file.
     *
     * @param name the file name, relative to the model
     * @return its bytes; the caller closes the stream
     * @throws IOException if it cannot be read
     */
    InputStream open(String name) throws IOException;
  }

  private ModelChecksums() {}

  /**
   * The checksums of the files in {@code directory} that {@code metadata} names (class-path files
   * excepted).
   *
   * @param directory the model directory
   * @param metadata its metadata
   * @return file name to {@code "sha256:"} and 64 lower-case hex digits
   * @throws IOException if a file cannot be read
   */
  public static Map<String, String> compute(Path directory, ModelMetadata metadata)
      throws IOException {
    Map<String, String> sums = new LinkedHashMap<>();
    for (String file : metadata.files().values()) {
      if (!file.startsWith("/") && !sums.containsKey(file)) {
        try (InputStream in = Files.newInputStream(directory.resolve(file))) {
          sums.put(file, sha256(in));
        }
      }
    }
    return sums;
  }

  /**
   * Checks every file {@code metadata} records a checksum of. Metadata without checksums (written
   * before they were recorded, or by hand) passes, and so does a file it names but lists no
   * checksum of (metadata edited by hand, such as a copy of a bundled model's with its class-path
   * encoder replaced by a file); the model writer always lists every file.
   *
   * @param metadata the model's metadata
   * @param source the model directory or resource folder, for messages
   * @param files opens the model's files
   * @throws ModelLoadException naming the file that is missing or damaged
   */
  public static void verify(ModelMetadata metadata, String source, FileOpener files) {
    Objects.requireNonNull(metadata, "metadata");
    Map<String, String> expected = metadata.checksums();
    if (expected.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String actual;
      try (InputStream in = files.open(e.getKey())) {
        actual = sha256(in);
      } catch (IOException x) {
        throw new ModelLoadException(
            "Cannot read model file " + source + "/" + e.getKey() + ": " + x.getMessage(), x);
      }
      if (!actual.equals(e.getValue())) {
        throw new ModelLoadException(
            "Model file damaged: "
                + source
                + "/"
                + e.getKey()
                + " has SHA-256 "
                + actual
                + " but "
                + ModelMetadata.FILE_NAME
                + " records "
                + e.getValue()
                + " (the file changed after the model was written: restore it, or write the model"
                + " again)");
      }
    }
  }

  /**
   * {@code "sha256:"} and the SHA-256 of a stream's bytes, in lower-case hex.
   *
   * @param in the bytes; read to the end, not closed
   * @return the checksum
   * @throws IOException if the stream cannot be read
   */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256 (every Java 17 JVM must)", e);
    }
    byte[] buffer = new byte[1 << 16];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }
}
