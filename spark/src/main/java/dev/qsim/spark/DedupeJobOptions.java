package dev.qsim.spark;

import dev.qsim.DuplicateOptions;
import dev.qsim.SearchMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The arguments of {@link DedupeJob}, read by picocli as {@code qsim}'s are. Not thread-safe: one
 * parse, then read-only.
 */
@Command(
    name = "DedupeJob",
    sortOptions = false,
    description = "Finds the duplicate groups of a text file, one question per line, on Spark.")
final class DedupeJobOptions {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "One question per line.")
  String input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "A new directory: groups.jsonl and pairs/ (Parquet).")
  String output;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master, e.g. local[2] to run without a cluster.")
  String master;

  @Option(
      names = "--model",
      paramLabel = "NAME|DIR",
      description = "A bundled model's name or a model directory (default: the bundled model).")
  String model;

  @Option(names = "--threshold", paramLabel = "T", description = "As for qsim dedupe.")
  Double threshold;

  @Option(names = "--candidate-threshold", paramLabel = "S", description = "As for qsim dedupe.")
  Double candidateThreshold;

  @Option(
      names = "--search",
      paramLabel = "exact|approximate|auto",
      description = "As for qsim dedupe.")
  SearchMode search;

  @Option(names = "--top-k", paramLabel = "K", description = "As for qsim dedupe.")
  Integer topK;

  @Option(names = "--max-pairs", paramLabel = "N", description = "As for qsim dedupe.")
  Integer maxPairs;

  @Option(
      names = "--buckets",
      paramLabel = "N",
      description = "Buckets of the approximate search (0: chosen by size).")
  Integer buckets;

  @Option(
      names = "--probes",
      paramLabel = "N",
      description = "Buckets searched per question in the approximate search.")
  Integer probes;

  /**
   * Reads and checks the arguments.
   *
   * @throws IllegalArgumentException naming the argument that is missing, unknown or out of range
   */
  static DedupeJobOptions parse(String[] args) {
    DedupeJobOptions o = new DedupeJobOptions();
    try {
      new CommandLine(o).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    atLeast("--buckets", o.buckets, 0);
    atLeast("--probes", o.probes, 1);
    atLeast("--top-k", o.topK, 1);
    atLeast("--max-pairs", o.maxPairs, 1);
    finite("--threshold", o.threshold);
    finite("--candidate-threshold", o.candidateThreshold);
    return o;
  }

  /** The usage text. */
  static String usage() {
    return new CommandLine(new DedupeJobOptions()).getUsageMessage();
  }

  /** The SDK's options that the arguments name, as {@code qsim dedupe} builds them. */
  DuplicateOptions duplicateOptions() {
    DuplicateOptions o = DuplicateOptions.defaults();
    if (threshold != null) {
      o = o.withThreshold(threshold);
    }
    if (candidateThreshold != null) {
      o = o.withCandidateThreshold(candidateThreshold);
    }
    if (search != null) {
      o = o.withSearch(search);
    }
    if (topK != null) {
      o = o.withTopKPerQuestion(topK);
    }
    if (maxPairs != null) {
      o = o.withMaxPairs(maxPairs);
    }
    return o;
  }

  private static void atLeast(String name, Integer value, int min) {
    if (value != null && value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
  }

  private static void finite(String name, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number, was " + value);
    }
  }
}
