package dev.qsim.cli;

import dev.qsim.QsimException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes output files atomically: into a temporary file beside the target, then a rename, so a
 * reader never sees half a file. Stateless and thread-safe.
 */
final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Writes the body of a text file. */
  @FunctionalInterface
  interface Body {
    void writeTo(Writer writer) throws IOException;
  }

  /**
   * Fails early, before any long work, if {@code target} cannot be written.
   *
   * @throws QsimException naming the path and the reason
   */
  static void checkWritable(Path target, String what) {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new QsimException("Cannot write " + what + " " + target + ": it is a directory");
    }
    Path dir = absolute.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new QsimException(
          "Cannot write " + what + " " + target + ": directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new QsimException(
          "Cannot write " + what + " " + target + ": directory " + dir + " is not writable");
    }
    if (Files.exists(absolute) && !Files.isWritable(absolute)) {
      throw new QsimException("Cannot write " + what + " " + target + ": file is read-only");
    }
  }

  /**
   * Writes a UTF-8 text file atomically, replacing any file already there.
   *
   * @throws QsimException naming the path if writing fails; the target is then left untouched
   */
  static void writeText(Path target, String what, Body body) {
    Path absolute = target.toAbsolutePath();
    Path temp = null;
    try {
      temp = tempBeside(absolute);
      try (BufferedWriter writer =
          Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
        body.writeTo(writer);
      }
      move(temp, absolute);
      temp = null;
    } catch (IOException e) {
      throw new QsimException("Cannot write " + what + " " + target + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Writes bytes atomically, replacing any file already there.
   *
   * @throws QsimException naming the path if writing fails
   */
  static void writeBytes(Path target, String what, byte[] bytes) {
    Path absolute = target.toAbsolutePath();
    Path temp = null;
    try {
      temp = tempBeside(absolute);
      Files.write(temp, bytes, StandardOpenOption.CREATE_NEW);
      move(temp, absolute);
      temp = null;
    } catch (IOException e) {
      throw new QsimException("Cannot write " + what + " " + target + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * A fresh name beside the target. Not {@code Files.createTempFile}: that makes the file readable
   * by its owner only, and the output should get the usual permissions.
   */
  private static Path tempBeside(Path target) {
    return target.resolveSibling(
        "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // The write already failed; that error is the one to report.
      }
    }
  }
}
