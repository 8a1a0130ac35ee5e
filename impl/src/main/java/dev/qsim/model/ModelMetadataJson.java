package dev.qsim.model;

import static dev.qsim.model.StrictJson.optObject;
import static dev.qsim.model.StrictJson.optString;
import static dev.qsim.model.StrictJson.present;
import static dev.qsim.model.StrictJson.requireBoolean;
import static dev.qsim.model.StrictJson.requireDouble;
import static dev.qsim.model.StrictJson.requireInt;
import static dev.qsim.model.StrictJson.requireString;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON codec of {@link ModelMetadata} ({@code qsim-model.json}, docs/model-format.md): maps the
 * tree that {@link StrictJson} reads to the metadata, naming the source and the key that is wrong,
 * and writes pretty-printed JSON. {@link ModelMetadata#parse}, {@link ModelMetadata#read}, {@link
 * ModelMetadata#toJson} and {@link ModelMetadata#write} delegate here.
 *
 * <p>Stateless and thread-safe.
 */
final class ModelMetadataJson {
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /**
   * The keys of {@code qsim-model.json}, by the object that holds them ({@code ""}: the top level,
   * {@code "verifier"}: the verifier entry, ...). Parsing rejects any other key of these objects,
   * naming the nearest known one; objects not listed here ({@code provenance}, {@code metrics},
   * {@code checksums}) are free-form. <b>A key added to the format is added here.</b>
   */
  static final Map<String, List<String>> KNOWN_KEYS =
      Map.of(
          "",
          List.of(
              "format_version",
              "name",
              "encoder_file",
              "encoder_delta",
              "tokenizer_file",
              "output",
              "pooling",
              "normalize",
              "dimension",
              "max_sequence_length",
              "similarity_function",
              "similarity_threshold",
              "pair_head_file",
              "pair_head_threshold",
              "candidate_threshold",
              "verifier",
              "precision",
              "checksums",
              "licence",
              "training_data",
              "provenance",
              "metrics"),
          "encoder_delta",
          List.of("file", "base_sha256"),
          "verifier",
          List.of(
              "file",
              "threshold",
              "max_sequence_length",
              "threshold_calibration",
              "delta",
              "cascade"),
          "verifier.delta",
          List.of("file", "base_sha256"),
          "verifier.cascade",
          List.of("lower", "upper", "calibration"));

  private ModelMetadataJson() {}

  /** See {@link ModelMetadata#read}. */
  static ModelMetadata read(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException("Model metadata file not found: " + file.toAbsolutePath());
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(reader, file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot read model metadata " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** See {@link ModelMetadata#parse}. */
  static ModelMetadata parse(Reader reader, String source) {
    JsonObject json = StrictJson.readObject(reader, source);
    try {
      StrictJson.checkKeys(json, "", KNOWN_KEYS);
      String pairHead = optString(json, "pair_head_file", null);
      Map<String, Object> provenance =
          json.has("provenance")
              ? GSON.fromJson(
                  json.get("provenance"), new TypeToken<Map<String, Object>>() {}.getType())
              : Map.of();
      Map<String, Map<String, Double>> metrics =
          json.has("metrics")
              ? GSON.fromJson(
                  json.get("metrics"),
                  new TypeToken<Map<String, Map<String, Double>>>() {}.getType())
              : Map.of();
      return new ModelMetadata(
          requireInt(json, "format_version"),
          requireString(json, "name"),
          optString(json, "encoder_file", "model.onnx"),
          delta(json, "encoder_delta"),
          optString(json, "tokenizer_file", "tokenizer.json"),
          optString(json, "output", null),
          Pooling.fromId(requireString(json, "pooling")),
          requireBoolean(json, "normalize"),
          requireInt(json, "dimension"),
          requireInt(json, "max_sequence_length"),
          SimilarityFunction.fromId(requireString(json, "similarity_function")),
          requireDouble(json, "similarity_threshold"),
          pairHead,
          pairHead == null ? Double.NaN : requireDouble(json, "pair_head_threshold"),
          present(json, "candidate_threshold")
              ? requireDouble(json, "candidate_threshold")
              : Double.NaN,
          verifier(json),
          present(json, "precision")
              ? Precision.fromId(requireString(json, "precision"))
              : Precision.FP32,
          provenance,
          metrics,
          checksums(json),
          optString(json, "licence", null),
          trainingData(json));
    } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
      throw new ModelLoadException(source + ": " + e.getMessage(), e);
    }
  }

  /** See {@link ModelMetadata#toJson}. */
  static String toJson(ModelMetadata m) {
    JsonObject json = new JsonObject();
    json.addProperty("format_version", m.formatVersion());
    json.addProperty("name", m.name());
    json.addProperty("encoder_file", m.encoderFile());
    if (m.encoderDelta() != null) {
      json.add("encoder_delta", delta(m.encoderDelta()));
    }
    json.addProperty("tokenizer_file", m.tokenizerFile());
    if (m.output() != null) {
      json.addProperty("output", m.output());
    }
    json.addProperty("pooling", m.pooling().id());
    json.addProperty("normalize", m.normalize());
    json.addProperty("dimension", m.dimension());
    json.addProperty("max_sequence_length", m.maxSequenceLength());
    json.addProperty("similarity_function", m.similarityFunction().id());
    json.addProperty("similarity_threshold", m.similarityThreshold());
    if (m.pairHeadFile() != null) {
      json.addProperty("pair_head_file", m.pairHeadFile());
      json.addProperty("pair_head_threshold", m.pairHeadThreshold());
    }
    if (!Double.isNaN(m.candidateThreshold())) {
      json.addProperty("candidate_threshold", m.candidateThreshold());
    }
    if (m.verifier() != null) {
      JsonObject v = new JsonObject();
      v.addProperty("file", m.verifier().file());
      v.addProperty("threshold", m.verifier().threshold());
      v.addProperty("max_sequence_length", m.verifier().maxSequenceLength());
      if (m.verifier().thresholdCalibration() != null) {
        v.addProperty("threshold_calibration", m.verifier().thresholdCalibration());
      }
      if (m.verifier().delta() != null) {
        v.add("delta", delta(m.verifier().delta()));
      }
      if (m.verifier().cascade() != null) {
        JsonObject c = new JsonObject();
        c.addProperty("lower", m.verifier().cascade().lower());
        c.addProperty("upper", m.verifier().cascade().upper());
        if (m.verifier().cascade().calibration() != null) {
          c.addProperty("calibration", m.verifier().cascade().calibration());
        }
        v.add("cascade", c);
      }
      json.add("verifier", v);
    }
    json.addProperty("precision", m.precision().id());
    if (m.licence() != null) {
      json.addProperty("licence", m.licence());
    }
    if (!m.trainingData().isEmpty()) {
      json.add("training_data", GSON.toJsonTree(m.trainingData()));
    }
    json.add("provenance", GSON.toJsonTree(m.provenance()));
    json.add("metrics", GSON.toJsonTree(m.metrics()));
    if (!m.checksums().isEmpty()) {
      json.add("checksums", GSON.toJsonTree(m.checksums()));
    }
    return GSON.toJson(json) + "\n";
  }

  /** See {@link ModelMetadata#write}. */
  static void write(ModelMetadata m, Path file) {
    try {
      Files.writeString(file, toJson(m), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write model metadata " + file.toAbsolutePath(), e);
    }
  }

  private static JsonObject delta(ModelMetadata.EncoderDelta delta) {
    JsonObject d = new JsonObject();
    d.addProperty("file", delta.file());
    d.addProperty("base_sha256", delta.baseSha256());
    return d;
  }

  /** The optional {@code checksums} object: file name to {@code "sha256:…"}. */
  private static Map<String, String> checksums(JsonObject json) {
    JsonObject sums = optObject(json, "checksums", "an object from file name to \"sha256:…\"");
    Map<String, String> out = new LinkedHashMap<>();
    for (String file : sums == null ? Set.<String>of() : sums.keySet()) {
      try {
        out.put(file, requireString(sums, file));
      } catch (IllegalArgumentException x) {
        throw inside("checksums.", x);
      }
    }
    return out;
  }

  /** The optional {@code training_data} array: one non-empty string per data set. */
  private static List<String> trainingData(JsonObject json) {
    if (!present(json, "training_data")) {
      return List.of();
    }
    JsonElement e = json.get("training_data");
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException(
          "key 'training_data' must be an array of strings, one data set each");
    }
    List<String> out = new ArrayList<>();
    JsonArray a = e.getAsJsonArray();
    for (int i = 0; i < a.size(); i++) {
      JsonElement x = a.get(i);
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString() || x.getAsString().isBlank()) {
        throw new IllegalArgumentException(
            "key 'training_data[" + i + "]' must be a non-empty string, was " + x);
      }
      out.add(x.getAsString());
    }
    return out;
  }

  /** The optional {@code verifier} object; its keys are reported as {@code verifier.KEY}. */
  private static ModelMetadata.Verifier verifier(JsonObject json) {
    JsonObject v =
        optObject(json, "verifier", "an object with file, threshold and max_sequence_length");
    if (v == null) {
      return null;
    }
    try {
      return new ModelMetadata.Verifier(
          requireString(v, "file"),
          requireDouble(v, "threshold"),
          requireInt(v, "max_sequence_length"),
          optString(v, "threshold_calibration", null),
          delta(v, "delta"),
          cascade(v));
    } catch (IllegalArgumentException x) {
      throw x.getMessage().startsWith("verifier.") ? x : inside("verifier.", x);
    }
  }

  /**
   * {@code encoder_delta}, or {@code verifier}'s {@code delta} (same keys): its keys are reported
   * as {@code KEY.file}, ...
   */
  private static ModelMetadata.EncoderDelta delta(JsonObject parent, String key) {
    JsonObject d = optObject(parent, key, "an object with file and base_sha256");
    if (d == null) {
      return null;
    }
    try {
      return new ModelMetadata.EncoderDelta(
          requireString(d, "file"), requireString(d, "base_sha256"));
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw m.startsWith("encoder_delta.")
          ? new IllegalArgumentException(m.replace("encoder_delta.", key + "."), x)
          : inside(key + ".", x);
    }
  }

  /** {@code verifier.cascade}: lower, upper and an optional calibration note. */
  private static ModelMetadata.Cascade cascade(JsonObject v) {
    JsonObject c = optObject(v, "cascade", "an object with lower and upper");
    if (c == null) {
      return null;
    }
    try {
      return new ModelMetadata.Cascade(
          requireDouble(c, "lower"), requireDouble(c, "upper"), optString(c, "calibration", null));
    } catch (IllegalArgumentException x) {
      throw x.getMessage().startsWith("verifier.cascade.") ? x : inside("cascade.", x);
    }
  }

  /** {@code x} with the key it names ({@code key 'k'}) inside the object {@code prefix}. */
  private static IllegalArgumentException inside(String prefix, IllegalArgumentException x) {
    return new IllegalArgumentException(x.getMessage().replace("key '", "key '" + prefix), x);
  }
}
