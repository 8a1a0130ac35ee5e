package dev.qsim.onnx;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files of {@link VectorStore}: {@code qsim-vectors-pid<PID>-<random>.f32} in {@code
 * java.io.tmpdir}. Each is deleted when its store closes; those still open when the JVM shuts down
 * (normal exit, SIGTERM, SIGINT) are deleted by a shutdown hook (registered with the first file);
 * and each new file first removes the files of processes that are no longer alive (a SIGKILL runs
 * no hook), and files without a process id (written by older versions) not touched for a day.
 *
 * <p>Thread-safe.
 */
final class TemporaryVectorFiles {
  static final String PREFIX = "qsim-vectors-";
  static final String SUFFIX = ".f32";

  private static final Pattern OURS = Pattern.compile("qsim-vectors-pid(\\d+)-\\d+\\.f32");
  private static final Pattern OLD = Pattern.compile("qsim-vectors-\\d+\\.f32");
  private static final Duration OLD_AGE = Duration.ofDays(1);

  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean hooked;

  private TemporaryVectorFiles() {}

  /** Creates a new, empty temporary vector file, after removing stale ones. */
  static Path create() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    removeStale(dir);
    hook();
    Path file =
        Files.createTempFile(dir, PREFIX + "pid" + ProcessHandle.current().pid() + "-", SUFFIX);
    LIVE.add(file);
    return file;
  }

  /** Deletes a file of this process now (or at exit if that fails). */
  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
      LIVE.remove(file);
    } catch (IOException e) {
      file.toFile().deleteOnExit();
    }
  }

  /** Removes the vector files in {@code dir} whose process is gone. Never throws. */
  static int removeStale(Path dir) {
    int removed = 0;
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        Matcher m = OURS.matcher(name);
        boolean stale;
        if (m.matches()) {
          long pid = Long.parseLong(m.group(1));
          stale = pid != self && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } else {
          stale =
              OLD.matcher(name).matches()
                  && Files.getLastModifiedTime(f)
                      .toInstant()
                      .isBefore(Instant.now().minus(OLD_AGE));
        }
        if (stale && Files.deleteIfExists(f)) {
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: a file we cannot list or remove stays for a later run.
    }
    return removed;
  }

  private static void hook() {
    if (hooked) {
      return;
    }
    synchronized (TemporaryVectorFiles.class) {
      if (!hooked) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      for (Path f : LIVE) {
                        try {
                          Files.deleteIfExists(f);
                        } catch (IOException e) {
                          // exiting anyway
                        }
                      }
                    },
                    "qsim-vector-files-cleanup"));
        hooked = true;
      }
    }
  }
}
