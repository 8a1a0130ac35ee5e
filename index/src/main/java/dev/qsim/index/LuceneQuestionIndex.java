package dev.qsim.index;

import dev.qsim.Embedding;
import dev.qsim.IndexMatch;
import dev.qsim.QsimException;
import dev.qsim.QuestionIndex;
import dev.qsim.QuestionSimilarity;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

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
      try {
        IOUtils.close(w, dir);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
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
    IndexArguments.checkBatch(ids, questions);
    locked(
        true,
        "write",
        () -> {
          List<Document> docs = QuestionDocuments.embed(model, identity, ids, questions);
          for (int i = 0; i < docs.size(); i++) {
            writer.updateDocument(new Term(QuestionDocuments.ID, ids.get(i)), docs.get(i));
          }
          searchers.maybeRefreshBlocking();
          return null;
        });
  }

  @Override
  public boolean delete(String id) {
    QuestionIndex.checkId(id, "id");
    return locked(
        true,
        "write",
        () -> {
          boolean present = find(id) != null;
          writer.deleteDocuments(new Term(QuestionDocuments.ID, id));
          searchers.maybeRefreshBlocking();
          return present;
        });
  }

  @Override
  public void commit() {
    locked(
        true,
        "commit",
        () -> {
          writer.commit();
          return null;
        });
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
    locked(
        true,
        "write",
        () -> {
          writer.forceMerge(1);
          writer.commit();
          searchers.maybeRefreshBlocking();
          return null;
        });
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
    IndexArguments.checkQueries(queries, k);
    return locked(
        false,
        "search",
        () -> {
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
        });
  }

  @Override
  public Optional<String> question(String id) {
    QuestionIndex.checkId(id, "id");
    return locked(false, "search", () -> Optional.ofNullable(find(id)));
  }

  @Override
  public int size() {
    return locked(
        false,
        "read",
        () -> {
          IndexSearcher searcher = searchers.acquire();
          try {
            return searcher.getIndexReader().numDocs();
          } finally {
            searchers.release(searcher);
          }
        });
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        IOUtils.close(searchers, writer, directory); // all of them; the first failure thrown
      }
    } catch (IOException | RuntimeException e) {
      throw new QsimException("Closing question index " + path + " failed: " + e.getMessage(), e);
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
      TopDocs top = searcher.search(new TermQuery(new Term(QuestionDocuments.ID, id)), 1);
      if (top.scoreDocs.length == 0) {
        return null;
      }
      return searcher.storedFields().document(top.scoreDocs[0].doc).get(QuestionDocuments.QUESTION);
    } finally {
      searchers.release(searcher);
    }
  }

  /** The precision of an ONNX model ({@code fp32}, {@code int8}), or null for another model. */
  private static String precision(QuestionSimilarity model) {
    return model instanceof OnnxQuestionSimilarity onnx ? onnx.metadata().precision().id() : null;
  }

  /** An index operation that may fail with an I/O error. */
  @FunctionalInterface
  private interface IndexAction<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} under the read lock (so that {@link #close()} waits for it) on the open
   * index, which must hold its writer if {@code write}; an I/O error becomes a {@link
   * QsimException} saying what could not be done: "Cannot {@code verb} question index ...".
   */
  private <T> T locked(boolean write, String verb, IndexAction<T> action) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("Question index " + path + " is closed");
      }
      if (write && writer == null) {
        throw new IllegalStateException("Question index " + path + " was opened read-only");
      }
      return action.run();
    } catch (IOException e) {
      throw new QsimException(
          "Cannot " + verb + " question index " + path + ": " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
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
        throw new QsimException(IndexMessages.locked(directory.toAbsolutePath().normalize()), e);
      } catch (IOException e) {
        throw new QsimException(
            IndexMessages.openFailure(directory.toAbsolutePath().normalize(), e), e);
      }
    }
  }
}
