package dev.qsim.onnx;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.InferenceException;
import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.internal.PairOrder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model directory's cross-encoder verifier ({@code "verifier"} in {@code qsim-model.json},
 * docs/model-format.md): an ONNX network that reads both questions of a pair in one sequence,
 * {@code [CLS] q1 [SEP] q2 [SEP]} (token types 0 then 1; the model's tokenizer, truncated to the
 * verifier's maximum length, longer question first), and outputs one logit. A pair's probability is
 * the sigmoid of the logit of one sequence, the two questions in {@link PairOrder} (so it is
 * symmetric by construction); sequences run in batches of the same token count (no padding), so a
 * pair's probability hardly depends on the other pairs of a call.
 *
 * <p>Thread-safe: the ONNX Runtime session and the tokenizer are shared, and calls may run
 * concurrently. {@link #close()} may race with calls: calls in flight finish, later ones throw
 * {@link IllegalStateException}, and the native memory is freed after the last one.
 */
final class CrossEncoderVerifier implements AutoCloseable {
  /** Sequences per ONNX Runtime call. */
  static final int BATCH = 32;

  private static final List<String> INPUTS =
      List.of("input_ids", "attention_mask", "token_type_ids");

  private final String source;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final int maxLength;
  private final CloseGuard guard;

  private CrossEncoderVerifier(
      String source,
      HuggingFaceTokenizer tokenizer,
      OrtSession.SessionOptions options,
      OrtSession session,
      int maxLength) {
    this.source = source;
    this.tokenizer = tokenizer;
    this.options = options;
    this.session = session;
    this.maxLength = maxLength;
    this.guard = new CloseGuard("This verifier", this::release);
  }

  /**
   * Loads the verifier a model's metadata names.
   *
   * @param src the model's files
   * @param md its metadata, with a verifier
   * @param threads ONNX Runtime's threads inside one call
   * @return the verifier
   * @throws ModelLoadException naming the file if it is missing, corrupt or has other inputs or
   *     outputs than a verifier has
   */
  static CrossEncoderVerifier load(ModelSource src, ModelMetadata md, int threads) {
    ModelMetadata.Verifier spec = Objects.requireNonNull(md.verifier(), "verifier");
    String what = src.describe() + "/" + spec.file();
    HuggingFaceTokenizer tokenizer =
        Tokenizers.load(src, md.tokenizerFile(), spec.maxSequenceLength());
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    try {
      Engine.getEngine(SentenceEncoder.ENGINE); // creates ONNX Runtime's environment its way
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // Its threads do not spin-wait after a run: the verifier runs now and then beside the
      // encoder's session on the same cores, and an idle session's spinning threads take cycles
      // from the encoder (isDuplicate with the cascade: mean 11.2 -> 9.9 ms on two cores).
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      Path file;
      try {
        file = spec.delta() != null ? null : src.path(spec.file());
      } catch (ModelLoadException e) {
        throw new ModelLoadException(
            "Verifier of "
                + src.describe()
                + " (verifier.file in "
                + ModelMetadata.FILE_NAME
                + "): "
                + e.getMessage(),
            e);
      }
      if (spec.delta() != null) {
        session = env.createSession(src.verifierWithDelta(spec), options);
      } else if (file != null) {
        session = env.createSession(file.toString(), options);
      } else {
        try (InputStream in = src.open(spec.file())) {
          session = env.createSession(in.readAllBytes(), options);
        }
      }
      if (!session.getInputNames().containsAll(INPUTS) || session.getInputNames().size() != 3) {
        throw new ModelLoadException(
            "Verifier " + what + " has inputs " + session.getInputNames() + "; expected " + INPUTS);
      }
      if (session.getOutputNames().size() != 1) {
        throw new ModelLoadException(
            "Verifier " + what + " has outputs " + session.getOutputNames() + "; expected one");
      }
      return new CrossEncoderVerifier(what, tokenizer, options, session, spec.maxSequenceLength());
    } catch (OrtException | IOException | RuntimeException e) {
      closeQuietly(session);
      if (options != null) {
        options.close();
      }
      tokenizer.close();
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException(
          "Cannot load the verifier " + what + ": " + SentenceEncoder.rootMessage(e), e);
    }
  }

  private static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException ignored) {
        // already failing
      }
    }
  }

  /** The most tokens of a pair sequence. */
  int maxLength() {
    return maxLength;
  }

  /**
   * The duplicate probability of each pair: the sigmoid of the logit of the pair in {@link
   * PairOrder}.
   *
   * @param first the first question of each pair
   * @param second the second question of each pair (as many)
   * @return one probability in [0, 1] per pair
   */
  double[] probabilities(List<String> first, List<String> second) {
    try (CloseGuard.Permit call = guard.enter()) {
      int n = first.size();
      if (n != second.size()) {
        throw new IllegalArgumentException(
            "first has " + n + " questions, second " + second.size());
      }
      if (n == 0) {
        return new double[0];
      }
      List<String> a = new ArrayList<>(n);
      List<String> b = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        boolean asGiven = PairOrder.asGiven(first.get(i), second.get(i));
        a.add(asGiven ? first.get(i) : second.get(i));
        b.add(asGiven ? second.get(i) : first.get(i));
      }
      Encoding[] encodings;
      try {
        encodings = tokenizer.batchEncode(new PairList<>(a, b));
      } catch (RuntimeException e) {
        throw new InferenceException(
            "Tokenisation failed for " + n + " question pairs: " + e.getMessage(), e);
      }
      float[] logits = logits(encodings);
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = sigmoid(logits[i]);
      }
      return p;
    }
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** The logit of each sequence, run in batches of sequences of equal length. */
  private float[] logits(Encoding[] encodings) {
    Map<Integer, List<Integer>> byLength = new HashMap<>();
    for (int i = 0; i < encodings.length; i++) {
      byLength.computeIfAbsent(encodings[i].getIds().length, k -> new ArrayList<>()).add(i);
    }
    float[] out = new float[encodings.length];
    for (Map.Entry<Integer, List<Integer>> e : byLength.entrySet()) {
      List<Integer> rows = e.getValue();
      for (int from = 0; from < rows.size(); from += BATCH) {
        run(encodings, rows.subList(from, Math.min(rows.size(), from + BATCH)), e.getKey(), out);
      }
    }
    return out;
  }

  private void run(Encoding[] encodings, List<Integer> rows, int cols, float[] out) {
    int n = rows.size();
    long[] ids = new long[n * cols];
    long[] mask = new long[n * cols];
    long[] types = new long[n * cols];
    for (int r = 0; r < n; r++) {
      Encoding enc = encodings[rows.get(r)];
      System.arraycopy(enc.getIds(), 0, ids, r * cols, cols);
      System.arraycopy(enc.getAttentionMask(), 0, mask, r * cols, cols);
      System.arraycopy(enc.getTypeIds(), 0, types, r * cols, cols);
    }
    long[] shape = {n, cols};
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
        OrtSession.Result result =
            session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
      OnnxValue value = result.get(0);
      java.nio.FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
      float[] flat = new float[buffer.remaining()];
      buffer.get(flat);
      if (flat.length != n) {
        throw new InferenceException(
            "Verifier " + source + " returned " + flat.length + " values for " + n + " pairs");
      }
      for (int r = 0; r < n; r++) {
        out[rows.get(r)] = flat[r];
      }
    } catch (OrtException e) {
      throw new InferenceException(
          "Verifier " + source + " failed on " + n + " pair sequences: " + e.getMessage(), e);
    }
  }

  /** Refuses new calls; frees the native memory once no call is in flight. Idempotent. */
  @Override
  public void close() {
    guard.close();
  }

  private void release() {
    closeQuietly(session);
    options.close();
    tokenizer.close();
  }
}
