package dev.qsim.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.qsim.ModelLoadException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A strict JSON reader for the model directory's files: refuses lenient syntax and duplicate keys,
 * keeps numbers as written until they are range-checked, rejects unknown keys naming the nearest
 * known one, and reads typed values whose errors name the key ({@code "key 'x' must be …"}; callers
 * add the enclosing object to the name). {@link ModelMetadataJson} maps its tree to {@link
 * ModelMetadata}.
 *
 * <p>Stateless and thread-safe.
 */
final class StrictJson {
  private StrictJson() {}

  /**
   * Reads a document that is one JSON object.
   *
   * @throws ModelLoadException naming {@code source} if the text is not valid JSON, not an object,
   *     or has a key twice in one object
   */
  static JsonObject readObject(Reader reader, String source) {
    try {
      JsonReader in = new JsonReader(reader);
      in.setStrictness(Strictness.LEGACY_STRICT);
      if (in.peek() != JsonToken.BEGIN_OBJECT) {
        throw new ModelLoadException(source + ": expected a JSON object at the top level");
      }
      JsonObject json = readStrict(in, "", source).getAsJsonObject();
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new ModelLoadException(
            source + ": text after the top-level JSON object, at " + in.getPath());
      }
      return json;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new ModelLoadException(source + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Reads one JSON value as Gson's tree, refusing what Gson's own parser lets through: a key that
   * occurs twice in an object (Gson keeps the last), and lenient syntax. Numbers keep their literal
   * text ({@link BigDecimal}), so that ranges are checked before narrowing.
   */
  private static JsonElement readStrict(JsonReader in, String path, String source)
      throws IOException {
    switch (in.peek()) {
      case BEGIN_OBJECT:
        JsonObject object = new JsonObject();
        in.beginObject();
        while (in.hasNext()) {
          String name = in.nextName();
          String key = path.isEmpty() ? name : path + "." + name;
          if (object.has(name)) {
            throw new ModelLoadException(
                source + ": duplicate key '" + key + "': each key may occur once in an object");
          }
          object.add(name, readStrict(in, key, source));
        }
        in.endObject();
        return object;
      case BEGIN_ARRAY:
        JsonArray array = new JsonArray();
        in.beginArray();
        for (int i = 0; in.hasNext(); i++) {
          array.add(readStrict(in, path + "[" + i + "]", source));
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
   * Rejects keys that {@code knownKeys} does not list for {@code path}'s object and for the listed
   * objects inside it, naming the key and the nearest known one; objects not listed are free-form.
   */
  static void checkKeys(JsonObject object, String path, Map<String, List<String>> knownKeys) {
    List<String> known = knownKeys.get(path);
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
        checkKeys(e.getValue().getAsJsonObject(), key, knownKeys);
      }
    }
  }

  /** Levenshtein distance, case-insensitive. */
  private static int editDistance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
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

  /** Whether {@code key} is there and not {@code null}. */
  static boolean present(JsonObject json, String key) {
    return json.has(key) && !json.get(key).isJsonNull();
  }

  /** The object at {@code key}, {@code null} if absent; an error saying it must be {@code what}. */
  static JsonObject optObject(JsonObject json, String key, String what) {
    if (!present(json, key)) {
      return null;
    }
    if (!json.get(key).isJsonObject()) {
      throw new IllegalArgumentException("key '" + key + "' must be " + what);
    }
    return json.getAsJsonObject(key);
  }

  private static JsonPrimitive require(JsonObject json, String key) {
    if (!present(json, key)) {
      throw new IllegalArgumentException("missing required key '" + key + "'");
    }
    JsonElement e = json.get(key);
    if (!e.isJsonPrimitive()) {
      throw new IllegalArgumentException("key '" + key + "' must be a string, number or boolean");
    }
    return e.getAsJsonPrimitive();
  }

  static String requireString(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isString() || p.getAsString().isBlank()) {
      throw new IllegalArgumentException("key '" + key + "' must be a non-empty string");
    }
    return p.getAsString();
  }

  static String optString(JsonObject json, String key, String fallback) {
    return present(json, key) ? requireString(json, key) : fallback;
  }

  static int requireInt(JsonObject json, String key) {
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

  static double requireDouble(JsonObject json, String key) {
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

  static boolean requireBoolean(JsonObject json, String key) {
    JsonPrimitive p = require(json, key);
    if (!p.isBoolean()) {
      throw new IllegalArgumentException("key '" + key + "' must be true or false, was " + p);
    }
    return p.getAsBoolean();
  }
}
