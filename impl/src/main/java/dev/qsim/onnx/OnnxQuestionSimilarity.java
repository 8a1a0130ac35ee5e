package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.ModelLoadException;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p><b>Thread safety:</b> thread-safe. Share one instance: the ONNX Runtime session and the
 * tokenizer are shared, and each call borrows one of a pool of DJL predictors (which are not
 * thread-safe themselves). {@link #close()} frees the native memory; do not call it while other
 * threads are still using the instance.
 *
 * <p><b>Offline:</b> loading sets the system properties {@code ai.djl.offline=true} and {@code
 * OPT_OUT_TRACKING=true} unless they are already set, so DJL neither downloads nor reports usage.
 * Set them yourself (or {@code -Dai.djl.offline=false}) before the first DJL call to choose
 * otherwise.
 */
public final class OnnxQuestionSimilarity implements QuestionSimilarity {
  /** The class-path folder of the bundled all-MiniLM-L6-v2 model's metadata. */
  public static final String BUNDLED_MODEL = "dev/qsim/models/all-minilm-l6-v2";

  /** Default number of questions per encoder call. */
  public static final int DEFAULT_BATCH_SIZE = 8;

  private final ModelMetadata metadata;
  private final ModelSource source;
  private volatile String fingerprint;
  private final SentenceEncoder encoder;
  private final PairDecision decision;
  private final int threads;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxQuestionSimilarity(Builder b) {
    ensureOffline();
    ModelSource source =
        b.directory != null
            ? ModelSource.directory(b.directory)
            : ModelSource.classpath(b.loader, b.resourcePrefix);
    ModelMetadata md = source.readMetadata();
    int maxLength = b.maxSequenceLength > 0 ? b.maxSequenceLength : md.maxSequenceLength();
    this.threads = b.threads;
    this.metadata = md;
    this.source = source;
    this.encoder =
        new SentenceEncoder(source, md, maxLength, b.batchSize, b.threads, b.intraOpThreads);
    try {
      float[][] probe = encoder.encode(List.of("How does this model work?"), ProgressListener.NONE);
      if (probe[0].length != md.dimension()) {
        throw new ModelLoadException(
            "Encoder of "
                + source.describe()
                + " produces "
                + probe[0].length
                + " dimensions but "
                + ModelMetadata.FILE_NAME
                + " says dimension "
                + md.dimension());
      }
      this.decision =
          md.pairHeadFile() == null || !b.usePairHead
              ? similarityDecision(md, source)
              : PairDecision.pairHead(
                  PairHead.load(source, md.pairHeadFile(), md.dimension()),
                  md.similarityFunction(),
                  md.pairHeadThreshold());
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  private static PairDecision similarityDecision(ModelMetadata md, ModelSource source) {
    try {
      return PairDecision.similarity(md.similarityFunction(), md.similarityThreshold());
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          source.describe() + "/" + ModelMetadata.FILE_NAME + ": similarity_" + e.getMessage(), e);
    }
  }

  /**
   * Loads the bundled all-MiniLM-L6-v2 model from qsim-impl's class path. No network, no files on
   * disk.
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
   * Starts configuring a model. Name exactly one source: {@link Builder#setModelDirectory(Path)} or
   * {@link Builder#setModelResource(ClassLoader, String)}.
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
    return metadata;
  }

  /**
   * A fingerprint of the encoder file: {@code "sha256:"} and the SHA-256 of its bytes in lower-case
   * hex. Two models whose fingerprints differ may embed the same question differently, so vectors
   * stored with one (in a question index, say) must not be searched with the other. Computed on the
   * first call (reading the encoder file once) and then remembered.
   *
   * @return the encoder's fingerprint
   * @throws dev.qsim.ModelLoadException if the encoder file can no longer be read
   */
  public String fingerprint() {
    ensureOpen();
    String f = fingerprint;
    if (f == null) {
      f = source.sha256(metadata.encoderFile());
      fingerprint = f;
    }
    return f;
  }

  @Override
  public List<Embedding> embedAll(List<String> questions) {
    return embedAll(questions, ProgressListener.NONE);
  }

  /**
   * Embeds questions as {@link #embedAll(List)} does, reporting {@code "embedding"} progress after
   * each batch.
   *
   * @param questions the questions; none null or blank
   * @param progress receives progress updates from the calling thread
   * @return the embeddings, in input order
   */
  public List<Embedding> embedAll(List<String> questions, ProgressListener progress) {
    float[][] vectors = vectors(questions, "questions", progress);
    List<Embedding> out = new ArrayList<>(vectors.length);
    for (float[] v : vectors) {
      out.add(Embedding.of(v));
    }
    return out;
  }

  @Override
  public double[] similarities(List<QuestionPair> pairs) {
    return scorePairs(pairs, false);
  }

  @Override
  public double[] duplicateScores(List<QuestionPair> pairs) {
    return scorePairs(pairs, true);
  }

  private double[] scorePairs(List<QuestionPair> pairs, boolean decide) {
    Objects.requireNonNull(pairs, "pairs");
    Map<String, Integer> unique = new LinkedHashMap<>();
    int[][] index = new int[pairs.size()][2];
    for (int p = 0; p < pairs.size(); p++) {
      final int at = p;
      QuestionPair pair = Objects.requireNonNull(pairs.get(p), () -> "pairs[" + at + "]");
      index[p][0] =
          unique.computeIfAbsent(checkText(pair.first(), "pairs", p, ".first"), k -> unique.size());
      index[p][1] =
          unique.computeIfAbsent(
              checkText(pair.second(), "pairs", p, ".second"), k -> unique.size());
    }
    float[][] vectors = vectors(new ArrayList<>(unique.keySet()), "pairs", ProgressListener.NONE);
    SimilarityFunction f = metadata.similarityFunction();
    double[] scores = new double[pairs.size()];
    for (int p = 0; p < scores.length; p++) {
      float[] u = vectors[index[p][0]];
      float[] v = vectors[index[p][1]];
      scores[p] = decide ? decision.score(u, v) : f.compare(u, v);
    }
    return scores;
  }

  @Override
  public double[] duplicateScores(
      List<QuestionPair> pairs, List<Embedding> firstEmbeddings, List<Embedding> secondEmbeddings) {
    Objects.requireNonNull(pairs, "pairs");
    float[][] first = checkEmbeddings(firstEmbeddings, "firstEmbeddings", pairs.size());
    float[][] second = checkEmbeddings(secondEmbeddings, "secondEmbeddings", pairs.size());
    for (int p = 0; p < pairs.size(); p++) {
      final int at = p;
      QuestionPair pair = Objects.requireNonNull(pairs.get(p), () -> "pairs[" + at + "]");
      checkText(pair.first(), "pairs", p, ".first");
      checkText(pair.second(), "pairs", p, ".second");
    }
    ensureOpen();
    double[] scores = new double[pairs.size()];
    for (int p = 0; p < scores.length; p++) {
      scores[p] = decision.score(first[p], second[p]);
    }
    return scores;
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    DuplicateSearch search = search(options);
    float[][] vectors = vectors(questions, "questions", progress);
    return search.run(vectors, progress);
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
    Objects.requireNonNull(options, "options");
    checkTexts(questions, "questions");
    float[][] vectors = checkEmbeddings(embeddings, "embeddings", questions.size());
    DuplicateSearch search = search(options);
    ensureOpen();
    return search.run(vectors, ProgressListener.NONE);
  }

  private DuplicateSearch search(DuplicateOptions options) {
    PairDecision d;
    switch (options.decision()) {
      case AUTO:
        d = decision;
        break;
      case PAIR_HEAD:
        if (decision.kind() != DuplicateDecision.PAIR_HEAD) {
          throw new IllegalArgumentException(
              "decision PAIR_HEAD: model "
                  + metadata.name()
                  + " has no pair head (or it was turned off with optPairHead(false))");
        }
        d = decision;
        break;
      case SIMILARITY:
        d = PairDecision.similarity(metadata.similarityFunction(), metadata.similarityThreshold());
        break;
      default:
        throw new AssertionError(options.decision());
    }
    if (options.threshold().isPresent()) {
      d = d.withThreshold(options.threshold().getAsDouble());
    }
    double candidates =
        options
            .candidateThreshold()
            .orElse(
                d.kind() == DuplicateDecision.SIMILARITY ? d.threshold() : candidateThreshold());
    return new DuplicateSearch(d, metadata.similarityFunction(), candidates, options, threads);
  }

  @Override
  public List<Match> mostSimilar(String query, List<String> candidates, int k) {
    QuestionSimilarity.checkQuestion(query, "query");
    checkTexts(candidates, "candidates");
    checkK(k);
    List<String> all = new ArrayList<>(candidates.size() + 1);
    all.add(query);
    all.addAll(candidates);
    float[][] vectors = vectors(all, "candidates", ProgressListener.NONE);
    return bestMatches(
        vectors[0], candidates, java.util.Arrays.asList(vectors).subList(1, vectors.length), k);
  }

  @Override
  public List<Match> mostSimilar(
      String query,
      Embedding queryEmbedding,
      List<String> candidates,
      List<Embedding> candidateEmbeddings,
      int k) {
    QuestionSimilarity.checkQuestion(query, "query");
    float[] q =
        checkEmbeddings(
            List.of(Objects.requireNonNull(queryEmbedding, "queryEmbedding")), "queryEmbedding", 1)[
            0];
    checkTexts(candidates, "candidates");
    float[][] vectors =
        checkEmbeddings(candidateEmbeddings, "candidateEmbeddings", candidates.size());
    checkK(k);
    ensureOpen();
    return bestMatches(q, candidates, java.util.Arrays.asList(vectors), k);
  }

  private List<Match> bestMatches(
      float[] query, List<String> candidates, List<float[]> vectors, int k) {
    SimilarityFunction f = metadata.similarityFunction();
    Comparator<Match> worstFirst =
        Comparator.comparingDouble(Match::similarity)
            .thenComparing(Match::index, Comparator.reverseOrder());
    PriorityQueue<Match> best = new PriorityQueue<>(worstFirst);
    for (int i = 0; i < candidates.size(); i++) {
      best.add(
          new Match(i, candidates.get(i), f.compare(query, vectors.get(i)), Double.NaN, false));
      if (best.size() > k) {
        best.poll();
      }
    }
    List<Match> out = new ArrayList<>(best.size());
    for (Match m : best) {
      double score = decision.score(query, vectors.get(m.index()), m.similarity());
      out.add(new Match(m.index(), m.question(), m.similarity(), score, decision.accepts(score)));
    }
    out.sort(worstFirst.reversed());
    return out;
  }

  @Override
  public SimilarityFunction similarityFunction() {
    ensureOpen();
    return metadata.similarityFunction();
  }

  @Override
  public double similarityThreshold() {
    ensureOpen();
    return metadata.similarityThreshold();
  }

  @Override
  public double candidateThreshold() {
    ensureOpen();
    return decision.kind() == DuplicateDecision.SIMILARITY
        ? decision.threshold()
        : metadata.effectiveCandidateThreshold();
  }

  @Override
  public DuplicateDecision decision() {
    ensureOpen();
    return decision.kind();
  }

  @Override
  public double duplicateThreshold() {
    ensureOpen();
    return decision.threshold();
  }

  @Override
  public int dimension() {
    ensureOpen();
    return metadata.dimension();
  }

  @Override
  public int maxSequenceLength() {
    ensureOpen();
    return encoder.maxLength();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      encoder.close();
    }
  }

  @Override
  public String toString() {
    return "OnnxQuestionSimilarity["
        + metadata.name()
        + ", dimension="
        + metadata.dimension()
        + "]";
  }

  private float[][] vectors(List<String> questions, String argument, ProgressListener progress) {
    checkTexts(questions, argument);
    ensureOpen();
    return encoder.encode(questions, progress);
  }

  private static void checkTexts(List<String> texts, String argument) {
    Objects.requireNonNull(texts, argument);
    for (int i = 0; i < texts.size(); i++) {
      checkText(texts.get(i), argument, i, "");
    }
  }

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
  }

  /** The vectors of caller-held embeddings, checked for count and dimension. */
  private float[][] checkEmbeddings(List<Embedding> embeddings, String argument, int expected) {
    Objects.requireNonNull(embeddings, argument);
    if (embeddings.size() != expected) {
      throw new IllegalArgumentException(
          argument + " has " + embeddings.size() + " embeddings, expected " + expected);
    }
    float[][] out = new float[expected][];
    for (int i = 0; i < expected; i++) {
      final int at = i;
      Embedding e = Objects.requireNonNull(embeddings.get(i), () -> argument + "[" + at + "]");
      if (e.dimension() != metadata.dimension()) {
        throw new IllegalArgumentException(
            argument
                + "["
                + i
                + "] has dimension "
                + e.dimension()
                + ", the model's is "
                + metadata.dimension());
      }
      out[i] = e.vector();
    }
    return out;
  }

  private static String checkText(String text, String argument, int index, String suffix) {
    if (text == null) {
      throw new NullPointerException(argument + "[" + index + "]" + suffix);
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          argument
              + "["
              + index
              + "]"
              + suffix
              + " is blank: a question needs at least one non-space character");
    }
    return text;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("This OnnxQuestionSimilarity has been closed.");
    }
  }

  private static void ensureOffline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null
        && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  /**
   * Configures and loads a model. {@code set*} values are required (exactly one source), {@code
   * opt*} values are optional.
   *
   * <p>Not thread-safe; use one builder per thread.
   */
  public static final class Builder {
    private Path directory;
    private ClassLoader loader;
    private String resourcePrefix;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxSequenceLength;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int intraOpThreads = 1;
    private boolean usePairHead = true;

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
     * Sets how many questions go to the encoder at once (default {@value
     * OnnxQuestionSimilarity#DEFAULT_BATCH_SIZE}).
     *
     * @param size from 1 to 1024
     * @return this builder
     */
    public Builder optBatchSize(int size) {
      if (size < 1 || size > 1024) {
        throw new IllegalArgumentException("batchSize must be in [1, 1024], was " + size);
      }
      this.batchSize = size;
      return this;
    }

    /**
     * Overrides the model's maximum sequence length (tokens per question, special tokens included).
     *
     * @param length from 2 to 512
     * @return this builder
     */
    public Builder optMaxSequenceLength(int length) {
      if (length < 2 || length > 512) {
        throw new IllegalArgumentException("maxSequenceLength must be in [2, 512], was " + length);
      }
      this.maxSequenceLength = length;
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
      if (count < 1) {
        throw new IllegalArgumentException("threads must be >= 1, was " + count);
      }
      this.threads = count;
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
      if (count < 1) {
        throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + count);
      }
      this.intraOpThreads = count;
      return this;
    }

    /**
     * Whether to use the model's pair head, if it has one (default {@code true}). With {@code
     * false} the head is not loaded: {@link #build() the model}'s {@code isDuplicate} and {@code
     * duplicateScore} then use the similarity and its calibrated threshold. The bundled model's
     * head was trained on Quora questions; for other kinds of text (news sentences, product titles)
     * the similarity threshold can generalise better — measure on your own labelled pairs with
     * {@code qsim eval}.
     *
     * @param use {@code false} to ignore the pair head
     * @return this builder
     */
    public Builder optPairHead(boolean use) {
      this.usePairHead = use;
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
      if (directory == null && loader == null) {
        throw new IllegalStateException(
            "No model source: call setModelDirectory(path) or setModelResource(classLoader, prefix)");
      }
      return new OnnxQuestionSimilarity(this);
    }
  }
}
