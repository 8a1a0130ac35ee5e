package dev.qsim.training;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qsim.data.LabelledPair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks and fingerprints of the training pairs a {@link SiameseTrainer} is given. Stateless. */
final class TrainingPairs {
  private TrainingPairs() {}

  /**
   * Refuses calibration pairs of one class: no threshold can be calibrated on them (the model would
   * call every pair a duplicate, or almost none).
   */
  static void requireBothClasses(
      TrainingConfig config, List<LabelledPair> pairs, boolean trainingPairs) {
    int duplicates = 0;
    for (LabelledPair p : pairs) {
      if (config.isDuplicate(p.label())) {
        duplicates++;
      }
    }
    if (duplicates == 0 || duplicates == pairs.size()) {
      String source = pairs.isEmpty() ? "" : " (" + sources(pairs) + ")";
      throw new TrainingException(
          "Cannot calibrate a duplicate threshold: all "
              + pairs.size()
              + (trainingPairs ? " training pairs" : " calibration pairs")
              + source
              + (duplicates == 0 ? " are non-duplicates" : " are duplicates")
              + ". Use data with both classes (quora/train.csv is sorted by label: do not take"
              + " its first rows), or name a labelled file with both classes in --calibrate.");
    }
  }

  static String sources(List<LabelledPair> pairs) {
    LinkedHashSet<String> files = new LinkedHashSet<>();
    for (LabelledPair p : pairs) {
      files.add(p.source());
    }
    return String.join(", ", files);
  }

  /** The training data as checkpoints record it: source files, pair count, SHA-256 of the pairs. */
  static JsonObject fingerprint(List<LabelledPair> pairs) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    JsonArray files = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (LabelledPair p : pairs) {
      if (seen.add(p.source())) {
        files.add(p.source());
      }
      digest.update(
          (p.first() + "\t" + p.second() + "\t" + p.label() + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    JsonObject json = new JsonObject();
    json.add("files", files);
    json.addProperty("pairs", pairs.size());
    json.addProperty("sha256", HexFormat.of().formatHex(digest.digest()));
    return json;
  }
}
