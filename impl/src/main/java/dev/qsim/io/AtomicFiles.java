package dev.qsim.io;

import dev.qsim.QsimException;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one way qsim writes a file or a directory: into a temporary beside the target with a unique
 * name, forced to disk, renamed onto the target in one step, and the rename forced to disk too
 * (fsync of the folder), so that a reader never sees half a file and a crash or power loss leaves
 * either the old target or the new one.
 *
 * <p>Files: the temporary is {@code .NAME.HEX.tmp}, locked ({@link FileLock}) while it is written;
 * a shutdown hook deletes the ones being written when the JVM stops on SIGINT or SIGTERM, and one
 * left by a run that could not clean up (SIGKILL, power loss) is deleted by the next write of the
 * same target (its lock is free). Two writers of one target never share a temporary; the last
 * rename wins. {@link AtomicDirectories} writes directories the same way.
 *
 * <p>Stateless apart from the set of temporaries being written; thread-safe.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The temporaries being written by this JVM; guarded by itself. */
  private static final Set<Path> PENDING = new HashSet<>();

  private static boolean hookAdded; // guarded by PENDING
  private static boolean shuttingDown; // guarded by PENDING

  private AtomicFiles() {}

  /** Writes the body of a text file. */
  @FunctionalInterface
  public interface TextBody {
    /**
     * Writes the text; the writer must not be closed.
     *
     * @param writer a buffered UTF-8 writer into the temporary
     * @throws IOException if writing fails
     */
    void writeTo(Writer writer) throws IOException;
  }

  /** Writes the body of a binary file. */
  @FunctionalInterface
  public interface StreamBody {
    /**
     * Writes the bytes; the stream must not be closed.
     *
     * @param out a buffered stream into the temporary
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Fails early, before any long work, if {@code target} cannot be written.
   *
   * @param target the file to write
   * @param what what it is, for the message ({@code "output"})
   * @throws QsimException naming the path and the reason
   */
  public static void checkWritable(Path target, String what) {
    Path absolute = target.toAbsolutePath();
    String cannot = "Cannot write " + what + " " + target + ": ";
    if (Files.isDirectory(absolute)) {
      throw new QsimException(cannot + "it is a directory");
    }
    Path dir = absolute.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new QsimException(cannot + "directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new QsimException(cannot + "directory " + dir + " is not writable");
    }
    if (Files.exists(absolute) && !Files.isWritable(absolute)) {
      throw new QsimException(cannot + "file is read-only");
    }
    // Some directories look writable and are not (/proc, a read-only mount): try the temporary.
    try {
      Temporary probe = createTemp(absolute);
      probe.channel().close();
      forget(probe.path(), true);
    } catch (IOException e) {
      throw new QsimException(cannot + reason(e, dir), e);
    }
  }

  /**
   * Why a write failed, in words and without the exception's class name: {@code permission denied},
   * {@code directory DIR does not accept new files}, or the exception's own reason.
   *
   * @param e the failure
   * @param dir the folder written to
   * @return the reason
   */
  public static String reason(IOException e, Path dir) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "cannot create a file in directory " + dir + " (it does not accept new files)";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * Refuses an output that is the input file itself, however it is named ({@code ./../dir/F}, a
   * symbolic or hard link): replacing it would destroy the input. Call it before reading anything.
   *
   * @param target the output
   * @param input the input
   * @param what what the output is, for the message
   * @throws QsimException naming both paths if they are the same file
   */
  public static void checkNotInput(Path target, Path input, String what) {
    boolean same = target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize());
    if (!same && Files.exists(target) && Files.exists(input)) {
      try {
        same = Files.isSameFile(target, input);
      } catch (IOException e) {
        // Unreadable: reading the input or writing the output reports it with its own message.
      }
    }
    if (same) {
      throw new QsimException(
          "Cannot write "
              + what
              + " "
              + target
              + ": it is the input file "
              + input
              + "; writing it would replace the input. Choose another output file");
    }
  }

  /**
   * Writes a UTF-8 text file atomically, replacing any file already there.
   *
   * @param target the file
   * @param what what it is, for messages
   * @param body writes the text
   * @throws QsimException naming the path if writing fails; the target is then left untouched
   */
  public static void writeText(Path target, String what, TextBody body) {
    write(
        target,
        what,
        channel -> {
          Writer writer =
              new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16);
          body.writeTo(writer);
          writer.flush(); // not close(): that would close the channel and release the lock
        });
  }

  /**
   * Writes a binary file atomically, replacing any file already there.
   *
   * @param target the file
   * @param what what it is, for messages
   * @param body writes the bytes
   * @throws QsimException naming the path if writing fails; the target is then left untouched
   */
  public static void writeStream(Path target, String what, StreamBody body) {
    write(
        target,
        what,
        channel -> {
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
          body.writeTo(out);
          out.flush(); // not close(), as above
        });
  }

  /**
   * Writes bytes atomically, replacing any file already there.
   *
   * @param target the file
   * @param what what it is, for messages
   * @param bytes the content
   * @throws QsimException naming the path if writing fails
   */
  public static void writeBytes(Path target, String what, byte[] bytes) {
    writeStream(target, what, out -> out.write(bytes));
  }

  /** Writes a file's bytes to an open channel. */
  @FunctionalInterface
  private interface ChannelBody {
    void writeTo(FileChannel channel) throws IOException;
  }

  private static void write(Path target, String what, ChannelBody body) {
    Path absolute = target.toAbsolutePath();
    removeStaleTemporaries(absolute);
    Temporary temp = null;
    boolean moved = false;
    try {
      temp = createTemp(absolute);
      try (FileChannel channel = temp.channel()) {
        body.writeTo(channel);
        channel.force(true);
        // Renamed while still open and locked: no clean-up can take it in between.
        move(temp.path(), absolute, true);
        moved = true;
      }
      forceDirectory(absolute.getParent());
    } catch (IOException e) {
      throw new QsimException(
          "Cannot write " + what + " " + target + ": " + reason(e, absolute.getParent()), e);
    } finally {
      if (temp != null) {
        forget(temp.path(), !moved);
      }
    }
  }

  /** A temporary file, open and locked for writing. */
  private record Temporary(Path path, FileChannel channel) {}

  /**
   * Creates, opens and locks a fresh temporary beside the target, registered for deletion at
   * shutdown. Not {@code Files.createTempFile}: that makes the file readable by its owner only, and
   * the output should get the usual permissions.
   */
  private static Temporary createTemp(Path target) throws IOException {
    synchronized (PENDING) {
      if (shuttingDown) {
        throw new IOException("the JVM is shutting down");
      }
      if (!hookAdded) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(AtomicFiles::deletePending, "qsim-temporary-cleanup"));
        hookAdded = true;
      }
      while (true) {
        Path temp =
            target.resolveSibling(
                "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        FileChannel channel;
        try {
          channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          continue;
        }
        try {
          channel.lock();
        } catch (IOException | RuntimeException e) {
          channel.close();
          Files.deleteIfExists(temp);
          throw e;
        }
        PENDING.add(temp);
        return new Temporary(temp, channel);
      }
    }
  }

  /** Stops tracking a temporary, deleting it first if the write failed. */
  private static void forget(Path temp, boolean delete) {
    synchronized (PENDING) {
      if (delete) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The write already failed; that error is the one to report.
        }
      }
      PENDING.remove(temp);
    }
  }

  /** The shutdown hook: deletes every temporary still being written, and refuses new ones. */
  private static void deletePending() {
    synchronized (PENDING) {
      shuttingDown = true;
      for (Path temp : PENDING) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort while the JVM stops; the next write of the target removes it.
        }
      }
      PENDING.clear();
    }
  }

  /**
   * The names of the temporary files this class writes for {@code target}: {@code .NAME.HEX.tmp}.
   *
   * @param target the file written
   * @return a pattern for the file names (not paths) of its temporaries
   */
  public static Pattern temporaryName(Path target) {
    return Pattern.compile(
        "\\." + Pattern.quote(target.getFileName().toString()) + "\\.[0-9a-f]{1,16}\\.tmp");
  }

  /**
   * Deletes temporary files of {@code target} that no live process is writing (their lock is free):
   * the remains of a run that was killed. Best effort; failures are ignored.
   *
   * @param target the file written
   */
  public static void removeStaleTemporaries(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || target.getFileName() == null) {
      return;
    }
    Pattern name = temporaryName(target);
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(dir, p -> name.matcher(p.getFileName().toString()).matches())) {
      entries.forEach(candidates::add);
    } catch (IOException | RuntimeException e) {
      return;
    }
    for (Path temp : candidates) {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          Files.deleteIfExists(temp);
        }
      } catch (OverlappingFileLockException e) {
        // Locked by this JVM: being written right now.
      } catch (IOException e) {
        // Gone already, or not ours to delete.
      }
    }
  }

  static void move(Path from, Path to, boolean replace) throws IOException {
    try {
      if (replace) {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (AtomicMoveNotSupportedException e) {
      if (replace) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to);
      }
    }
  }

  /**
   * Forces a directory's entries (a rename into it) to disk. File systems that cannot open a
   * directory for this (Windows) make it a no-op.
   */
  static void forceDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported here; the rename itself is still atomic.
    }
  }
}
