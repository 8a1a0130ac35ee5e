package dev.qsim.quantize;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qsim.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The safetensors file format (an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), for the two dtypes qsim
 * stores: {@code F32} and {@code I8}.
 *
 * <p>Stateless; not a public API.
 */
final class SafeTensors {
  private static final Gson GSON = new Gson();

  private SafeTensors() {}

  /** One tensor: {@code F32} values or {@code I8} values, and its shape. */
  record Tensor(long[] shape, float[] f32, byte[] i8) {
    static Tensor of(long[] shape, float[] values) {
      return new Tensor(shape.clone(), values, null);
    }

    static Tensor of(long[] shape, byte[] values) {
      return new Tensor(shape.clone(), null, values);
    }

    String dtype() {
      return f32 != null ? "F32" : "I8";
    }

    int byteSize() {
      return f32 != null ? f32.length * 4 : i8.length;
    }
  }

  /** A file's tensors by name (in name order) and its {@code __metadata__} strings. */
  record Contents(SortedMap<String, Tensor> tensors, Map<String, String> metadata) {}

  /** Serialises tensors, in name order, with string metadata. */
  static byte[] write(SortedMap<String, Tensor> tensors, Map<String, String> metadata) {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      JsonObject entry = new JsonObject();
      entry.addProperty("dtype", t.dtype());
      entry.add("shape", GSON.toJsonTree(t.shape()));
      entry.add("data_offsets", GSON.toJsonTree(new long[] {offset, offset + t.byteSize()}));
      header.add(e.getKey(), entry);
      offset += t.byteSize();
    }
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset));
    out.order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Tensor t : tensors.values()) {
      if (t.f32() != null) {
        for (float v : t.f32()) {
          out.putFloat(v);
        }
      } else {
        out.put(t.i8());
      }
    }
    return out.array();
  }

  /**
   * Parses a file, checking every byte range and shape.
   *
   * @param what the file, for messages
   * @throws ModelLoadException naming the file and what is wrong with it
   */
  static Contents read(byte[] bytes, String what) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw bad(what, "it is " + bytes.length + " bytes long, shorter than its header length");
    }
    long headerLength = in.getLong();
    if (headerLength < 2 || headerLength > bytes.length - 8) {
      throw bad(
          what,
          "its header length " + headerLength + " does not fit its " + bytes.length + " bytes");
    }
    JsonObject header;
    try {
      JsonElement parsed =
          JsonParser.parseString(
              new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).trim());
      if (!parsed.isJsonObject()) {
        throw bad(what, "its header is not a JSON object");
      }
      header = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw bad(what, "its header is not valid JSON: " + e.getMessage());
    }
    int dataStart = (int) (8 + headerLength);
    long dataLength = bytes.length - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    SortedMap<String, Tensor> tensors = new TreeMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      String name = e.getKey();
      try {
        if (name.equals("__metadata__")) {
          e.getValue()
              .getAsJsonObject()
              .entrySet()
              .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
          continue;
        }
        JsonObject entry = e.getValue().getAsJsonObject();
        String dtype = entry.get("dtype").getAsString();
        long[] shape = GSON.fromJson(entry.get("shape"), long[].class);
        long[] range = GSON.fromJson(entry.get("data_offsets"), long[].class);
        long count = 1;
        for (long d : shape) {
          if (d < 0) {
            throw bad(what, "tensor '" + name + "' has a negative dimension");
          }
          count = Math.multiplyExact(count, d);
        }
        int width =
            switch (dtype) {
              case "F32" -> 4;
              case "I8" -> 1;
              default ->
                  throw bad(
                      what, "tensor '" + name + "' has dtype " + dtype + "; qsim reads F32 and I8");
            };
        if (range == null
            || range.length != 2
            || range[0] < 0
            || range[1] < range[0]
            || range[1] > dataLength
            || range[1] - range[0] != count * width) {
          throw bad(
              what,
              "tensor '"
                  + name
                  + "' has data_offsets that do not hold "
                  + count
                  + " "
                  + dtype
                  + " values within the file's "
                  + dataLength
                  + " data bytes");
        }
        ranges.add(range);
        ByteBuffer data =
            ByteBuffer.wrap(bytes, dataStart + (int) range[0], (int) (range[1] - range[0]))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
          float[] v = new float[(int) count];
          data.asFloatBuffer().get(v);
          tensors.put(name, Tensor.of(shape, v));
        } else {
          byte[] v = new byte[(int) count];
          data.get(v);
          tensors.put(name, Tensor.of(shape, v));
        }
      } catch (IllegalStateException | UnsupportedOperationException | NullPointerException x) {
        throw bad(
            what, "header entry '" + name + "' is not a tensor entry (dtype, shape, data_offsets)");
      } catch (ArithmeticException | JsonParseException x) {
        throw bad(what, "header entry '" + name + "' is invalid: " + x.getMessage());
      }
    }
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
        throw bad(what, "two tensors share bytes of the data section");
      }
    }
    return new Contents(tensors, metadata);
  }

  private static ModelLoadException bad(String what, String problem) {
    return new ModelLoadException(what + " is not a valid safetensors file: " + problem);
  }
}
