package dev.qsim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test class path running in a fresh JVM, for tests that kill it or must see
 * what a process does from its very start. Its stdout and stderr are collected together.
 */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = process.getInputStream()) {
                for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                  synchronized (output) {
                    output.write(buffer, 0, r);
                  }
                }
              } catch (IOException e) {
                // The child is gone.
              }
            },
            "child-jvm-output");
    reader.start();
  }

  /**
   * Whether this JVM ignores {@code signal} ("INT", "TERM", ...), as a process started in the
   * background by a non-interactive shell ignores SIGINT. A child inherits that: its JVM then
   * rightly keeps ignoring the signal, so a test of what the signal does cannot run. Read from the
   * {@code SigIgn} mask of {@code /proc/self/status}; false where that file does not exist.
   */
  static boolean ignoredHere(String signal) throws IOException {
    int number =
        switch (signal) {
          case "HUP" -> 1;
          case "INT" -> 2;
          case "TERM" -> 15;
          default -> throw new IllegalArgumentException("unknown signal: " + signal);
        };
    Path status = Path.of("/proc/self/status");
    if (!java.nio.file.Files.exists(status)) {
      return false;
    }
    for (String line : java.nio.file.Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  /**
   * Starts {@code main} with the test class path, without the environment variable {@code
   * OPT_OUT_TRACKING} (the child must behave as a user's JVM).
   */
  static ChildJvm start(Class<?> main, List<String> jvmOptions, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/qsim-child-%p.log");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("OPT_OUT_TRACKING");
    return new ChildJvm(builder.start());
  }

  /** Everything the child printed so far. */
  String output() {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits for the child to end and returns its exit code. */
  int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the child did not end in " + seconds + " s; output:\n" + output());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Waits until the child has printed {@code text}. */
  void awaitOutput(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!output().contains(text)) {
      if (!process.isAlive() && !output().contains(text)) {
        reader.join(10_000);
        if (output().contains(text)) {
          return;
        }
        throw new AssertionError("the child ended without printing " + text + ":\n" + output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the child did not print " + text + " in " + seconds + " s");
      }
      Thread.sleep(10);
    }
  }

  /** Sends a signal by name ({@code TERM}, {@code INT}, {@code KILL}). */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
    reader.join(10_000);
  }
}
