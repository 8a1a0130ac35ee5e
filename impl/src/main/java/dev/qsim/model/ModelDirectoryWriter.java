package dev.qsim.model;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Writes a model directory so that a crash never leaves half a model: everything goes into a
 * temporary sibling directory, which is checked and then renamed to the target in one step. An
 * existing target is never overwritten.
 *
 * <p>Stateless and thread-safe; two writers racing for the same target both build, and only one
 * rename succeeds.
 */
public final class ModelDirectoryWriter {

  /** Fills a model directory. */
  @FunctionalInterface
  public interface Contents {
    /**
     * Writes the model's files (encoder, tokenizer, optional pair head) into {@code directory} and
     * returns the metadata that describes them; the writer then stores it as {@value
     * ModelMetadata#FILE_NAME}.
     *
     * @param directory an empty temporary directory
     * @return the metadata of what was written
     * @throws IOException if a file cannot be written
     */
    ModelMetadata writeInto(Path directory) throws IOException;
  }

  private ModelDirectoryWriter() {}

  /**
   * Writes a model directory atomically.
   *
   * @param target the directory to create; must not exist
   * @param contents writes the files and returns their metadata
   * @return {@code target}
   * @throws QsimException if the target exists, a file the metadata names is missing, or writing
   *     fails; the temporary directory is deleted and nothing appears at {@code target}
   */
  public static Path write(Path target, Contents contents) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(contents, "contents");
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      throw new QsimException("Model directory already exists, refusing to overwrite: " + absolute);
    }
    Path parent = absolute.getParent();
    Path temp = null;
    try {
      Files.createDirectories(parent);
      temp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
      ModelMetadata metadata = contents.writeInto(temp);
      Objects.requireNonNull(metadata, "metadata returned by contents");
      requireFile(temp, metadata.encoderFile(), "encoder_file");
      requireFile(temp, metadata.tokenizerFile(), "tokenizer_file");
      if (metadata.pairHeadFile() != null) {
        requireFile(temp, metadata.pairHeadFile(), "pair_head_file");
      }
      metadata.write(temp.resolve(ModelMetadata.FILE_NAME));
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute);
      }
      temp = null;
      return absolute;
    } catch (FileAlreadyExistsException e) {
      throw new QsimException(
          "Model directory already exists, refusing to overwrite: " + absolute, e);
    } catch (IOException e) {
      throw new QsimException(
          "Cannot write model directory " + absolute + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        deleteRecursively(temp);
      }
    }
  }

  private static void requireFile(Path dir, String name, String key) {
    if (!Files.isRegularFile(dir.resolve(name))) {
      throw new QsimException(
          "Model metadata names " + key + " '" + name + "' but it was not written");
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: the temporary directory is hidden and named as such.
    }
  }
}
