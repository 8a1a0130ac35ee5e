package dev.qsim.onnx;

import dev.qsim.QuestionSimilarity;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * {@link QuestionSimilarity} served by an ONNX encoder through Deep Java Library's ONNX Runtime
 * engine, fully offline.
 *
 * <pre>{@code
 * try (OnnxQuestionSimilarity qsim = OnnxQuestionSimilarity.bundled()) {
 *   double s = qsim.similarity("How do I learn Java?", "What is the best way to learn Java?");
 *   boolean same = qsim.isDuplicate("How do I learn Java?", "What is the best way to learn Java?");
 * }
 * }</pre>
 *
 * <p>Questions are tokenised together, ordered by token count, run in batches of similar length
 * (padded per batch) and returned in input order; pooling and normalisation happen in Java as the
 * model's metadata says.
 *
 * <p>The duplicate decision is the model's best ({@link #decision()}): its cross-encoder verifier
 * when the model directory has one (see {@code docs/model-format.md}; {@link
 * Builder#optVerifier(boolean)}), else its pair head, else the similarity threshold. With a
 * verifier, {@code isDuplicate}, {@code duplicateScore(s)}, the verification stage of {@code
 * findDuplicates}, {@code mostSimilar}'s flag and a question index read the pair's texts with it;
 * retrieval of candidates stays on the embeddings.
 *
 * <p><b>Thread safety:</b> thread-safe. Share one instance: the ONNX Runtime sessions (encoder and
 * verifier) and the tokenizers are shared, and each encoder call borrows one of a pool of DJL
 * predictors (which are not thread-safe themselves). {@link #close()} may be called while other
 * threads are inside calls: those calls finish normally (or, if they had not reached the encoder
 * yet, throw {@link IllegalStateException}), every later call throws {@link IllegalStateException},
 * and the native memory is freed when the last call in flight returns (at once if there is none).
 * {@code close()} itself does not wait.
 *
 * <p><b>Offline:</b> loading sets the system properties {@code ai.djl.offline=true} and {@code
 * OPT_OUT_TRACKING=true} unless they are already set, so DJL neither downloads nor reports usage.
 * Set them yourself (or {@code -Dai.djl.offline=false}) before the first DJL call to choose
 * otherwise.
 *
 * <p><b>Native libraries:</b> loading unpacks ONNX Runtime's and DJL's tokenizer libraries once
 * into qsim's per-user cache folder ({@code -Dqsim.cache.dir}, else {@code QSIM_CACHE_DIR}, else
 * {@code ~/.cache/qsim}, else {@code <java.io.tmpdir>/qsim-cache-<user>}; {@code native/}) and
 * reuses them, by setting the system properties {@code onnxruntime.native.path} and {@code
 * ENGINE_CACHE_DIR}, each only when it is unset (and {@code ENGINE_CACHE_DIR} only when neither it
 * nor {@code DJL_CACHE_DIR} is set as an environment variable either).
 */
public final class OnnxQuestionSimilarity extends LoadedQuestionSimilarity
    implements QuestionSimilarity {
  /**
   * The class-path folder of the shipped default model ({@link #bundled()}): all-MiniLM-L6-v2 with
   * its layers 2–5 fine-tuned on Quora question pairs and a pair head over it, stored as the base
   * encoder of the carrier jar plus the changed weights ({@code encoder_delta}, about 7 MB),
   * rebuilt when it is loaded. Recreated by {@code training/recipes/default-model.sh}.
   */
  public static final String BUNDLED_MODEL = "dev/qsim/models/minilm-quora";

  /**
   * The class-path folder of the plain all-MiniLM-L6-v2 model (the encoder and tokenizer of its
   * carrier jar, with a pair head trained over them on Quora, MSRP and STS-B pairs; the default
   * until 2026-12-02): the base that fine-tuned models stored as deltas ({@code qsim pack}) build
   * on. Load it with {@code setBundledModel("base")} ({@link BundledModel#BASE}), e.g. to get the
   * published all-MiniLM-L6-v2 vectors.
   */
  public static final String BASE_MODEL = "dev/qsim/models/all-minilm-l6-v2";

  /**
   * The class-path folder of the cascade model: the shipped default ({@link #BUNDLED_MODEL}: the
   * same encoder, pair head and thresholds, referenced from its folder) plus a cross-encoder
   * verifier (all-MiniLM-L6-v2 with every layer fine-tuned on Quora pairs, their implied pairs and
   * word-order negatives, stored as the changed weights, about 11 MB) and a cascade band: the pair
   * head decides the pairs it is sure of, the verifier the pairs whose head probability lies in the
   * band ({@link dev.qsim.DuplicateDecision#CASCADE}). More accurate than the default on Quora dev,
   * MSRP and STS-B (docs/decisions.md) at the cost of a verifier call for the pairs in the band.
   * Recreated by {@code training/recipes/verifier.sh}. Load it with {@code
   * setBundledModel("cascade")} ({@link BundledModel#CASCADE}).
   */
  public static final String CASCADE_MODEL = "dev/qsim/models/minilm-quora-cascade";

  /** Default number of questions per encoder call. */
  public static final int DEFAULT_BATCH_SIZE = 8;

  private volatile String fingerprint;

  private OnnxQuestionSimilarity(LoadedModel model) {
    super(model);
  }

  /**
   * Loads the shipped default model ({@link #BUNDLED_MODEL}: all-MiniLM-L6-v2 fine-tuned on Quora,
   * with a pair head) from qsim-impl's class path. No network, no files on disk.
   *
   * @return a new instance; close it when done
   * @throws dev.qsim.ModelLoadException if the model's resources or native libraries are missing
   */
  public static OnnxQuestionSimilarity bundled() {
    return builder()
        .setModelResource(OnnxQuestionSimilarity.class.getClassLoader(), BUNDLED_MODEL)
        .build();
  }

  /**
   * Starts configuring a model. Name exactly one source: {@link Builder#setModelDirectory(Path)},
   * {@link Builder#setModelResource(ClassLoader, String)} or {@link
   * Builder#setBundledModel(String)}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The model's metadata, as read from its {@code qsim-model.json}.
   *
   * @return the metadata
   */
  public ModelMetadata metadata() {
    return model.metadata();
  }

  /**
   * Writes the network this model embeds with as one ONNX file: the encoder file with its {@code
   * encoder_delta} applied when it is stored as one (see {@code qsim pack}). For tools that need
   * the network itself, such as training a pair head over it.
   *
   * @param target the ONNX file to write (replaced if it exists)
   * @throws IOException if the file cannot be written
   * @throws dev.qsim.ModelLoadException if a model file can no longer be read
   */
  public void writeEncoder(Path target) throws IOException {
    ensureOpen();
    if (model.metadata().encoderDelta() != null) {
      Files.write(target, model.source().encoderWithDelta(model.metadata()));
    } else {
      copy(model.metadata().encoderFile(), target);
    }
  }

  /**
   * Writes the model's cross-encoder verifier as one ONNX file: the verifier file, or its base
   * encoder with {@code verifier.delta} applied when it is stored as one. For tools that need the
   * network itself, such as training that continues from this verifier.
   *
   * @param target the ONNX file to write (replaced if it exists)
   * @throws IOException if the file cannot be written
   * @throws IllegalStateException if the model has no verifier
   * @throws dev.qsim.ModelLoadException if a model file can no longer be read
   */
  public void writeVerifier(Path target) throws IOException {
    ensureOpen();
    ModelMetadata.Verifier verifier = model.metadata().verifier();
    if (verifier == null) {
      throw new IllegalStateException("the model has no verifier");
    }
    if (verifier.delta() != null) {
      Files.write(target, model.source().verifierWithDelta(verifier));
    } else {
      copy(verifier.file(), target);
    }
  }

  /**
   * Writes the model's {@code tokenizer.json}.
   *
   * @param target the file to write (replaced if it exists)
   * @throws IOException if the file cannot be written
   * @throws dev.qsim.ModelLoadException if the tokenizer file can no longer be read
   */
  public void writeTokenizer(Path target) throws IOException {
    ensureOpen();
    copy(model.metadata().tokenizerFile(), target);
  }

  private void copy(String file, Path target) throws IOException {
    try (InputStream in = model.source().open(file)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * A fingerprint of the encoder file: {@code "sha256:"} and the SHA-256 of its bytes in lower-case
   * hex; for an encoder stored as a base plus changed weights ({@code encoder_delta}), that of the
   * delta file, which records its base's SHA-256. Two models whose fingerprints differ may embed
   * the same question differently, so vectors stored with one (in a question index, say) must not
   * be searched with the other. Computed on the first call (reading the encoder file once) and then
   * remembered.
   *
   * @return the encoder's fingerprint
   * @throws dev.qsim.ModelLoadException if the encoder file can no longer be read
   */
  public String fingerprint() {
    ensureOpen();
    String f = fingerprint;
    if (f == null) {
      ModelMetadata md = model.metadata();
      String file = md.encoderDelta() != null ? md.encoderDelta().file() : md.encoderFile();
      f = model.source().sha256(file);
      fingerprint = f;
    }
    return f;
  }

  /**
   * The number of tokens the encoder reads for each question, special tokens included, after
   * truncation to {@link #maxSequenceLength()}.
   *
   * @param questions the questions; none null or blank
   * @return the token counts, in input order
   */
  public int[] tokenCounts(List<String> questions) {
    Arguments.checkTexts(questions, "questions");
    ensureOpen();
    return model.encoder().tokenCounts(questions);
  }

  @Override
  public String toString() {
    return "OnnxQuestionSimilarity["
        + model.metadata().name()
        + ", dimension="
        + model.metadata().dimension()
        + "]";
  }

  /**
   * Configures and loads a model. {@code set*} values are required (exactly one source), {@code
   * opt*} values are optional.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    // Read by ModelLoader.
    Path directory;
    ClassLoader loader;
    String resourcePrefix;
    int batchSize = DEFAULT_BATCH_SIZE;
    int maxSequenceLength;
    int threads = Runtime.getRuntime().availableProcessors();
    int intraOpThreads = 1;
    boolean usePairHead = true;
    boolean useVerifier = true;
    Precision precision;

    private Builder() {}

    /**
     * Loads the model from a model directory on disk (see {@code docs/model-format.md}).
     *
     * @param directory the directory holding {@code qsim-model.json}
     * @return this builder
     */
    public Builder setModelDirectory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      this.loader = null;
      this.resourcePrefix = null;
      return this;
    }

    /**
     * Loads the model from class-path resources.
     *
     * @param loader the class loader that holds the resources (never the thread's context loader
     *     implicitly)
     * @param resourcePrefix the resource folder holding {@code qsim-model.json}, e.g. {@link
     *     OnnxQuestionSimilarity#BUNDLED_MODEL}
     * @return this builder
     */
    public Builder setModelResource(ClassLoader loader, String resourcePrefix) {
      this.loader = Objects.requireNonNull(loader, "loader");
      this.resourcePrefix = Objects.requireNonNull(resourcePrefix, "resourcePrefix");
      this.directory = null;
      return this;
    }

    /**
     * Loads one of the models bundled in qsim-impl by its name ({@link BundledModel}): {@code
     * default} ({@link OnnxQuestionSimilarity#BUNDLED_MODEL}), {@code base} ({@link
     * OnnxQuestionSimilarity#BASE_MODEL}, the plain all-MiniLM-L6-v2) or {@code cascade} ({@link
     * OnnxQuestionSimilarity#CASCADE_MODEL}), from qsim-impl's own class loader.
     *
     * @param name the bundled model's name
     * @return this builder
     * @throws IllegalArgumentException if no bundled model has that name, listing the names
     */
    public Builder setBundledModel(String name) {
      return setModelResource(
          OnnxQuestionSimilarity.class.getClassLoader(), BundledModel.fromName(name).resource());
    }

    /**
     * Sets how many questions go to the encoder at once (default {@value
     * OnnxQuestionSimilarity#DEFAULT_BATCH_SIZE}).
     *
     * @param size from 1 to 1024
     * @return this builder
     */
    public Builder optBatchSize(int size) {
      this.batchSize = Arguments.inRange("batchSize", size, 1, 1024);
      return this;
    }

    /**
     * Overrides the model's maximum sequence length (tokens per question, special tokens included).
     *
     * @param length from 2 to 512
     * @return this builder
     */
    public Builder optMaxSequenceLength(int length) {
      this.maxSequenceLength = Arguments.inRange("maxSequenceLength", length, 2, 512);
      return this;
    }

    /**
     * Sets the threads ONNX Runtime uses inside one encoder call, and the threads of the duplicate
     * search (default: the available processors).
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder optThreads(int count) {
      this.threads = Arguments.atLeastOne("threads", count);
      return this;
    }

    /**
     * Sets the threads ONNX Runtime uses inside one encoder batch (default 1: the cores are used by
     * running batches side by side, see {@link #optThreads(int)}). Raise it to lower the latency of
     * single small calls on a machine with idle cores.
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder optIntraOpThreads(int count) {
      this.intraOpThreads = Arguments.atLeastOne("intraOpThreads", count);
      return this;
    }

    /**
     * Whether to use the model's pair head, if it has one (default {@code true}). With {@code
     * false} the head is not loaded: {@link #build() the model}'s {@code isDuplicate} and {@code
     * duplicateScore} then use the similarity and its calibrated threshold. The bundled model's
     * head was trained on Quora questions plus news paraphrases and STS-B pairs; for other kinds of
     * text (FAQ entries against short user questions, product titles) measure both decisions on
     * your own labelled pairs with {@code qsim eval}.
     *
     * @param use {@code false} to ignore the pair head
     * @return this builder
     */
    public Builder optPairHead(boolean use) {
      this.usePairHead = use;
      return this;
    }

    /**
     * Whether to use the model's cross-encoder verifier, if it has one (default {@code true}). With
     * {@code true} the verifier is the final stage of every duplicate decision ({@code
     * isDuplicate}, {@code duplicateScore}, the verification of {@code findDuplicates} and {@code
     * mostSimilar}, and a question index built on this model); candidates are still retrieved by
     * the similarity of the embeddings. With {@code false} it is not loaded and the pair head (or
     * the similarity) decides.
     *
     * @param use {@code false} to ignore the verifier
     * @return this builder
     */
    public Builder optVerifier(boolean use) {
      this.useVerifier = use;
      return this;
    }

    /**
     * Sets the precision the encoder runs in (default: the model directory's own, {@code precision}
     * in its {@code qsim-model.json}, fp32 for the bundled model). Asking {@link Precision#INT8} of
     * an fp32 model quantises it once with {@link dev.qsim.quantize.Quantizer} into a cache folder
     * ({@code -Dqsim.cache.dir}, else {@code QSIM_CACHE_DIR}, else {@code ~/.cache/qsim}; keyed by
     * a hash of the source files) and loads that copy; an int8 model cannot be loaded as fp32.
     *
     * @param value {@link Precision#FP32} or {@link Precision#INT8}
     * @return this builder
     */
    public Builder optPrecision(Precision value) {
      this.precision = Objects.requireNonNull(value, "precision");
      return this;
    }

    /**
     * Loads the model.
     *
     * @return the loaded model; close it when done
     * @throws IllegalStateException if no model source was set
     * @throws dev.qsim.ModelLoadException naming the path or resource and what is wrong
     */
    public OnnxQuestionSimilarity build() {
      return new OnnxQuestionSimilarity(ModelLoader.load(this));
    }
  }
}
