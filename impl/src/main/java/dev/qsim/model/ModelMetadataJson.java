package dev.qsim.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.Reader;
import java.util.Map;

/**
 * The JSON codec of {@link ModelMetadata} ({@code qsim-model.json}, docs/model-format.md): parses
 * and validates, naming the source and the key that is wrong, and writes pretty-printed JSON.
 * {@link ModelMetadata#parse}, {@link ModelMetadata#read} and {@link ModelMetadata#toJson} delegate
 * here.
 *
 * <p>Stateless and thread-safe.
 */
final class ModelMetadataJson {
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private ModelMetadataJson() {}

  /** See {@link ModelMetadata#parse}. */
  static ModelMetadata parse(Reader reader, String source) {
    JsonObject json;
    try {
      JsonElement root = JsonParser.parseReader(reader);
      if (!root.isJsonObject()) {
        throw new ModelLoadException(source + ": expected a JSON object at the top level");
      }
      json = root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new ModelLoadException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    try {
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
          encoderDelta(json),
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
          json.has("candidate_threshold") && !json.get("candidate_threshold").isJsonNull()
              ? requireDouble(json, "candidate_threshold")
              : Double.NaN,
          verifier(json),
          json.has("precision") && !json.get("precision").isJsonNull()
              ? Precision.fromId(requireString(json, "precision"))
              : Precision.FP32,
          provenance,
          metrics);
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
      JsonObject d = new JsonObject();
      d.addProperty("file", m.encoderDelta().file());
      d.addProperty("base_sha256", m.encoderDelta().baseSha256());
      json.add("encoder_delta", d);
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
      json.add("verifier", v);
    }
    json.addProperty("precision", m.precision().id());
    json.add("provenance", GSON.toJsonTree(m.provenance()));
    json.add("metrics", GSON.toJsonTree(m.metrics()));
    return GSON.toJson(json) + "\n";
  }

  /**
   * The optional {@code encoder_delta} object; its keys are reported as {@code encoder_delta.KEY}.
   */
  private static ModelMetadata.EncoderDelta encoderDelta(JsonObject json) {
    JsonElement e = json.get("encoder_delta");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException(
          "key 'encoder_delta' must be an object with file and base_sha256");
    }
    JsonObject d = e.getAsJsonObject();
    try {
      return new ModelMetadata.EncoderDelta(
          requireString(d, "file"), requireString(d, "base_sha256"));
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw new IllegalArgumentException(
          m.startsWith("encoder_delta.") ? m : m.replace("key '", "key 'encoder_delta."), x);
    }
  }

  /** The optional {@code verifier} object; its keys are reported as {@code verifier.KEY}. */
  private static ModelMetadata.Verifier verifier(JsonObject json) {
    JsonElement e = json.get("verifier");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException(
          "key 'verifier' must be an object with file, threshold and max_sequence_length");
    }
    JsonObject v = e.getAsJsonObject();
    try {
      return new ModelMetadata.Verifier(
          requireString(v, "file"),
          requireDouble(v, "threshold"),
          requireInt(v, "max_sequence_length"),
          optString(v, "threshold_calibration", null));
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw new IllegalArgumentException(
          m.startsWith("verifier.") ? m : m.replace("key '", "key 'verifier."), x);
    }
  }

  private static JsonPrimitive require(JsonObject json, String key) {
    JsonElement e = json.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing required key '" + key + "'");
    }
    if (!e.isJsonPrimitive()) {
      throw new IllegalArgumentException("key '" + key + "' must be a string, number or boolean");
    }
    return e.getAsJsonPrimitive();
  }

  private static String requireString(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isString() || p.getAsString().isBlank()) {
      throw new IllegalArgumentException("key '" + key + "' must be a non-empty string");
    }
    return p.getAsString();
  }

  private static String optString(JsonObject json, String key, String fallback) {
    return json.has(key) && !json.get(key).isJsonNull() ? requireString(json, key) : fallback;
  }

  private static int requireInt(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
      throw new IllegalArgumentException("key '" + key + "' must be an integer, was " + p);
    }
    return p.getAsInt();
  }

  private static double requireDouble(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isNumber()) {
      throw new IllegalArgumentException("key '" + key + "' must be a number, was " + p);
    }
    return p.getAsDouble();
  }

  private static boolean requireBoolean(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isBoolean()) {
      throw new IllegalArgumentException("key '" + key + "' must be true or false, was " + p);
    }
    return p.getAsBoolean();
  }
}
