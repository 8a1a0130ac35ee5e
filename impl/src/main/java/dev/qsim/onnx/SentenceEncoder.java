package dev.qsim.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.InferenceException;
import dev.qsim.ModelLoadException;
import dev.qsim.ProgressListener;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.model.ModelMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The siamese encoder: one ONNX network (shared by every question) behind DJL's ONNX Runtime
 * engine, the model's Hugging Face tokenizer, and pooling plus normalisation in Java.
 *
 * <p>Thread-safe: the ONNX Runtime session and the tokenizer are shared; DJL predictors are not
 * thread-safe, so each call borrows one from a pool and returns it. {@link #close()} may race with
 * calls: a {@link CloseGuard} lets calls in flight finish and frees the native memory after the
 * last one; later calls throw {@link IllegalStateException}.
 */
final class SentenceEncoder implements AutoCloseable {
  static final String ENGINE = "OnnxRuntime";
  private static final List<String> KNOWN_INPUTS =
      List.of("input_ids", "attention_mask", "token_type_ids");

  private final Model model;
  private final OrtSession.SessionOptions sessionOptions;
  private final HuggingFaceTokenizer tokenizer;

  /** The tokenizer's unknown token ({@code [UNK]}), or null if it has none. */
  private final String unknownToken;

  private final int maxLength;
  private final int batchSize;
  private final PredictorPool predictors;
  private final CloseGuard guard = new CloseGuard("This encoder", this::release);

  SentenceEncoder(
      ModelSource src,
      ModelMetadata metadata,
      int maxLength,
      int batchSize,
      int workers,
      int intraOpThreads) {
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    this.unknownToken = Tokenizers.unknownToken(src, metadata.tokenizerFile());
    this.tokenizer = Tokenizers.load(src, metadata.tokenizerFile(), maxLength);
    OrtSession.SessionOptions options = null;
    Model loaded = null;
    try {
      options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      loaded = loadModel(src, metadata, options);
      this.predictors =
          new PredictorPool(
              loaded,
              new EncoderTranslator(checkInputs(loaded, src), metadata, src.describe()),
              workers);
      this.model = loaded;
      this.sessionOptions = options;
    } catch (OrtException e) {
      tokenizer.close();
      closeQuietly(loaded, options);
      throw new ModelLoadException(
          "Cannot configure ONNX Runtime for " + src.describe() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      tokenizer.close();
      closeQuietly(loaded, options);
      throw e;
    }
  }

  private static void closeQuietly(Model model, OrtSession.SessionOptions options) {
    if (model != null) {
      model.close();
    }
    if (options != null) {
      options.close();
    }
  }

  private static Model loadModel(
      ModelSource src, ModelMetadata metadata, OrtSession.SessionOptions options) {
    Model model;
    try {
      model = Model.newInstance(metadata.name(), Device.cpu(), ENGINE);
    } catch (EngineException | IllegalArgumentException e) {
      throw new ModelLoadException(
          "The ONNX Runtime engine of DJL is not available (add ai.djl.onnxruntime:onnxruntime-engine): "
              + e.getMessage(),
          e);
    }
    Map<String, Object> loadOptions = Map.of("sessionOptions", options);
    String what = src.describe() + "/" + metadata.encoderFile();
    try {
      if (metadata.encoderDelta() != null) {
        model.load(new ByteArrayInputStream(src.encoderWithDelta(metadata)), loadOptions);
        return model;
      }
      Path file = src.path(metadata.encoderFile());
      if (file != null) {
        model.load(file, null, loadOptions);
      } else {
        try (InputStream in = src.open(metadata.encoderFile())) {
          model.load(in, loadOptions);
        }
      }
      return model;
    } catch (MalformedModelException | EngineException e) {
      model.close();
      throw new ModelLoadException(
          "Corrupt or unsupported ONNX encoder " + what + ": " + rootMessage(e), e);
    } catch (IOException e) {
      model.close();
      throw new ModelLoadException("Cannot read ONNX encoder " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static List<String> checkInputs(Model model, ModelSource src) {
    PairList<String, Shape> described = model.describeInput();
    List<String> names = new ArrayList<>(described.keys());
    for (String name : names) {
      if (!KNOWN_INPUTS.contains(name)) {
        throw new ModelLoadException(
            "ONNX encoder of "
                + src.describe()
                + " has input '"
                + name
                + "'; qsim feeds only "
                + KNOWN_INPUTS);
      }
    }
    if (!names.contains("input_ids")) {
      throw new ModelLoadException(
          "ONNX encoder of " + src.describe() + " has no 'input_ids' input: " + names);
    }
    return List.copyOf(names);
  }

  int maxLength() {
    return maxLength;
  }

  /** Tokens per text after truncation, special tokens included. */
  int[] tokenCounts(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(new String[0]));
    int[] counts = new int[encodings.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = encodings[i].getIds().length;
    }
    return counts;
  }

  /**
   * The text rules over texts that are not null: blank by {@link
   * TextRules#isBlankQuestion(CharSequence)}, unreadable by {@link TextRules#isUnreadable(int,
   * int)} over the words of this encoder's tokenisation (after truncation: the words the encoder
   * reads).
   */
  Readability[] readability(List<String> texts) {
    try (CloseGuard.Permit call = guard.enter()) {
      Readability[] out = new Readability[texts.size()];
      List<String> visible = new ArrayList<>(texts.size());
      for (int i = 0; i < out.length; i++) {
        if (TextRules.isBlankQuestion(texts.get(i))) {
          out[i] = Readability.BLANK;
        } else {
          visible.add(texts.get(i));
        }
      }
      Encoding[] encodings = tokenize(visible);
      int v = 0;
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          int[] words = WordCounts.of(encodings[v++], unknownToken);
          out[i] =
              TextRules.isUnreadable(words[0], words[1])
                  ? Readability.UNREADABLE
                  : Readability.READABLE;
        }
      }
      return out;
    }
  }

  private Encoding[] tokenize(List<String> texts) {
    if (texts.isEmpty()) {
      return new Encoding[0];
    }
    try {
      return tokenizer.batchEncode(texts.toArray(new String[0]));
    } catch (RuntimeException e) {
      throw new InferenceException(
          "Tokenisation failed for a list of " + texts.size() + " questions: " + e.getMessage(), e);
    }
  }

  /**
   * Embeds texts: tokenises all, orders them by token count, runs batches of similar length, and
   * restores input order. An unreadable text is refused (see {@link #encode(List, IntFunction,
   * ProgressListener)}) as {@code questions[i]}.
   */
  float[][] encode(List<String> texts, ProgressListener progress) {
    return encode(texts, i -> "questions[" + i + "]", progress);
  }

  /**
   * Embeds texts as {@link #encode(List, ProgressListener)} does, refusing the first unreadable one
   * ({@link TextRules#isUnreadable(int, int)}, decided on the tokenisation the encoder runs on)
   * before anything is run.
   *
   * @param names the argument name of each text, by index, for the message
   * @throws UnreadableQuestionException naming {@code names.apply(i)} for the first unreadable text
   */
  float[][] encode(List<String> texts, IntFunction<String> names, ProgressListener progress) {
    try (CloseGuard.Permit call = guard.enter()) {
      Encoding[] encodings = tokenize(texts);
      requireReadable(encodings, names);
      return BatchRun.run(encodings, predictors, batchSize, progress);
    }
  }

  /**
   * Refuses the first unreadable text without embedding anything, for calls that read texts but do
   * not embed them here (a verifier's pairs) or that name their arguments otherwise.
   *
   * @throws UnreadableQuestionException naming {@code names.apply(i)} for the first unreadable text
   */
  void requireReadable(List<String> texts, IntFunction<String> names) {
    try (CloseGuard.Permit call = guard.enter()) {
      requireReadable(tokenize(texts), names);
    }
  }

  private void requireReadable(Encoding[] encodings, IntFunction<String> names) {
    for (int i = 0; i < encodings.length; i++) {
      int[] words = WordCounts.of(encodings[i], unknownToken);
      if (TextRules.isUnreadable(words[0], words[1])) {
        throw new UnreadableQuestionException(names.apply(i), words[0], words[0] + words[1]);
      }
    }
  }

  /**
   * Refuses new calls and frees the native memory once no call is in flight (now, if none is).
   * Idempotent.
   */
  @Override
  public void close() {
    guard.close();
  }

  private void release() {
    predictors.close();
    model.close();
    sessionOptions.close();
    tokenizer.close();
  }
}
