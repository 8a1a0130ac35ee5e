package dev.qsim.model;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Writes a model directory so that a crash never leaves half a model: everything goes into a
 * temporary sibling directory, which is checked and then renamed to the target in one step. An
 * existing target is never overwritten. The metadata it stores records the SHA-256 of every file it
 * names ({@link ModelMetadata#checksums()}, computed here, replacing any the contents returned),
 * which loading verifies.
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
      temp = createTemporary(absolute);
      ModelMetadata metadata = contents.writeInto(temp);
      Objects.requireNonNull(metadata, "metadata returned by contents");
      for (Map.Entry<String, String> file : metadata.files().entrySet()) {
        requireFile(temp, file.getValue(), file.getKey());
      }
      metadata = metadata.toBuilder().checksums(ModelChecksums.compute(temp, metadata)).build();
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

  /**
   * A new empty sibling {@code .<name>.tmp-<pid>-<random>}. Made with {@link
   * Files#createDirectory}, so it gets the process's umask like any directory (a model written with
   * {@link Files#createTempDirectory} would keep its mode 0700).
   */
  private static Path createTemporary(Path target) throws IOException {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; ; attempt++) {
      Path temp =
          target.resolveSibling(
              temporaryPrefix(target)
                  + ProcessHandle.current().pid()
                  + "-"
                  + Long.toUnsignedString(random.nextLong(), 36));
      try {
        return Files.createDirectory(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  private static String temporaryPrefix(Path target) {
    return "." + target.getFileName() + ".tmp-";
  }

  /**
   * Removes the temporary directories that a writer of {@code target} in a process that no longer
   * runs left behind (killed before it could clean up). Best effort.
   *
   * @param target the model directory a writer was writing
   * @return how many were removed
   */
  public static int removeStaleTemporaries(Path target) {
    return removeTemporaries(target, -1);
  }

  /**
   * Removes the temporary directories of writers of {@code target}: those of process {@code pid},
   * or, with {@code pid < 0}, those of every process that no longer runs. Best effort; for shutdown
   * hooks and for the next run after a kill.
   *
   * @param target the model directory a writer was writing
   * @param pid the writer's process id, or -1 for all dead writers
   * @return how many were removed
   */
  public static int removeTemporaries(Path target, long pid) {
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    String prefix = temporaryPrefix(absolute);
    int removed = 0;
    if (parent == null || !Files.isDirectory(parent)) {
      return 0;
    }
    try (java.nio.file.DirectoryStream<Path> stream =
        Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path p : stream) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        long owner;
        try {
          owner = dash < 0 ? -1 : Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
          owner = -1;
        }
        boolean remove =
            pid >= 0
                ? owner == pid
                : owner < 0 || ProcessHandle.of(owner).map(h -> !h.isAlive()).orElse(true);
        if (remove && Files.isDirectory(p)) {
          deleteRecursively(p);
          removed++;
        }
      }
    } catch (IOException e) {
      return removed;
    }
    return removed;
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

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: the temporary directory is hidden and named as such.
    }
  }
}
