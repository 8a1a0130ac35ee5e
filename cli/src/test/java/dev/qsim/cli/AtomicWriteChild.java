package dev.qsim.cli;

import dev.qsim.io.AtomicFiles;
import java.nio.file.Path;

/**
 * The child of {@link AtomicFilesTest}: starts an atomic write of {@code args[0]}, writes part of
 * it, prints {@code WRITING} and waits inside the write window until it is killed.
 */
final class AtomicWriteChild {
  private AtomicWriteChild() {}

  public static void main(String[] args) {
    AtomicFiles.writeText(
        Path.of(args[0]),
        "output",
        writer -> {
          writer.write("half of a new output\n");
          writer.flush();
          System.out.println("WRITING");
          System.out.flush();
          try {
            Thread.sleep(120_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    System.out.println("FINISHED (should have been killed)");
  }
}
