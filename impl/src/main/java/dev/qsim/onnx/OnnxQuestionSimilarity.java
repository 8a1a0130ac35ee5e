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
import dev.qsim.Readability;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.ExactRepeats;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

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
public final class OnnxQuestionSimilarity implements QuestionSimilarity {
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

  private final ModelMetadata metadata;
  private final ModelSource source;
  private volatile String fingerprint;
  private final SentenceEncoder encoder;
  private final PairDecision decision;
  private final PairDecision verifierDecision;
  private final PairDecision pairHeadDecision;
  private final CrossEncoderVerifier verifier;
  private final int threads;
  private final CloseGuard guard;

  /** Questions embedded at a time by {@code findDuplicates} before their vectors go off-heap. */
  private static final int EMBED_CHUNK = 16_384;

  private OnnxQuestionSimilarity(Builder b) {
    ensureOffline();
    ModelSource source =
        b.directory != null
            ? ModelSource.directory(b.directory)
            : ModelSource.classpath(b.loader, b.resourcePrefix);
    ModelMetadata md = source.load();
    if (b.precision != null && b.precision != md.precision()) {
      if (b.precision != Precision.INT8) {
        throw new ModelLoadException(
            "Model "
                + source.describe()
                + " is "
                + md.precision().id()
                + "; it cannot be loaded as "
                + b.precision.id()
                + " (its fp32 weights are not in it): load the fp32 model it was made from");
      }
      source =
          ModelSource.directory(
              Int8Cache.int8Of(source, md, b.directory, b.loader, b.resourcePrefix));
      md = source.load();
    }
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
      this.pairHeadDecision =
          md.pairHeadFile() == null || !b.usePairHead
              ? null
              : PairDecision.pairHead(
                  PairHead.load(source, md.pairHeadFile(), md.dimension()),
                  md.similarityFunction(),
                  md.pairHeadThreshold());
      this.verifier =
          md.verifier() == null || !b.useVerifier
              ? null
              : CrossEncoderVerifier.load(source, md, b.threads);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
    this.verifierDecision =
        verifier == null
            ? null
            : PairDecision.verifier(verifier, md.similarityFunction(), md.verifier().threshold());
    this.decision =
        switch (PairDecision.kindFor(
            pairHeadDecision != null,
            verifier != null,
            verifier != null && md.verifier().cascade() != null)) {
          case CASCADE -> cascadeDecision(md, source);
          case VERIFIER -> verifierDecision;
          case PAIR_HEAD -> pairHeadDecision;
          default -> similarityDecision(md, source);
        };
    this.guard = new CloseGuard("This OnnxQuestionSimilarity", this::release);
  }

  private void release() {
    encoder.close();
    if (verifier != null) {
      verifier.close();
    }
  }

