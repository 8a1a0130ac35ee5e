package dev.qsim.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.InferenceException;
import dev.qsim.ModelLoadException;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

  private final ModelMetadata metadata;
  private final String source;
  private final Model model;
  private final OrtSession.SessionOptions sessionOptions;
  private final HuggingFaceTokenizer tokenizer;

  /** The tokenizer's unknown token ({@code [UNK]}), or null if it has none. */
  private final String unknownToken;

  private final List<String> inputNames;
  private final int maxLength;
  private final int batchSize;
  private final int workers;
  private ExecutorService pool;
  private static final AtomicInteger POOL_IDS = new AtomicInteger();
  private final ConcurrentLinkedDeque<Predictor<TokenBatch, float[][]>> predictors =
      new ConcurrentLinkedDeque<>();
  private final List<Predictor<TokenBatch, float[][]>> allPredictors = new ArrayList<>();
  private final CloseGuard guard = new CloseGuard("This encoder", this::release);

  SentenceEncoder(
      ModelSource src,
      ModelMetadata metadata,
      int maxLength,
      int batchSize,
      int workers,
      int intraOpThreads) {
    this.metadata = metadata;
    this.source = src.describe();
    this.maxLength = maxLength;
    this.batchSize = batchSize;
    this.workers = workers;
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
      this.inputNames = checkInputs(loaded, src);
      this.model = loaded;
      this.sessionOptions = options;
    } catch (OrtException e) {
      tokenizer.close();
      closeQuietly(loaded, options);
      throw new ModelLoadException(
          "Cannot configure ONNX Runtime for " + source + ": " + e.getMessage(), e);
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
   * QuestionSimilarity#isBlankQuestion(CharSequence)}, unreadable by {@link
   * QuestionSimilarity#isUnreadable(int, int)} over the words of this encoder's tokenisation (after
   * truncation: the words the encoder reads).
   */
  Readability[] readability(List<String> texts) {
    try (CloseGuard.Permit call = guard.enter()) {
      Readability[] out = new Readability[texts.size()];
      List<String> visible = new ArrayList<>(texts.size());
      for (int i = 0; i < out.length; i++) {
        if (QuestionSimilarity.isBlankQuestion(texts.get(i))) {
          out[i] = Readability.BLANK;
        } else {
          visible.add(texts.get(i));
        }
      }
      Encoding[] encodings = tokenize(visible);
      int v = 0;
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          int[] words = wordCounts(encodings[v++], unknownToken);
          out[i] =
              QuestionSimilarity.isUnreadable(words[0], words[1])
                  ? Readability.UNREADABLE
                  : Readability.READABLE;
        }
      }
      return out;
    }
  }

  /**
   * A tokenised text's words, for the unreadable rule: {@code [unknown, read]}. Words are the
   * tokenizer's word ids over its non-special tokens (a token without a word id is a word of its
   * own); a word is unknown if one of its tokens is {@code unknownToken}, read if it is known and
   * has a letter or digit; known words of punctuation and symbols alone count in neither.
   */
  static int[] wordCounts(Encoding encoding, String unknownToken) {
    int[] counts = new int[2];
    if (unknownToken == null) {
      return counts;
    }
    String[] tokens = encoding.getTokens();
    long[] special = encoding.getSpecialTokenMask();
    long[] wordIds = encoding.getWordIds();
    int t = 0;
    while (t < tokens.length) {
      if (special[t] != 0) {
        t++;
        continue;
      }
      long word = wordIds[t];
      boolean unknown = false;
      boolean letters = false;
      int end = t;
      do {
        unknown |= tokens[end].equals(unknownToken);
        letters |= hasLetterOrDigit(tokens[end]);
        end++;
      } while (word >= 0 && end < tokens.length && special[end] == 0 && wordIds[end] == word);
      if (unknown) {
        counts[0]++;
      } else if (letters) {
        counts[1]++;
      }
      t = end;
    }
    return counts;
  }

  private static boolean hasLetterOrDigit(String token) {
    return token.codePoints().anyMatch(Character::isLetterOrDigit);
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
   * ({@link QuestionSimilarity#isUnreadable(int, int)}, decided on the tokenisation the encoder
   * runs on) before anything is run.
   *
   * @param names the argument name of each text, by index, for the message
   * @throws UnreadableQuestionException naming {@code names.apply(i)} for the first unreadable text
   */
  float[][] encode(List<String> texts, IntFunction<String> names, ProgressListener progress) {
    try (CloseGuard.Permit call = guard.enter()) {
      return encodeOpen(texts, names, progress);
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
      int[] words = wordCounts(encodings[i], unknownToken);
      if (QuestionSimilarity.isUnreadable(words[0], words[1])) {
        throw new UnreadableQuestionException(names.apply(i), words[0], words[0] + words[1]);
      }
    }
  }

  private float[][] encodeOpen(
      List<String> texts, IntFunction<String> names, ProgressListener progress) {
    int n = texts.size();
    float[][] result = new float[n][];
    if (n == 0) {
      return result;
    }
    Encoding[] encodings = tokenize(texts);
    requireReadable(encodings, names);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.comparingInt((Integer i) -> encodings[i].getIds().length).reversed());
    // A small call (a similarity pair, a handful of questions) is split so that every worker has
    // a batch: two questions on two cores run side by side instead of one after the other.
    int perBatch = Math.max(1, Math.min(batchSize, (n + workers - 1) / workers));
    int batches = (n + perBatch - 1) / perBatch;
    BatchRun run = new BatchRun(encodings, order, result, perBatch, batches, progress);
    int helpers = Math.min(workers, batches) - 1;
    List<Future<?>> futures = new ArrayList<>(Math.max(0, helpers));
    for (int h = 0; h < helpers; h++) {
      futures.add(pool().submit(run::work));
    }
    run.work();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InferenceException("Interrupted while embedding " + n + " questions", e);
      } catch (ExecutionException e) {
        run.fail(e.getCause());
      }
    }
    run.rethrow();
    return result;
  }

  /**
   * One {@link #encode} call's batches, taken longest first by whichever thread is free: the
   * calling thread and up to {@code workers - 1} pool threads, each with its own predictor.
   */
  private final class BatchRun {
    private final Encoding[] encodings;
    private final Integer[] order;
    private final float[][] result;
    private final int perBatch;
    private final int batches;
    private final ProgressListener progress;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finishedRows = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BatchRun(
        Encoding[] encodings,
        Integer[] order,
        float[][] result,
        int perBatch,
        int batches,
        ProgressListener progress) {
      this.encodings = encodings;
      this.order = order;
      this.result = result;
      this.perBatch = perBatch;
      this.batches = batches;
      this.progress = progress;
    }

    void work() {
      Predictor<TokenBatch, float[][]> predictor = borrow();
      try {
        for (int b = next.getAndIncrement();
            b < batches && failure.get() == null;
            b = next.getAndIncrement()) {
          int start = b * perBatch;
          int end = Math.min(order.length, start + perBatch);
          TokenBatch batch = TokenBatch.of(encodings, order, start, end);
          float[][] vectors;
          try {
            vectors = predictor.predict(batch);
          } catch (TranslateException | RuntimeException e) {
            fail(
                new InferenceException(
                    "Encoder failed on a batch of "
                        + (end - start)
                        + " questions (first input index "
                        + order[start]
                        + "): "
                        + rootMessage(e),
                    e));
            return;
          }
          for (int r = 0; r < vectors.length; r++) {
            result[order[start + r]] = vectors[r];
          }
          int done = finishedRows.addAndGet(end - start);
          synchronized (this) {
            progress.update("embedding", done, order.length);
          }
        }
      } catch (RuntimeException e) {
        fail(e);
      } finally {
        predictors.push(predictor);
      }
    }

    void fail(Throwable t) {
      failure.compareAndSet(null, t);
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      if (t != null) {
        throw new InferenceException("Embedding failed: " + t, t);
      }
    }
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      int id = POOL_IDS.incrementAndGet();
      AtomicInteger threadIds = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              Math.max(1, workers - 1),
              r -> {
                Thread t = new Thread(r, "qsim-encoder-" + id + "-" + threadIds.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  private Predictor<TokenBatch, float[][]> borrow() {
    Predictor<TokenBatch, float[][]> p = predictors.poll();
    if (p != null) {
      return p;
    }
    p = model.newPredictor(new Translator());
    synchronized (allPredictors) {
      allPredictors.add(p);
    }
    return p;
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
    synchronized (this) {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    synchronized (allPredictors) {
      allPredictors.forEach(Predictor::close);
      allPredictors.clear();
    }
    predictors.clear();
    model.close();
    sessionOptions.close();
    tokenizer.close();
  }

  /** One padded batch of token ids, row-major. */
  static final class TokenBatch {
    final int rows;
    final int cols;
    final long[] ids;
    final long[] mask;
    final long[] types;

    private TokenBatch(int rows, int cols) {
      this.rows = rows;
      this.cols = cols;
      this.ids = new long[rows * cols];
      this.mask = new long[rows * cols];
      this.types = new long[rows * cols];
    }

    static TokenBatch of(Encoding[] encodings, Integer[] order, int start, int end) {
      int cols = 1;
      for (int i = start; i < end; i++) {
        cols = Math.max(cols, encodings[order[i]].getIds().length);
      }
      TokenBatch b = new TokenBatch(end - start, cols);
      for (int r = 0; r < b.rows; r++) {
        Encoding e = encodings[order[start + r]];
        long[] ids = e.getIds();
        long[] mask = e.getAttentionMask();
        long[] types = e.getTypeIds();
        System.arraycopy(ids, 0, b.ids, r * cols, ids.length);
        System.arraycopy(mask, 0, b.mask, r * cols, mask.length);
        System.arraycopy(types, 0, b.types, r * cols, types.length);
      }
      return b;
    }
  }

  /** Feeds a token batch to the encoder and pools its output into one vector per row. */
  private final class Translator implements NoBatchifyTranslator<TokenBatch, float[][]> {
    private static final String BATCH = "qsim.batch";

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
      ctx.setAttachment(BATCH, batch);
      NDManager manager = ctx.getNDManager();
      Shape shape = new Shape(batch.rows, batch.cols);
      NDList list = new NDList(inputNames.size());
      for (String name : inputNames) {
        long[] data =
            name.equals("input_ids")
                ? batch.ids
                : name.equals("attention_mask") ? batch.mask : batch.types;
        NDArray array = manager.create(data, shape);
        array.setName(name);
        list.add(array);
      }
      return list;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
      TokenBatch batch = (TokenBatch) ctx.getAttachment(BATCH);
      NDArray out = metadata.output() == null ? list.get(0) : list.get(metadata.output());
      if (out == null) {
        throw new InferenceException(
            "Encoder of " + source + " has no output named '" + metadata.output() + "'");
      }
      return Pooler.pool(out.toFloatArray(), out.getShape().getShape(), batch, metadata, source);
    }
  }

  /** Pooling and normalisation, on plain arrays. */
  static final class Pooler {
    private Pooler() {}

    static float[][] pool(
        float[] data, long[] shape, TokenBatch batch, ModelMetadata md, String source) {
      Pooling pooling = md.pooling();
      int rows = batch.rows;
      int dim;
      float[][] out = new float[rows][];
      if (pooling == Pooling.NONE) {
        if (shape.length != 2 || shape[0] != rows) {
          throw new InferenceException(
              "Encoder of "
                  + source
                  + " returned shape "
                  + Arrays.toString(shape)
                  + "; pooling 'none' needs [batch, dim]");
        }
        dim = (int) shape[1];
        for (int r = 0; r < rows; r++) {
          out[r] = Arrays.copyOfRange(data, r * dim, (r + 1) * dim);
        }
      } else {
        if (shape.length != 3 || shape[0] != rows || shape[1] != batch.cols) {
          throw new InferenceException(
              "Encoder of "
                  + source
                  + " returned shape "
                  + Arrays.toString(shape)
                  + "; pooling '"
                  + pooling.id()
                  + "' needs [batch, tokens, dim]");
        }
        dim = (int) shape[2];
        int cols = batch.cols;
        for (int r = 0; r < rows; r++) {
          float[] v = new float[dim];
          if (pooling == Pooling.CLS) {
            System.arraycopy(data, r * cols * dim, v, 0, dim);
          } else {
            double[] sum = new double[dim];
            int count = 0;
            for (int t = 0; t < cols; t++) {
              if (batch.mask[r * cols + t] == 0) {
                continue;
              }
              count++;
              int base = (r * cols + t) * dim;
              for (int k = 0; k < dim; k++) {
                sum[k] += data[base + k];
              }
            }
            for (int k = 0; k < dim; k++) {
              v[k] = (float) (sum[k] / Math.max(1, count));
            }
          }
          out[r] = v;
        }
      }
      if (md.normalize()) {
        for (float[] v : out) {
          normalizeInPlace(v);
        }
      }
      return out;
    }

    static void normalizeInPlace(float[] v) {
      double sum = 0;
      for (float x : v) {
        sum += (double) x * x;
      }
      double norm = Math.sqrt(sum);
      if (norm > 0) {
        for (int k = 0; k < v.length; k++) {
          v[k] = (float) (v[k] / norm);
        }
      }
    }
  }
}
