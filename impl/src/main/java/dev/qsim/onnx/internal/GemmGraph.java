package dev.qsim.onnx.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds, as ONNX protobuf bytes, the one-node graph {@code C = A · Bᵀ} (ONNX {@code Gemm} with
 * {@code transB = 1}, opset 13, float32, dynamic shapes) that the duplicate search runs on ONNX
 * Runtime's optimised matrix kernels.
 *
 * <p>The encoding follows {@code onnx.proto}: only the handful of fields this graph needs are
 * written.
 *
 * <p>Internal: public only so that qsim's own modules (the benchmarks' brute-force recall check)
 * run the same product; not part of the API and may change without notice. Stateless and
 * thread-safe.
 */
public final class GemmGraph {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;

  private GemmGraph() {}

  // Inputs A [m, k] and B [n, k], output C [m, n].
  /**
   * The serialised model.
   *
   * @return the ONNX model bytes, a new array each call
   */
  public static byte[] bytes() {
    Message node =
        new Message()
            .string(1, "A")
            .string(1, "B")
            .string(2, "C")
            .string(3, "scores")
            .string(4, "Gemm")
            .message(5, new Message().string(1, "transB").varint(3, 1).varint(20, ATTRIBUTE_INT));
    Message graph =
        new Message()
            .message(1, node)
            .string(2, "qsim-pairwise-scores")
            .message(11, matrix("A", "m", "k"))
            .message(11, matrix("B", "n", "k"))
            .message(12, matrix("C", "m", "n"));
    Message model =
        new Message()
            .varint(1, 7) // ir_version
            .string(2, "qsim")
            .message(7, graph)
            .message(
                8,
                new Message()
                    .string(1, "")
                    .varint(2, 13)); // opset_import: default domain, opset 13
    return model.toByteArray();
  }

  private static Message matrix(String name, String rows, String cols) {
    Message shape =
        new Message()
            .message(1, new Message().string(2, rows))
            .message(1, new Message().string(2, cols));
    Message tensor = new Message().varint(1, FLOAT).message(2, shape);
    return new Message().string(1, name).message(2, new Message().message(1, tensor));
  }

  /** A protobuf message being written field by field. */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message varint(int field, long value) {
      writeVarint((long) field << 3 | VARINT);
      writeVarint(value);
      return this;
    }

    Message string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return bytes(field, value.toByteArray());
    }

    private Message bytes(int field, byte[] value) {
      writeVarint((long) field << 3 | LENGTH_DELIMITED);
      writeVarint(value.length);
      out.write(value, 0, value.length);
      return this;
    }

    private void writeVarint(long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
