package dev.qsim.index;

import dev.qsim.Embedding;
import dev.qsim.IndexMatch;
import dev.qsim.QsimException;
import dev.qsim.QuestionIndex;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A {@link QuestionIndex} in an Apache Lucene directory: each question is one document holding the
 * caller's id, the text and the model's normalised embedding in a {@link KnnFloatVectorField} (dot
 * product, searched through Lucene's HNSW graph). {@link #askedBeforeAll} takes the nearest
 * candidates by vector, reads their stored vectors back (stored questions are never re-embedded)
 * and verifies each with the model's duplicate decision.
 *
 * <pre>{@code
 * try (OnnxQuestionSimilarity model = OnnxQuestionSimilarity.bundled();
 *     LuceneQuestionIndex index =
 *         LuceneQuestionIndex.builder().setDirectory(Path.of("faq-index")).setModel(model).build()) {
 *   index.add("q1", "How do I learn Java?");
 *   index.commit();
 *   List<IndexMatch> seen = index.askedBefore("What is the best way to learn Java?", 5);
 * }
 * }</pre>
 *
 * <p>The directory records the model it was built with ({@link ModelIdentity}: name, encoder
 * fingerprint, dimension) in every commit; opening it with another model throws a {@link
 * QsimException} naming both. Commits are Lucene commits: durable once {@link #commit()} returns,
 * whatever happens to the process afterwards.
 *
 * <p><b>Thread safety:</b> thread-safe. One instance holds the directory's only writer (a second
 * writer, in this or another process, fails with a clear error; open more readers with {@link
 * Builder#optReadOnly(boolean)}); any number of threads may add, delete and search at once, each
 * search on a consistent point-in-time view (Lucene's {@link SearcherManager}). {@link #close()} is
 * safe while other threads are inside calls: it waits for them (a read/write lock), and calls after
 * it throw {@link IllegalStateException}. The model is the caller's: closing the index does not
 * close it, and it must stay open while the index is used.
 */
public final class LuceneQuestionIndex implements QuestionIndex {
  static final String ID = "id";
  static final String QUESTION = "question";
  static final String VECTOR = "vector";

  /** The longest id accepted, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 1_000;

  private final Path path;
  private final QuestionSimilarity model;
  private final ModelIdentity identity;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final VectorSearch search;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private LuceneQuestionIndex(Builder b) throws IOException {
    this.path = b.directory.toAbsolutePath().normalize();
    this.model = b.model;
    this.identity = b.identity;
    boolean created = IndexFiles.prepare(path, b.create && !b.readOnly);
    Directory dir = FSDirectory.open(path);
    IndexWriter w = null;
    try {
      if (created) {
        w = new IndexWriter(dir, IndexFiles.config(IndexWriterConfig.OpenMode.CREATE));
        w.setLiveCommitData(IndexFiles.userData(identity, precision(model)).entrySet());
        w.commit();
      } else {
        if (!DirectoryReader.indexExists(dir)) {
          throw new QsimException(
              "No question index in "
                  + path
                  + (b.readOnly || !b.create ? "" : " (the directory is not empty)")
                  + "; create one with `qsim index add` or LuceneQuestionIndex.builder()");
        }
        IndexFiles.checkModel(
            path,
            IndexFiles.readIdentity(dir, path),
            IndexFiles.readPrecision(dir),
            identity,
            precision(model));
        if (!b.readOnly) {
          w = new IndexWriter(dir, IndexFiles.config(IndexWriterConfig.OpenMode.APPEND));
          w.setLiveCommitData(IndexFiles.userData(identity, precision(model)).entrySet());
        }
      }
      this.searchers = w != null ? new SearcherManager(w, null) : new SearcherManager(dir, null);
    } catch (IOException | RuntimeException e) {
      closeQuietly(w, e);
      closeQuietly(dir, e);
      throw e;
    }
    this.directory = dir;
    this.writer = w;
    this.search = new VectorSearch(model, b.candidates);
  }

  /**
   * Starts configuring an index. Name its directory and its model.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What the index in a directory holds at its last commit, without loading a model.
   *
   * @param directory an index directory
   * @return its model, size and files
   * @throws QsimException if the directory holds no question index or cannot be read
   */
  public static IndexStats stats(Path directory) {
    return IndexFiles.stats(directory);
  }

  /**
   * The index directory.
   *
   * @return its absolute path
   */
  public Path directory() {
    return path;
  }

  /**
   * The model the index was built with.
   *
   * @return its identity
   */
  public ModelIdentity model() {
    return identity;
  }

  @Override
  public void addAll(List<String> ids, List<String> questions) {
    checkBatch(ids, questions);
    lock.readLock().lock();
    try {
      ensureWritable();
      List<Embedding> embeddings = model.embedAll(questions);
      List<Document> docs = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        float[] vector = unitVector(embeddings.get(i), i);
        Document doc = new Document();
        doc.add(new StringField(ID, ids.get(i), Field.Store.YES));
        doc.add(new StoredField(QUESTION, questions.get(i)));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        docs.add(doc);
      }
      for (int i = 0; i < docs.size(); i++) {
        writer.updateDocument(new Term(ID, ids.get(i)), docs.get(i));
      }
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw writeFailure(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean delete(String id) {
    QuestionIndex.checkId(id, "id");
    lock.readLock().lock();
    try {
      ensureWritable();
      boolean present = find(id) != null;
      writer.deleteDocuments(new Term(ID, id));
      searchers.maybeRefreshBlocking();
      return present;
    } catch (IOException e) {
      throw writeFailure(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void commit() {
    lock.readLock().lock();
    try {
      ensureWritable();
      writer.commit();
    } catch (IOException e) {
      throw new QsimException("Cannot commit question index " + path + ": " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Merges the index into one Lucene segment and commits. After a bulk load a query searches one
   * HNSW graph instead of one per segment, which is most of a lookup's time (docs/benchmarks.md has
   * the figures). The merge rebuilds the graphs into one: minutes for a million questions, and up
   * to twice the index's size on disk while it runs. Other threads may search, add and delete
   * meanwhile (what they add may stay in a segment of its own).
   *
   * @throws IllegalStateException if the index is closed or was opened read-only
   * @throws QsimException if Lucene cannot merge or commit (the index stays as it was committed)
   */
  public void forceMerge() {
    lock.readLock().lock();
    try {
      ensureWritable();
      writer.forceMerge(1);
      writer.commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw writeFailure(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<List<IndexMatch>> askedBeforeAll(List<String> queries, int k) {
    return searchAll(queries, k, true);
  }

  @Override
  public List<List<IndexMatch>> nearestAll(List<String> queries, int k) {
    return searchAll(queries, k, false);
  }

  private List<List<IndexMatch>> searchAll(List<String> queries, int k, boolean verify) {
    checkQueries(queries);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    if (k > MAX_K) {
      throw new IllegalArgumentException(
          String.format(java.util.Locale.ROOT, "k must be at most %,d, was %d", MAX_K, k));
    }
    lock.readLock().lock();
    try {
      ensureOpen();
      if (writer == null) {
        searchers.maybeRefresh();
      }
      List<Embedding> embeddings;
      try {
        embeddings = model.embedAll(queries);
      } catch (UnreadableQuestionException e) {
        // The model names what it embedded, questions[i]; here they are the queries.
        throw e.withArgument(e.argument().replace("questions[", "queries["));
      }
      IndexSearcher searcher = searchers.acquire();
      try {
        // More than the index holds is all it holds.
        int most = Math.max(1, Math.min(k, searcher.getIndexReader().numDocs()));
        return verify
            ? search.askedBefore(searcher, queries, embeddings, most)
            : search.nearest(searcher, embeddings, most);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new QsimException("Cannot search question index " + path + ": " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<String> question(String id) {
    QuestionIndex.checkId(id, "id");
    lock.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(find(id));
    } catch (IOException e) {
      throw new QsimException("Cannot search question index " + path + ": " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      ensureOpen();
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().numDocs();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new QsimException("Cannot read question index " + path + ": " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Exception failure = null;
      for (AutoCloseable c : new AutoCloseable[] {searchers, writer, directory}) {
        try {
          if (c != null) {
            c.close();
          }
        } catch (Exception e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw new QsimException(
            "Closing question index " + path + " failed: " + failure.getMessage(), failure);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "LuceneQuestionIndex[" + path + ", " + identity.describe() + "]";
  }

  private String find(String id) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      TopDocs top = searcher.search(new TermQuery(new Term(ID, id)), 1);
      if (top.scoreDocs.length == 0) {
        return null;
      }
      return searcher.storedFields().document(top.scoreDocs[0].doc).get(QUESTION);
    } finally {
      searchers.release(searcher);
    }
  }

  private float[] unitVector(Embedding embedding, int index) {
    float[] v = embedding.vector();
    double norm = embedding.norm();
    if (model.similarityFunction() != SimilarityFunction.COSINE && Math.abs(norm - 1) > 1e-3) {
      throw new QsimException(
          "Model "
              + identity.name()
              + " compares by "
              + model.similarityFunction()
              + " but its embedding of questions["
              + index
              + "] has length "
              + norm
              + "; a question index needs normalised embeddings or cosine similarity");
    }
    if (norm == 0) {
      throw new QsimException(
          "Model " + identity.name() + " embeds questions[" + index + "] as the zero vector");
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }

  /** The precision of an ONNX model ({@code fp32}, {@code int8}), or null for another model. */
  private static String precision(QuestionSimilarity model) {
    return model instanceof OnnxQuestionSimilarity onnx ? onnx.metadata().precision().id() : null;
  }

  /**
   * Why an index could not be opened, in words: a directory or file this user may not write
   * (permission denied, a read-only file system) is named as such, with what to do instead.
   */
  static String openFailure(Path path, IOException e) {
    String file =
        e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null
            ? fse.getFile()
            : path.toString();
    String reason =
        e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
            ? fse.getReason()
            : null;
    boolean denied =
        e instanceof java.nio.file.AccessDeniedException
            || (reason != null
                && (reason.contains("Permission denied")
                    || reason.contains("Read-only file system")
                    || reason.contains("Operation not permitted")));
    if (denied) {
      return "Cannot open question index "
          + path
          + " for writing: permission denied on "
          + file
          + (reason != null && !reason.contains("Permission denied") ? " (" + reason + ")" : "")
          + "; the index is not writable by this user. Search it read-only (qsim index query"
          + " opens it so), or add with a user who may write it";
    }
    return "Cannot open question index " + path + ": " + e.getMessage();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Question index " + path + " is closed");
    }
  }

  private void ensureWritable() {
    ensureOpen();
    if (writer == null) {
      throw new IllegalStateException("Question index " + path + " was opened read-only");
    }
  }

  private QsimException writeFailure(IOException e) {
    return new QsimException("Cannot write question index " + path + ": " + e.getMessage(), e);
  }

  private static void checkBatch(List<String> ids, List<String> questions) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(questions, "questions");
    if (ids.size() != questions.size()) {
      throw new IllegalArgumentException(
          "ids and questions differ in size: " + ids.size() + " ids, " + questions.size());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = QuestionIndex.checkId(ids.get(i), "ids[" + i + "]");
      if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
        throw new IllegalArgumentException(
            "ids[" + i + "] is longer than " + MAX_ID_BYTES + " bytes in UTF-8");
      }
      Integer before = seen.put(id, i);
      if (before != null) {
        throw new IllegalArgumentException(
            "ids[" + i + "] repeats ids[" + before + "]: '" + id + "'");
      }
      QuestionSimilarity.checkQuestion(questions.get(i), "questions[" + i + "]");
    }
  }

  private static void checkQueries(List<String> queries) {
    Objects.requireNonNull(queries, "queries");
    for (int i = 0; i < queries.size(); i++) {
      QuestionSimilarity.checkQuestion(queries.get(i), "queries[" + i + "]");
    }
  }

  private static void closeQuietly(AutoCloseable c, Exception primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }

  /**
   * Configures a {@link LuceneQuestionIndex}: {@code set*} values are required, {@code opt*}
   * optional. Not thread-safe.
   */
  public static final class Builder {
    private Path directory;
    private QuestionSimilarity model;
    private ModelIdentity identity;
    private boolean create = true;
    private boolean readOnly;
    private int candidates = VectorSearch.DEFAULT_CANDIDATES;

    private Builder() {}

    /**
     * The index directory. A missing or empty directory gets a new index (unless {@link
     * #optCreate(boolean) optCreate(false)}).
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder setDirectory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The model that embeds questions and makes the duplicate decision; its identity is read from
     * it (the encoder file is read once to fingerprint it).
     *
     * @param model the model; the caller closes it after the index
     * @return this builder
     */
    public Builder setModel(OnnxQuestionSimilarity model) {
      return setModel(model, ModelIdentity.of(Objects.requireNonNull(model, "model")));
    }

    /**
     * The model that embeds questions and makes the duplicate decision, with its identity given
     * explicitly: for implementations of {@link QuestionSimilarity} other than ONNX.
     *
     * @param model the model; the caller closes it after the index
     * @param identity what the index records of it; its dimension must be the model's
     * @return this builder
     */
    public Builder setModel(QuestionSimilarity model, ModelIdentity identity) {
      this.model = Objects.requireNonNull(model, "model");
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Whether a missing or empty directory gets a new index. Default {@code true}; with {@code
     * false} such a directory is an error.
     *
     * @param create whether to create the index
     * @return this builder
     */
    public Builder optCreate(boolean create) {
      this.create = create;
      return this;
    }

    /**
     * Opens the index for searching only, without its writer, so that other processes may hold the
     * writer meanwhile; searches see each new commit. Default {@code false}.
     *
     * @param readOnly whether to open read-only
     * @return this builder
     */
    public Builder optReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * How many nearest neighbours the graph search collects per query before the best are kept
     * (Lucene's {@code k}; more is slower and finds true neighbours more often). Default {@value
     * VectorSearch#DEFAULT_CANDIDATES}.
     *
     * @param candidates at least 1
     * @return this builder
     */
    public Builder optCandidates(int candidates) {
      if (candidates < 1) {
        throw new IllegalArgumentException("candidates must be >= 1, was " + candidates);
      }
      this.candidates = candidates;
      return this;
    }

    /**
     * Opens or creates the index.
     *
     * @return the index; close it when done
     * @throws IllegalStateException if the directory or the model is not set
     * @throws IllegalArgumentException if the identity's dimension is not the model's
     * @throws QsimException if the directory is not a question index, was built with another model,
     *     is locked by another writer or cannot be read
     */
    public LuceneQuestionIndex build() {
      if (directory == null) {
        throw new IllegalStateException("Set the index directory with setDirectory(Path)");
      }
      if (model == null) {
        throw new IllegalStateException("Set the model with setModel(...)");
      }
      if (identity.dimension() != model.dimension()) {
        throw new IllegalArgumentException(
            "Model identity says dimension "
                + identity.dimension()
                + " but the model embeds in "
                + model.dimension());
      }
      try {
        return new LuceneQuestionIndex(this);
      } catch (org.apache.lucene.store.LockObtainFailedException e) {
        throw new QsimException(
            "Question index "
                + directory.toAbsolutePath().normalize()
                + " is open for writing elsewhere (another process or index instance holds its"
                + " write.lock); open it read-only to search it meanwhile",
            e);
      } catch (IOException e) {
        throw new QsimException(openFailure(directory.toAbsolutePath().normalize(), e), e);
      }
    }
  }
}
