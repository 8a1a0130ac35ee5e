package dev.qsim.training.minilm;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs an ONNX encoder with ONNX Runtime's own Java API: the independent reference for the DJL
 * block.
 */
final class OrtReference implements AutoCloseable {

  private final OrtSession session;

  private OrtReference(byte[] model) throws OrtException {
    // DJL's OnnxRuntime engine (used by qsim-impl) creates the process-wide environment with its
    // own thread pool
    // options and fails if one exists already: let it create it first.
    Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(model, options);
    }
  }

  static OrtReference bundled() throws OrtException {
    try (InputStream in =
        OrtReference.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      return new OrtReference(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OrtReference of(Path file) throws OrtException {
    try {
      return new OrtReference(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code last_hidden_state} for the given ids and mask (token types 0). */
  float[][][] hiddenStates(long[][] ids, long[][] mask) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[][] types = new long[ids.length][ids[0].length];
    try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
        OnnxTensor m = OnnxTensor.createTensor(env, mask);
        OnnxTensor t = OnnxTensor.createTensor(env, types);
        OrtSession.Result r =
            session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
      return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
    }
  }

  /** Mean pooling over the mask and L2 normalisation, in double precision. */
  static float[][] meanPoolNormalize(float[][][] hidden, long[][] mask) {
    float[][] out = new float[hidden.length][];
    for (int b = 0; b < hidden.length; b++) {
      int dim = hidden[b][0].length;
      double[] sum = new double[dim];
      double count = 0;
      for (int t = 0; t < hidden[b].length; t++) {
        if (mask[b][t] != 0) {
          count++;
          for (int d = 0; d < dim; d++) {
            sum[d] += hidden[b][t][d];
          }
        }
      }
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        sum[d] /= Math.max(count, 1e-9);
        norm += sum[d] * sum[d];
      }
      norm = Math.max(Math.sqrt(norm), 1e-12);
      out[b] = new float[dim];
      for (int d = 0; d < dim; d++) {
        out[b][d] = (float) (sum[d] / norm);
      }
    }
    return out;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
