package dev.qsim.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.List;
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

  /** See {@link ModelMetadata#parse}. */
  static ModelMetadata parse(Reader reader, String source) {
    JsonObject json;
    try {
      JsonReader in = new JsonReader(reader);
      in.setLenient(false);
      if (in.peek() != JsonToken.BEGIN_OBJECT) {
        throw new ModelLoadException(source + ": expected a JSON object at the top level");
      }
      json = readStrict(in, "").getAsJsonObject();
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new ModelLoadException(
            source + ": text after the top-level JSON object, at " + in.getPath());
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new ModelLoadException(source + ": not valid JSON: " + e.getMessage(), e);
    } catch (DuplicateKeyException e) {
      throw new ModelLoadException(source + ": " + e.getMessage(), e);
    }
    try {
      checkKeys(json, "");
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
      if (m.verifier().delta() != null) {
        JsonObject d = new JsonObject();
        d.addProperty("file", m.verifier().delta().file());
        d.addProperty("base_sha256", m.verifier().delta().baseSha256());
        v.add("delta", d);
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

  /** A key that occurs twice in one JSON object. */
  private static final class DuplicateKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DuplicateKeyException(String message) {
      super(message);
    }
  }

  /**
   * Reads one JSON value as Gson's tree, refusing what Gson's own parser lets through: a key that
   * occurs twice in an object (Gson keeps the last), and lenient syntax. Numbers keep their literal
   * text ({@link BigDecimal}), so that ranges are checked before narrowing.
   */
  private static JsonElement readStrict(JsonReader in, String path) throws IOException {
    switch (in.peek()) {
      case BEGIN_OBJECT:
        JsonObject object = new JsonObject();
        in.beginObject();
        while (in.hasNext()) {
          String name = in.nextName();
          String key = path.isEmpty() ? name : path + "." + name;
          if (object.has(name)) {
            throw new DuplicateKeyException(
                "duplicate key '" + key + "': each key may occur once in an object");
          }
          object.add(name, readStrict(in, key));
        }
        in.endObject();
        return object;
      case BEGIN_ARRAY:
        JsonArray array = new JsonArray();
        in.beginArray();
        for (int i = 0; in.hasNext(); i++) {
          array.add(readStrict(in, path + "[" + i + "]"));
        }
        in.endArray();
        return array;
      case STRING:
        return new JsonPrimitive(in.nextString());
      case NUMBER:
        return new JsonPrimitive(new BigDecimal(in.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(in.nextBoolean());
      case NULL:
        in.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new IllegalStateException("unexpected " + in.peek() + " at " + in.getPath());
    }
  }

  /**
   * Rejects keys that {@link #KNOWN_KEYS} does not list for {@code path}'s object and for the
   * listed objects inside it, naming the key and the nearest known one.
   */
  private static void checkKeys(JsonObject object, String path) {
    List<String> known = KNOWN_KEYS.get(path);
    if (known == null) {
      return;
    }
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (!known.contains(e.getKey())) {
        String nearest = known.get(0);
        int best = Integer.MAX_VALUE;
        for (String k : known) {
          int d = editDistance(e.getKey(), k);
          if (d < best) {
            best = d;
            nearest = k;
          }
        }
        throw new IllegalArgumentException(
            "unknown key '"
                + key
                + "' (the nearest known key is '"
                + (path.isEmpty() ? nearest : path + "." + nearest)
                + "'; docs/model-format.md lists them)");
      }
      if (e.getValue().isJsonObject()) {
        checkKeys(e.getValue().getAsJsonObject(), key);
      }
    }
  }

  /** Levenshtein distance, case-insensitive. */
  private static int editDistance(String a, String b) {
    a = a.toLowerCase(java.util.Locale.ROOT);
    b = b.toLowerCase(java.util.Locale.ROOT);
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The optional {@code checksums} object: file name to {@code "sha256:…"}. */
  private static Map<String, String> checksums(JsonObject json) {
    JsonElement e = json.get("checksums");
    if (e == null || e.isJsonNull()) {
      return Map.of();
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException(
          "key 'checksums' must be an object from file name to \"sha256:…\"");
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
      out.put(f.getKey(), requireString(e.getAsJsonObject(), f.getKey(), "checksums."));
    }
    return out;
  }

  /** The optional {@code training_data} array: one non-empty string per data set. */
  private static List<String> trainingData(JsonObject json) {
    JsonElement e = json.get("training_data");
    if (e == null || e.isJsonNull()) {
      return List.of();
    }
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException(
          "key 'training_data' must be an array of strings, one data set each");
    }
    List<String> out = new java.util.ArrayList<>();
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

  private static String requireString(JsonObject json, String key, String prefix) {
    try {
      return requireString(json, key);
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(x.getMessage().replace("key '", "key '" + prefix), x);
    }
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
          optString(v, "threshold_calibration", null),
          verifierDelta(v),
          cascade(v));
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw new IllegalArgumentException(
          m.startsWith("verifier.") ? m : m.replace("key '", "key 'verifier."), x);
    }
  }

  /** {@code verifier.delta}: the same keys as {@code encoder_delta}. */
  private static ModelMetadata.EncoderDelta verifierDelta(JsonObject v) {
    JsonElement e = v.get("delta");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("key 'delta' must be an object with file and base_sha256");
    }
    JsonObject d = e.getAsJsonObject();
    try {
      return new ModelMetadata.EncoderDelta(
          requireString(d, "file"), requireString(d, "base_sha256"));
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(
          x.getMessage().replace("encoder_delta.", "delta.").replace("key '", "key 'delta."), x);
    }
  }

  /** {@code verifier.cascade}: lower, upper and an optional calibration note. */
  private static ModelMetadata.Cascade cascade(JsonObject v) {
    JsonElement e = v.get("cascade");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("key 'cascade' must be an object with lower and upper");
    }
    JsonObject c = e.getAsJsonObject();
    try {
      return new ModelMetadata.Cascade(
          requireDouble(c, "lower"), requireDouble(c, "upper"), optString(c, "calibration", null));
    } catch (IllegalArgumentException x) {
      String m = x.getMessage();
      throw new IllegalArgumentException(
          m.startsWith("verifier.cascade.") ? m : m.replace("key '", "key 'cascade."), x);
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
    if (!p.isNumber()) {
      throw new IllegalArgumentException("key '" + key + "' must be an integer, was " + p);
    }
    // Checked on the literal before narrowing: 99999999999999999999 is not 1661992959.
    BigDecimal value = p.getAsBigDecimal();
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("key '" + key + "' must be an integer, was " + p);
    }
    if (value.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
        || value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(
          "key '"
              + key
              + "' must be an integer from "
              + Integer.MIN_VALUE
              + " to "
              + Integer.MAX_VALUE
              + ", was "
              + p);
    }
    return value.intValueExact();
  }

  private static double requireDouble(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isNumber()) {
      throw new IllegalArgumentException("key '" + key + "' must be a number, was " + p);
    }
    double value = p.getAsDouble();
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "key '" + key + "' must be a finite number (a double), was " + p);
    }
    return value;
  }

  private static boolean requireBoolean(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isBoolean()) {
      throw new IllegalArgumentException("key '" + key + "' must be true or false, was " + p);
    }
    return p.getAsBoolean();
  }
}
