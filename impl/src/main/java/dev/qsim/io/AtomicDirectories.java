package dev.qsim.io;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes directories as {@link AtomicFiles} writes files: into a temporary sibling {@code
 * .NAME.tmp-PID-RANDOM}, every file forced to disk, renamed to the target in one step and the
 * rename forced to disk. An existing target is never replaced. {@link #removeStaleDirectories}
 * removes the temporaries of processes that no longer run (killed before they could clean up).
 *
 * <p>Stateless and thread-safe.
 */
public final class AtomicDirectories {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicDirectories() {}

  /** Fills a directory. */
  @FunctionalInterface
  public interface DirectoryBody {
    /**
     * Writes the directory's files.
     *
     * @param directory an empty temporary directory beside the target
     * @throws IOException if writing fails
     */
    void writeInto(Path directory) throws IOException;
  }

  /**
   * Writes a directory atomically: {@code body} fills a temporary sibling, whose files are then
   * forced to disk, and which is renamed to {@code target} in one step. An existing target is never
   * replaced; two writers racing for one target both write, and one rename succeeds.
   *
   * @param target the directory to create; must not exist (its parents are created)
   * @param what what it is, for messages ({@code "model directory"})
   * @param body writes the files
   * @return the absolute, normalised target
   * @throws QsimException if the target exists or writing fails; the temporary is then deleted and
   *     nothing appears at {@code target}. An unchecked exception of {@code body} is rethrown after
   *     the temporary is deleted.
   */
  public static Path writeDirectory(Path target, String what, DirectoryBody body) {
    Path absolute = target.toAbsolutePath().normalize();
    String exists = what + " " + absolute + " already exists, refusing to overwrite it";
    if (Files.exists(absolute)) {
      throw new QsimException(exists);
    }
    Path temp = null;
    try {
      Files.createDirectories(absolute.getParent());
      temp = createTemporaryDirectory(absolute);
      body.writeInto(temp);
      try (Stream<Path> paths = Files.walk(temp)) {
        for (Path p : (Iterable<Path>) paths::iterator) {
          if (Files.isRegularFile(p)) {
            try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
              channel.force(true);
            }
          } else {
            AtomicFiles.forceDirectory(p);
          }
        }
      }
      AtomicFiles.move(temp, absolute, false);
      temp = null;
      AtomicFiles.forceDirectory(absolute.getParent());
      return absolute;
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      throw new QsimException(exists, e);
    } catch (IOException e) {
      throw new QsimException(
          "Cannot write "
              + what
              + " "
              + absolute
              + ": "
              + AtomicFiles.reason(e, absolute.getParent()),
          e);
    } finally {
      if (temp != null) {
        deleteRecursively(temp);
      }
    }
  }

  /** A new empty sibling {@code .NAME.tmp-PID-RANDOM}, with the process's usual permissions. */
  private static Path createTemporaryDirectory(Path target) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path temp =
          target.resolveSibling(
              directoryPrefix(target)
                  + ProcessHandle.current().pid()
                  + "-"
                  + Long.toUnsignedString(RANDOM.nextLong(), 36));
      try {
        return Files.createDirectory(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  private static String directoryPrefix(Path target) {
    return "." + target.getFileName() + ".tmp-";
  }

  /**
   * Removes the temporary directories that writers of {@code target} in processes that no longer
   * run left behind (killed before they could clean up). Best effort.
   *
   * @param target the directory a writer was writing
   * @return how many were removed
   */
  public static int removeStaleDirectories(Path target) {
    return removeTemporaryDirectories(target, -1);
  }

  /**
   * Removes the temporary directories of writers of {@code target}: those of process {@code pid},
   * or, with {@code pid < 0}, those of every process that no longer runs. Best effort; for shutdown
   * hooks and for the next run after a kill.
   *
   * @param target the directory a writer was writing
   * @param pid the writer's process id, or -1 for all dead writers
   * @return how many were removed
   */
  public static int removeTemporaryDirectories(Path target, long pid) {
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    String prefix = directoryPrefix(absolute);
    int removed = 0;
    if (parent == null || !Files.isDirectory(parent)) {
      return 0;
    }
    try (DirectoryStream<Path> stream =
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

  /**
   * Deletes a file or a directory tree. Best effort: what cannot be deleted is left.
   *
   * @param path what to delete; nothing happens if it does not exist
   */
  public static void deleteRecursively(Path path) {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // Best effort: temporaries are hidden and named as such.
    }
  }
}
