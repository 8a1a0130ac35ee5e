package dev.qsim.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs {@link BenchMain} in a fresh JVM with this JVM's class path, for measurements that must not
 * share a process (memory peaks, native engines). The child's stdout goes line by line to a
 * handler; its stderr goes to ours.
 *
 * <p>Stateless and thread-safe.
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs the child and waits for it.
   *
   * @param what names the run in error messages
   * @param jvmArgs extra JVM options, separated by spaces
   * @param benchArgs the child's command line (benchmark name and options)
   * @param environment variables added to the child's environment unless already set
   * @param lines receives each line of the child's stdout
   * @throws IllegalStateException if the child cannot start or exits with a non-zero code
   */
  static void run(
      String what,
      String jvmArgs,
      List<String> benchArgs,
      Map<String, String> environment,
      Consumer<String> lines) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : jvmArgs.trim().split("\\s+")) {
      if (!a.isEmpty()) {
        command.add(a);
      }
    }
    command.add("-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchMain.class.getName());
    command.addAll(benchArgs);
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
    environment.forEach(pb.environment()::putIfAbsent);
    try {
      Process child = pb.start();
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.accept(line);
        }
      }
      int rc = child.waitFor();
      if (rc != 0) {
        throw new IllegalStateException(
            "The JVM for " + what + " exited with " + rc + "; its errors are above");
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start a JVM for " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + what + " ran", e);
    }
  }
}
