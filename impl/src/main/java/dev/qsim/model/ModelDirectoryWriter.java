package dev.qsim.model;

import dev.qsim.QsimException;
import dev.qsim.io.AtomicDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a model directory so that a crash never leaves half a model, through the one atomic writer
 * ({@link AtomicDirectories}): everything goes into a temporary sibling directory, which is checked
 * and then renamed to the target in one step. An existing target is never overwritten. The metadata
 * it stores records the SHA-256 of every file it names ({@link ModelMetadata#checksums()}, computed
 * here, replacing any the contents returned), which loading verifies.
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
    return AtomicDirectories.writeDirectory(
        target,
        "Model directory",
        temp -> {
          ModelMetadata metadata = contents.writeInto(temp);
          Objects.requireNonNull(metadata, "metadata returned by contents");
          for (Map.Entry<String, String> file : metadata.files().entrySet()) {
            requireFile(temp, file.getValue(), file.getKey());
          }
          metadata = metadata.toBuilder().checksums(ModelChecksums.compute(temp, metadata)).build();
          metadata.write(temp.resolve(ModelMetadata.FILE_NAME));
        });
  }

  private static void requireFile(Path dir, String name, String key) {
    if (name.startsWith("/")) {
      if (ModelDirectoryWriter.class.getClassLoader().getResource(name.substring(1)) == null) {
        throw new QsimException(
            "Model metadata names "
                + key
                + " '"
                + name
                + "', a class-path resource, but the class path does not hold it");
      }
      return;
    }
    if (!Files.isRegularFile(dir.resolve(name))) {
      throw new QsimException(
          "Model metadata names " + key + " '" + name + "' but it was not written");
    }
  }
}
