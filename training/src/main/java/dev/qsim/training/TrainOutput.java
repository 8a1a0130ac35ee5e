package dev.qsim.training;

import dev.qsim.QsimException;
import dev.qsim.io.AtomicDirectories;
import dev.qsim.model.ModelDirectoryWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@code qsim-train} run writes: the model directory {@code <out>} (through {@link
 * ModelDirectoryWriter}) and its checkpoints in {@code <out>.checkpoints/}. Checked before any data
 * is read, so that a run that cannot write fails in its first second rather than at its first
 * checkpoint; temporaries a killed run of ours left behind are removed; and on SIGINT or SIGTERM a
 * shutdown hook removes this run's own temporaries (a kill -9 leaves them to the next run).
 *
 * <p>Not thread-safe; the hook runs on its own thread and only deletes.
 */
final class TrainOutput implements AutoCloseable {
  private final Path out;
  private final Checkpoints checkpoints;
  private final Thread hook;

  private TrainOutput(Path out) {
    this.out = out;
    this.checkpoints = new Checkpoints(out.resolveSibling(out.getFileName() + ".checkpoints"));
    this.hook = new Thread(this::removeOwnTemporaries, "qsim-train-cleanup");
  }

  /**
   * Checks the output location and prepares it.
   *
   * @param out the model directory to write (must not exist)
   * @param err where to say what stale temporaries were removed
   * @return the output, with its shutdown hook installed; close it when done
   * @throws QsimException if {@code out} exists or cannot be created
   */
  static TrainOutput prepare(Path out, PrintStream err) {
    Path absolute = out.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      throw new QsimException(
          "Output directory already exists, refusing to overwrite: " + absolute);
    }
    TrainOutput output = new TrainOutput(absolute);
    Path parent = absolute.getParent();
    try {
      Files.createDirectories(parent);
      Files.createDirectories(output.checkpoints.directory());
      Path probe = Files.createTempFile(parent, "." + absolute.getFileName() + ".probe-", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new QsimException(
          "Cannot write the model directory "
              + absolute
              + " (checked before training): "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage(),
          e);
    }
    int stale = AtomicDirectories.removeStaleDirectories(absolute);
    stale += output.checkpoints.removeStale();
    if (stale > 0) {
      err.printf("Removed %d temporaries a killed run left beside %s%n", stale, absolute);
    }
    Runtime.getRuntime().addShutdownHook(output.hook);
    return output;
  }

  Path out() {
    return out;
  }

  Path checkpointDirectory() {
    return checkpoints.directory();
  }

  private void removeOwnTemporaries() {
    AtomicDirectories.removeTemporaryDirectories(out, ProcessHandle.current().pid());
    checkpoints.removeStale();
  }

  /**
   * Removes the shutdown hook (the run ended normally or with an error it reported), and the
   * checkpoint directory if nothing was written to it.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is already running.
    }
    try (var entries = Files.list(checkpoints.directory())) {
      if (entries.findAny().isEmpty()) {
        Files.delete(checkpoints.directory());
      }
    } catch (IOException e) {
      // Left in place: an empty directory does no harm.
    }
  }
}
