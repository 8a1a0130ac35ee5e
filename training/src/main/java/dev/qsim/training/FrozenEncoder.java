package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionSimilarity;
import dev.qsim.data.LabelledPair;
import dev.qsim.io.EmbeddingCache;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.onnx.BundledModel;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A frozen encoder (the bundled all-MiniLM-L6-v2, or the encoder of another model directory) as a
 * {@link TrainableEncoder} without trainable weights, so that the trainer's one loop trains a pair
 * head over it: every distinct question is embedded once by {@code qsim-impl} (cached by {@link
 * EmbeddingCache}), {@link #encode} gives each question one id, and the block looks the vectors up.
 * The exported model is a copy of the frozen model's encoder and tokenizer with the new head.
 *
 * <p>Not thread-safe. Closing it closes the frozen model it opened.
 */
final class FrozenEncoder implements TrainableEncoder {
  private final QuestionSimilarity model;
  private final boolean ownsModel;
  private final String modelKey;
  private final ModelMetadata base;
  private final Path cacheDir;
  private final ProgressListener progress;
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<float[]> vectors = new ArrayList<>();
  private final Lookup block;

  /**
   * An encoder over a model.
   *
   * @param model embeds questions
   * @param modelKey identifies the model in the cache
   * @param base the model's metadata (dimension, normalisation, pooling and files for the export)
   * @param cacheDir the embedding cache directory, or {@code null} for none
   * @param progress receives embedding progress, or {@code null} for none
   */
  FrozenEncoder(
      QuestionSimilarity model,
      String modelKey,
      ModelMetadata base,
      Path cacheDir,
      ProgressListener progress) {
    this(model, false, modelKey, base, cacheDir, progress);
  }

  private FrozenEncoder(
      QuestionSimilarity model,
      boolean ownsModel,
      String modelKey,
      ModelMetadata base,
      Path cacheDir,
      ProgressListener progress) {
    this.model = Objects.requireNonNull(model, "model");
    this.ownsModel = ownsModel;
    this.modelKey = Objects.requireNonNull(modelKey, "modelKey");
    this.base = Objects.requireNonNull(base, "base");
    this.cacheDir = cacheDir;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.block = new Lookup(base.dimension(), vectors);
  }

  /**
   * Opens a bundled model's encoder (when {@code baseDirectory == null}; the plain base model,
   * {@code OnnxQuestionSimilarity.BASE_MODEL}, when {@code bundled} is {@code null} too) or a model
   * directory's encoder. Neither its pair head nor its verifier is loaded.
   *
   * @param bundled the bundled model, or {@code null}
   * @param baseDirectory the model directory, or {@code null}
   * @param cacheDir the embedding cache, or {@code null}
   * @param progress receives embedding progress, or {@code null} for none
   * @return the encoder, owning the model it opened
   */
  static FrozenEncoder open(
      BundledModel bundled, Path baseDirectory, Path cacheDir, ProgressListener progress) {
    BundledModel named = bundled == null ? BundledModel.BASE : bundled;
    OnnxQuestionSimilarity model =
        baseDirectory == null
            ? OnnxQuestionSimilarity.builder()
                .setBundledModel(named.id())
                .optPairHead(false)
                .optVerifier(false)
                .build()
            : OnnxQuestionSimilarity.builder()
                .setModelDirectory(baseDirectory)
                .optPairHead(false)
                .optVerifier(false)
                .build();
    try {
      ModelMetadata base = model.metadata();
      // A retrained model in the same place gets new embeddings: its encoder's fingerprint (of
      // the delta file for a packed model) changes.
      String key =
          (baseDirectory == null
                  ? "bundled:" + named.resource()
                  : baseDirectory.toAbsolutePath().normalize().toString())
              + ":"
              + model.fingerprint();
      return new FrozenEncoder(model, true, key, base, cacheDir, progress);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The frozen model's metadata. */
  ModelMetadata base() {
    return base;
  }

  /**
   * Embeds every question of the pairs not embedded yet, in one pass (through the cache).
   *
   * @param pairs pairs whose questions the trainer will ask for
   */
  void prepare(List<LabelledPair> pairs) {
    List<String> questions = new ArrayList<>(pairs.size() * 2);
    for (LabelledPair p : pairs) {
      questions.add(p.first());
      questions.add(p.second());
    }
    add(questions, cacheDir, progress);
  }

  private void add(List<String> questions, Path cache, ProgressListener listener) {
    List<String> missing = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String q : questions) {
      if (!ids.containsKey(q) && seen.add(q)) {
        missing.add(q);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    float[][] values =
        EmbeddingCache.load(cache, modelKey, missing, model::embedAll, listener).toArrays();
    for (int i = 0; i < values.length; i++) {
      ids.put(missing.get(i), vectors.size());
      vectors.add(values[i]);
    }
  }

  /** One id per question: its row among the embedded vectors (embedding new ones first). */
  @Override
  public long[][] encode(QuestionTokenizer tokenizer, List<String> questions) {
    add(questions, null, ProgressListener.NONE);
    long[][] out = new long[questions.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new long[] {ids.get(questions.get(i))};
    }
    return out;
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public int dimension() {
    return base.dimension();
  }

  @Override
  public boolean normalize() {
    return base.normalize();
  }

  @Override
  public void exportOnnx(Path onnxFile) {
    try {
      onnx().writeEncoder(onnxFile);
    } catch (IOException e) {
      throw new TrainingException("Cannot copy the frozen encoder to " + onnxFile, e);
    }
  }

  @Override
  public String exportedPooling() {
    return base.pooling().id();
  }

  /** A copy of the frozen model's encoder and tokenizer, with its pooling, output and length. */
  @Override
  public ModelMetadataBuilder exportInto(Path directory, QuestionTokenizer tokenizer)
      throws IOException {
    onnx().writeEncoder(directory.resolve("model.onnx"));
    onnx().writeTokenizer(directory.resolve("tokenizer.json"));
    return ModelMetadata.builder()
        .output(base.output())
        .pooling(base.pooling())
        .normalize(base.normalize())
        .dimension(base.dimension())
        .maxSequenceLength(base.maxSequenceLength());
  }

  /** The frozen model as an ONNX model, whose network the export writes. */
  private OnnxQuestionSimilarity onnx() {
    if (model instanceof OnnxQuestionSimilarity onnx) {
      return onnx;
    }
    throw new TrainingException(
        "Cannot export the frozen encoder: "
            + model.getClass().getName()
            + " is not an ONNX model");
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }

  /** Looks up the vectors of question ids {@code [batch, 1]}; no parameters, no gradient. */
  private static final class Lookup extends AbstractBlock {
    private final int dimension;
    private final List<float[]> vectors;

    Lookup(int dimension, List<float[]> vectors) {
      super((byte) 1);
      this.dimension = dimension;
      this.vectors = vectors;
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray idArray = inputs.get(0);
      long[] rows = idArray.toLongArray();
      int batch = (int) idArray.getShape().get(0);
      int width = rows.length / Math.max(1, batch);
      float[] flat = new float[batch * dimension];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(vectors.get((int) rows[i * width]), 0, flat, i * dimension, dimension);
      }
      return new NDList(idArray.getManager().create(flat, new Shape(batch, dimension)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), dimension)};
    }
  }
}
