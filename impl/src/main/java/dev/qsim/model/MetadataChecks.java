package dev.qsim.model;

import dev.qsim.SimilarityFunction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value rules of {@code qsim-model.json} (docs/model-format.md), applied by the compact
 * constructors of {@link ModelMetadata} and its nested records however the values arrive (builder,
 * JSON reader, caller). A broken rule is an {@link IllegalArgumentException} naming the key; the
 * collections come back as the record keeps them, as unmodifiable copies.
 *
 * <p>Stateless and thread-safe.
 */
final class MetadataChecks {
  private MetadataChecks() {}

  /** The format version, the sizes and the similarity threshold. */
  static void numbers(
      int formatVersion,
      int dimension,
      int maxSequenceLength,
      SimilarityFunction function,
      double threshold) {
    if (formatVersion != ModelMetadata.FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "format_version "
              + formatVersion
              + " is not supported: this qsim reads version "
              + ModelMetadata.FORMAT_VERSION);
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
    }
    if (maxSequenceLength < 2) {
      throw new IllegalArgumentException(
          "max_sequence_length must be >= 2, was " + maxSequenceLength);
    }
    if (!function.inRange(threshold)) {
      throw new IllegalArgumentException(
          "similarity_threshold must be in the range of "
              + function.id()
              + " similarity, "
              + function.range()
              + ", was "
              + threshold);
    }
  }

  /** The pair head's threshold, a probability; {@code NaN} without a pair head file. */
  static double pairHeadThreshold(String file, double threshold) {
    if (file == null) {
      return Double.NaN;
    }
    probability("pair_head_threshold", threshold, "when pair_head_file is set");
    return threshold;
  }

  /** {@code NaN} (not recorded), else finite and at most the similarity threshold. */
  static void candidateThreshold(double candidate, double similarityThreshold) {
    if (!Double.isNaN(candidate)
        && !(Double.isFinite(candidate) && candidate <= similarityThreshold)) {
      throw new IllegalArgumentException(
          "candidate_threshold must be a finite number at most similarity_threshold ("
              + similarityThreshold
              + "), was "
              + candidate);
    }
  }

  static Map<String, Object> provenance(Map<String, Object> facts) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(facts == null ? Map.of() : facts));
  }

  static Map<String, Map<String, Double>> metrics(Map<String, Map<String, Double>> metrics) {
    Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
    if (metrics != null) {
      metrics.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    }
    return Collections.unmodifiableMap(copy);
  }

  /** File names inside the directory to well-formed sums, sorted by file name. */
  static Map<String, String> checksums(Map<String, String> checksums) {
    Map<String, String> sums = new TreeMap<>();
    if (checksums != null) {
      checksums.forEach(
          (file, sum) -> {
            if (file == null || file.isBlank() || file.startsWith("/")) {
              throw new IllegalArgumentException(
                  "checksums: '" + file + "' is not a file name inside the model directory");
            }
            sha256("checksums." + file, sum);
            sums.put(file, sum);
          });
    }
    return Collections.unmodifiableMap(sums);
  }

  static void licence(String licence) {
    if (licence != null && licence.isBlank()) {
      throw new IllegalArgumentException("licence must be a non-empty string when given");
    }
  }

  static List<String> trainingData(List<String> data) {
    if (data == null) {
      return List.of();
    }
    for (int i = 0; i < data.size(); i++) {
      if (data.get(i) == null || data.get(i).isBlank()) {
        throw new IllegalArgumentException(
            "training_data[" + i + "] must be a non-empty string (one data set per entry)");
      }
    }
    return List.copyOf(data);
  }

  static void verifier(String file, double threshold, int maxSequenceLength) {
    fileName("verifier.file", file);
    probability("verifier.threshold", threshold, "(a probability)");
    if (maxSequenceLength < 3 || maxSequenceLength > 512) {
      throw new IllegalArgumentException(
          "verifier.max_sequence_length must be in [3, 512], was " + maxSequenceLength);
    }
  }

  static void cascade(double lower, double upper) {
    probability("verifier.cascade.lower", lower, "(a pair-head probability)");
    if (!(upper >= lower && upper <= 1)) {
      throw new IllegalArgumentException(
          "verifier.cascade.upper must be in [lower, 1], was " + upper + " (lower " + lower + ")");
    }
  }

  static void fileName(String key, String file) {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException(key + " must be a non-empty file name");
    }
  }

  private static void probability(String key, double value, String note) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(key + " must be in [0, 1] " + note + ", was " + value);
    }
  }

  static void sha256(String key, String value) {
    if (value == null || !value.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          key + " must be 'sha256:' and 64 lower-case hex digits, was " + value);
    }
  }
}
