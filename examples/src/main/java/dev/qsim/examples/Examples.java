package dev.qsim.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the examples share. Stateless and thread-safe. */
final class Examples {
  private Examples() {}

  /**
   * Keeps DJL from reaching the network: qsim needs nothing downloaded. Must run before the first
   * DJL class loads, so every example's {@code main} calls it first.
   */
  static void configureOffline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /**
   * The Quora dev file: the given path, else {@code ../shared/data/quora/dev.tsv} seen from the
   * project root or from a module directory.
   */
  static Path quoraDev(String[] args) {
    if (args.length > 0) {
      return Path.of(args[0]);
    }
    Path fromRoot = Path.of("..", "shared", "data", "quora", "dev.tsv");
    Path fromModule = Path.of("..", "..", "shared", "data", "quora", "dev.tsv");
    return Files.exists(fromRoot) || !Files.exists(fromModule) ? fromRoot : fromModule;
  }
}