  private PairDecision cascadeDecision(ModelMetadata md, ModelSource source) {
    try {
      return PairDecision.cascade(
          pairHeadDecision.head(),
          verifier,
          md.similarityFunction(),
          md.pairHeadThreshold(),
          md.verifier().threshold(),
          md.verifier().cascade());
    } catch (IllegalArgumentException e) {
      verifier.close();
      encoder.close();
      throw new ModelLoadException(
          source.describe() + "/" + ModelMetadata.FILE_NAME + ": " + e.getMessage(), e);
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
    return metadata;
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
    if (metadata.encoderDelta() != null) {
      Files.write(target, source.encoderWithDelta(metadata));
    } else {
      try (InputStream in = source.open(metadata.encoderFile())) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
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
    try (InputStream in = source.open(metadata.tokenizerFile())) {
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
      f =
          source.sha256(
              metadata
                  .encoderDeltaIfPresent()
                  .map(ModelMetadata.EncoderDelta::file)
                  .orElse(metadata.encoderFile()));
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
    try (CloseGuard.Permit call = guard.enter()) {
      float[][] vectors = vectors(questions, "questions", progress);
      List<Embedding> out = new ArrayList<>(vectors.length);
      for (float[] v : vectors) {
        out.add(Embedding.of(v));
      }
      return out;
    }
  }

  /**
   * The number of tokens the encoder reads for each question, special tokens included, after
   * truncation to {@link #maxSequenceLength()}.
   *
   * @param questions the questions; none null or blank
   * @return the token counts, in input order
   */
  public int[] tokenCounts(List<String> questions) {
    checkTexts(questions, "questions");
    ensureOpen();
    return encoder.tokenCounts(questions);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Unreadable here means: at least {@link QuestionSimilarity#UNREADABLE_SHARE} of the words
   * this model's tokenizer makes of the question (after truncation to {@link #maxSequenceLength()})
   * hold its unknown token ({@code [UNK]}); see {@link QuestionSimilarity#isUnreadable(int, int)}.
   */
  @Override
  public List<Readability> readability(List<String> questions) {
    Objects.requireNonNull(questions, "questions");
    for (int i = 0; i < questions.size(); i++) {
      if (questions.get(i) == null) {
        throw new NullPointerException("questions[" + i + "]");
      }
    }
    return List.of(encoder.readability(questions));
  }

  @Override
  public Embedding embed(String question) {
    QuestionSimilarity.checkQuestion(question, "question");
    try (CloseGuard.Permit call = guard.enter()) {
      return Embedding.of(
          encoder.encode(List.of(question), i -> "question", ProgressListener.NONE)[0]);
    }
  }

  @Override
  public double similarity(String q1, String q2) {
    requireReadablePair(q1, q2);
    return QuestionSimilarity.super.similarity(q1, q2);
  }

  @Override
  public double duplicateScore(String q1, String q2) {
    requireReadablePair(q1, q2);
    return QuestionSimilarity.super.duplicateScore(q1, q2);
  }

  /** Refuses a blank or unreadable {@code q1} or {@code q2}, naming it as such. */
  private void requireReadablePair(String q1, String q2) {
    QuestionSimilarity.checkQuestion(q1, "q1");
    QuestionSimilarity.checkQuestion(q2, "q2");
    encoder.requireReadable(List.of(q1, q2), i -> i == 0 ? "q1" : "q2");
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
    try (CloseGuard.Permit call = guard.enter()) {
      return scoreOpenPairs(pairs, decide);
    }
  }

  private double[] scoreOpenPairs(List<QuestionPair> pairs, boolean decide) {
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
    List<String> texts = new ArrayList<>(unique.keySet());
    encoder.requireReadable(texts, u -> pairArgument(pairs, texts.get(u)));
    if (decide && !decision.readsEmbeddings()) {
      return decision.scores(firsts(pairs), seconds(pairs), null, null);
    }
    float[][] vectors = vectors(new ArrayList<>(unique.keySet()), "pairs", ProgressListener.NONE);
    SimilarityFunction f = metadata.similarityFunction();
    if (decide && decision.readsTexts()) {
      float[][] u = new float[pairs.size()][];
      float[][] v = new float[pairs.size()][];
      for (int p = 0; p < u.length; p++) {
        u[p] = vectors[index[p][0]];
        v[p] = vectors[index[p][1]];
      }
      return decision.scores(firsts(pairs), seconds(pairs), u, v);
    }
    double[] scores = new double[pairs.size()];
    for (int p = 0; p < scores.length; p++) {
      float[] u = vectors[index[p][0]];
      float[] v = vectors[index[p][1]];
      scores[p] = decide ? decision.score(u, v) : f.compare(u, v);
    }
    return scores;
  }

  private static List<String> firsts(List<QuestionPair> pairs) {
    List<String> out = new ArrayList<>(pairs.size());
    for (QuestionPair p : pairs) {
      out.add(p.first());
    }
    return out;
  }

  private static List<String> seconds(List<QuestionPair> pairs) {
    List<String> out = new ArrayList<>(pairs.size());
    for (QuestionPair p : pairs) {
      out.add(p.second());
    }
    return out;
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
    try (CloseGuard.Permit call = guard.enter()) {
      return decision.scores(firsts(pairs), seconds(pairs), first, second);
    }
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress) {
    // Held over the search too: the search's ONNX Runtime session runs inside this call.
    try (CloseGuard.Permit call = guard.enter()) {
      return findOpenDuplicates(questions, options, progress);
    }
  }

  private Duplicates findOpenDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    DuplicateSearch search = search(options);
    checkTexts(questions, "questions");
    ensureOpen();
    // Exact repeats are embedded and searched once, as their first occurrence.
    ExactRepeats repeats = ExactRepeats.of(questions);
    List<String> distinct = repeats.distinctTexts(questions);
    int n = distinct.size();
    try (VectorStore store = VectorStore.create(n, metadata.dimension())) {
      // Embed in chunks straight into the off-heap store: the heap holds one chunk's vectors.
      for (int from = 0; from < n; from += EMBED_CHUNK) {
        int to = Math.min(n, from + EMBED_CHUNK);
        int offset = from;
        float[][] chunk =
            encoder.encode(
                distinct.subList(from, to),
                i -> "questions[" + repeats.first(offset + i) + "]",
                (stage, done, total) -> progress.update(stage, offset + done, n));
        for (int i = 0; i < chunk.length; i++) {
          store.set(from + i, chunk[i]);
        }
      }
      return search.run(store, distinct, repeats, progress);
    }
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
    return findDuplicates(questions, embeddings, options, ProgressListener.NONE);
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions,
      List<Embedding> embeddings,
      DuplicateOptions options,
      ProgressListener progress) {
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(options, "options");
    checkTexts(questions, "questions");
    DuplicateSearch search = search(options);
    Objects.requireNonNull(embeddings, "embeddings");
    int n = questions.size();
    if (embeddings.size() != n) {
      throw new IllegalArgumentException(
          "embeddings has " + embeddings.size() + " embeddings, expected " + n);
    }
    // Exact repeats are searched once, with their first occurrence's embedding.
    ExactRepeats repeats = ExactRepeats.of(questions);
    float[][] vectors = new float[repeats.distinct()][];
    for (int i = 0; i < n; i++) {
      float[] v = checkEmbedding(embeddings.get(i), "embeddings", i);
      if (repeats.first(repeats.distinctOf(i)) == i) {
        vectors[repeats.distinctOf(i)] = v;
      }
    }
    try (CloseGuard.Permit call = guard.enter();
        VectorStore store = VectorStore.create(vectors.length, metadata.dimension())) {
      for (int d = 0; d < vectors.length; d++) {
        store.set(d, vectors[d]);
      }
      return search.run(store, repeats.distinctTexts(questions), repeats, progress);
    }
  }

  /** The model's duplicate decision (for tests in this package). */
  PairDecision pairDecision() {
    return decision;
  }

  private DuplicateSearch search(DuplicateOptions options) {
    PairDecision d;
    switch (options.decision()) {
      case AUTO:
        d = decision;
        break;
      case PAIR_HEAD:
        if (pairHeadDecision == null) {
          throw new IllegalArgumentException(
              "decision PAIR_HEAD: model "
                  + metadata.name()
                  + " has no pair head (or it was turned off with optPairHead(false))");
        }
        d = pairHeadDecision;
        break;
      case VERIFIER:
        if (verifier == null) {
          throw new IllegalArgumentException(
              "decision VERIFIER: model "
                  + metadata.name()
                  + " has no verifier (or it was turned off with optVerifier(false))");
        }
        d = verifierDecision;
        break;
      case CASCADE:
        if (decision.kind() != DuplicateDecision.CASCADE) {
          throw new IllegalArgumentException(
              "decision CASCADE: model "
                  + metadata.name()
                  + " has no cascade (it needs a pair head, a verifier and verifier.cascade, none"
                  + " turned off)");
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
    try (CloseGuard.Permit call = guard.enter()) {
      return mostSimilarOpen(query, candidates, k);
    }
  }

  private List<Match> mostSimilarOpen(String query, List<String> candidates, int k) {
    QuestionSimilarity.checkQuestion(query, "query");
    checkTexts(candidates, "candidates");
    checkK(k);
    List<String> all = new ArrayList<>(candidates.size() + 1);
    all.add(query);
    all.addAll(candidates);
    float[][] vectors =
        encoder.encode(
            all, i -> i == 0 ? "query" : "candidates[" + (i - 1) + "]", ProgressListener.NONE);
    return bestMatches(
        query,
        vectors[0],
        candidates,
        java.util.Arrays.asList(vectors).subList(1, vectors.length),
        k);
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
    try (CloseGuard.Permit call = guard.enter()) {
      return bestMatches(query, q, candidates, java.util.Arrays.asList(vectors), k);
    }
  }

  private List<Match> bestMatches(
      String queryText, float[] query, List<String> candidates, List<float[]> vectors, int k) {
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
    List<Match> top = new ArrayList<>(best);
    List<String> texts = new ArrayList<>(top.size());
    float[][] u = new float[top.size()][];
    float[][] v = new float[top.size()][];
    for (int i = 0; i < u.length; i++) {
      texts.add(top.get(i).question());
      u[i] = query;
      v[i] = vectors.get(top.get(i).index());
    }
    double[] scores =
        decision.scores(java.util.Collections.nCopies(u.length, queryText), texts, u, v);
    List<Match> out = new ArrayList<>(top.size());
    for (int i = 0; i < scores.length; i++) {
      Match m = top.get(i);
      out.add(
          new Match(
              m.index(), m.question(), m.similarity(), scores[i], decision.accepts(scores[i])));
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
  public boolean hasPairHead() {
    ensureOpen();
    return pairHeadDecision != null;
  }

  @Override
  public DuplicateOptions resolve(DuplicateOptions options) {
    ensureOpen();
    return search(Objects.requireNonNull(options, "options")).resolvedOptions();
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

  /**
   * Refuses new calls and frees the native memory once the calls in flight have returned (at once
   * if there are none). Idempotent; does not wait.
   */
  @Override
  public void close() {
    guard.close();
  }

  /** Whether the native memory has been freed: closed, and no call in flight any more. */
  boolean isReleased() {
    return guard.isReleased();
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
    return encoder.encode(questions, i -> argument + "[" + i + "]", progress);
  }

  /** The first of {@code pairs}' arguments that holds {@code text}, for a message. */
  private static String pairArgument(List<QuestionPair> pairs, String text) {
    for (int p = 0; p < pairs.size(); p++) {
      if (pairs.get(p).first().equals(text)) {
        return "pairs[" + p + "].first";
      }
      if (pairs.get(p).second().equals(text)) {
        return "pairs[" + p + "].second";
      }
    }
    return "pairs";
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
      out[i] = checkEmbedding(embeddings.get(i), argument, i);
    }
    return out;
  }

  /** The vector of one caller-held embedding, checked for dimension. */
  private float[] checkEmbedding(Embedding embedding, String argument, int i) {
    Embedding e = Objects.requireNonNull(embedding, () -> argument + "[" + i + "]");
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
    return e.vector();
  }

  private static String checkText(String text, String argument, int index, String suffix) {
    if (text == null) {
      throw new NullPointerException(argument + "[" + index + "]" + suffix);
    }
    if (QuestionSimilarity.isBlankQuestion(text)) {
      throw new IllegalArgumentException(
          argument
              + "["
              + index
              + "]"
              + suffix
              + " is blank: a question needs at least one visible character");
    }
    return text;
  }

  private void ensureOpen() {
    guard.ensureOpen();
  }

  private static void ensureOffline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null
        && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    NativeLibraries.prepare();
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
    private boolean useVerifier = true;
    private Precision precision;

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
      if (directory == null && loader == null) {
        throw new IllegalStateException(
            "No model source: call setModelDirectory(path), setModelResource(classLoader, prefix)"
                + " or setBundledModel(name)");
      }
      return new OnnxQuestionSimilarity(this);
    }
  }
}
