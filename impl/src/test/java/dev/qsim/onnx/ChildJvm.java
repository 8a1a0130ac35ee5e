package dev.qsim.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a fresh JVM, so that a native crash fails a test. */
final class ChildJvm {
  private ChildJvm() {}

  /** A finished child: its exit code and its stdout and stderr together. */
  record Result(int exitCode, String output) {}

  static Result run(Class<?> main, List<String> jvmOptions, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read while it runs, so a full pipe never blocks the child.
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                out.append(
                    new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.append("(cannot read the child's output: ").append(e).append(')');
              }
            },
            "child-jvm-output");
    reader.start();
    if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      reader.join();
      throw new AssertionError(
          main.getSimpleName() + " did not finish in " + timeoutSeconds + " s; output:\n" + out);
    }
    reader.join();
    return new Result(child.exitValue(), out.toString());
  }
}
