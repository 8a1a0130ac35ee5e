package dev.qsim.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qsim.ModelLoadException;
import dev.qsim.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code pair-head.json} format (docs/model-format.md), read and written here only: a small
 * feed-forward network over the features {@code [u, v, |u - v|, u * v]} of two embeddings, as a
 * list of dense layers with weights {@code [out][in]}, a bias and an activation ({@code relu},
 * {@code tanh} or {@code identity}; the last one {@code sigmoid} with 1 output or {@code softmax}
 * with 2). Weights are written with 6 significant digits (relative error at most 5e-6).
 *
 * <p>Stateless and thread-safe.
 */
public final class PairHeadFile {
  /** The only feature layout: both vectors, their absolute difference and product. */
  public static final String FEATURES = "u,v,|u-v|,u*v";

  private static final MathContext SIGNIFICANT = new MathContext(6, RoundingMode.HALF_EVEN);

  private PairHeadFile() {}

  /**
   * One dense layer. The arrays are the caller's (or the parser's) own: not copied.
   *
   * @param weights {@code [out][in]}
   * @param bias {@code [out]}
   * @param activation {@code relu}, {@code tanh}, {@code identity}, {@code sigmoid} or {@code
   *     softmax}
   */
  public record Layer(float[][] weights, float[] bias, String activation) {}

  /**
   * Reads and checks a pair head.
   *
   * @param source opens the JSON document
   * @param dimension the embedding size the head must take
   * @param where names the file in messages
   * @return the layers, first to last
   * @throws ModelLoadException naming {@code where} and the problem if it cannot be read or is
   *     malformed
   */
  public static List<Layer> read(Source source, int dimension, String where) {
    try (InputStream in = source.open();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(JsonParser.parseReader(reader).getAsJsonObject(), dimension);
    } catch (IOException
        | JsonParseException
        | IllegalStateException
        | IllegalArgumentException e) {
      throw new ModelLoadException("Invalid pair head " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a pair head given as JSON.
   *
   * @param json the document
   * @param dimension the embedding size the head must take
   * @return the layers, first to last
   * @throws IllegalArgumentException saying what is wrong
   */
  public static List<Layer> parse(JsonObject json, int dimension) {
    if (!json.has("format_version") || json.get("format_version").getAsInt() != 1) {
      throw new IllegalArgumentException("format_version must be 1");
    }
    String features = json.has("features") ? json.get("features").getAsString() : FEATURES;
    if (!features.replace(" ", "").equals(FEATURES)) {
      throw new IllegalArgumentException(
          "unsupported features '" + features + "'; expected " + FEATURES);
    }
    JsonArray array = json.getAsJsonArray("layers");
    if (array == null || array.isEmpty()) {
      throw new IllegalArgumentException("no layers");
    }
    List<Layer> layers = new ArrayList<>();
    int in = 4 * dimension;
    for (int l = 0; l < array.size(); l++) {
      JsonObject layer = array.get(l).getAsJsonObject();
      JsonArray rows = layer.getAsJsonArray("weights");
      float[][] w = new float[rows.size()][];
      for (int o = 0; o < w.length; o++) {
        JsonArray row = rows.get(o).getAsJsonArray();
        if (row.size() != in) {
          throw new IllegalArgumentException(
              "layer " + l + " row " + o + " has " + row.size() + " weights, expected " + in);
        }
        w[o] = new float[in];
        for (int i = 0; i < in; i++) {
          w[o][i] = row.get(i).getAsFloat();
        }
      }
      float[] b = new float[w.length];
      JsonArray bias = layer.getAsJsonArray("bias");
      if (bias == null || bias.size() != w.length) {
        throw new IllegalArgumentException(
            "layer " + l + " needs a bias of " + w.length + " values");
      }
      for (int o = 0; o < b.length; o++) {
        b[o] = bias.get(o).getAsFloat();
      }
      JsonElement act = layer.get("activation");
      String activation = act == null ? "identity" : act.getAsString();
      boolean last = l == array.size() - 1;
      if (last) {
        if (!(activation.equals("sigmoid") && w.length == 1)
            && !(activation.equals("softmax") && w.length == 2)) {
          throw new IllegalArgumentException(
              "the last layer must be 1 output with sigmoid or 2 outputs with softmax, was "
                  + w.length
                  + " with "
                  + activation);
        }
      } else if (!List.of("relu", "tanh", "identity").contains(activation)) {
        throw new IllegalArgumentException(
            "layer " + l + " has unsupported activation '" + activation + "'");
      }
      layers.add(new Layer(w, b, activation));
      in = w.length;
    }
    return layers;
  }

  /**
   * A pair head as JSON.
   *
   * @param layers the layers, first to last
   * @return the document
   */
  public static JsonObject toJson(List<Layer> layers) {
    JsonObject root = new JsonObject();
    root.addProperty("format_version", 1);
    root.addProperty("features", FEATURES);
    JsonArray array = new JsonArray();
    for (Layer layer : layers) {
      JsonArray rows = new JsonArray();
      for (float[] weights : layer.weights()) {
        JsonArray row = new JsonArray();
        for (float w : weights) {
          row.add(compact(w));
        }
        rows.add(row);
      }
      JsonArray biases = new JsonArray();
      for (float b : layer.bias()) {
        biases.add(compact(b));
      }
      JsonObject json = new JsonObject();
      json.add("weights", rows);
      json.add("bias", biases);
      json.addProperty("activation", layer.activation());
      array.add(json);
    }
    root.add("layers", array);
    return root;
  }

  /**
   * Writes a pair head atomically ({@link AtomicFiles}), replacing any file there.
   *
   * @param file the destination
   * @param layers the layers, first to last
   * @throws dev.qsim.QsimException naming the file if it cannot be written
   */
  public static void write(Path file, List<Layer> layers) {
    String json = toJson(layers).toString();
    AtomicFiles.writeText(file, "pair head", w -> w.write(json));
  }

  /** A weight rounded to 6 significant digits, to keep the JSON small. */
  static BigDecimal compact(float value) {
    return new BigDecimal(Float.toString(value)).round(SIGNIFICANT).stripTrailingZeros();
  }

  /** Opens a document. */
  @FunctionalInterface
  public interface Source {
    /**
     * Opens it.
     *
     * @return a fresh stream
     * @throws IOException if it cannot be opened
     */
    InputStream open() throws IOException;
  }
}
