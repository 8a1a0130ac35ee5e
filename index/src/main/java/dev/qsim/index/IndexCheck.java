package dev.qsim.index;

import dev.qsim.Embedding;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NoLockFactory;
import org.jspecify.annotations.Nullable;

/**
 * Checks a question index on disk ({@code qsim index check}): Lucene's {@link CheckIndex} (every
 * file's checksum and the segments' structure), then a self-check of the stored vectors on a
 * sample: each is finite, has the model's dimension and unit length (the index stores normalised
 * embeddings), and, when the model it was built with is given, matches the stored question embedded
 * again. A check that passes is recorded in {@value #RECORD} next to the index, with the commit it
 * checked (a check that fails removes it); {@link #lastPassed} reads it for {@code qsim index
 * stats}.
 *
 * <p>Stateless and thread-safe. A check takes the index's write lock (a read-only index is checked
 * without), so it refuses an index that a writer has open.
 */
public final class IndexCheck {
  /** The file in the index directory that records the last check that passed. */
  public static final String RECORD = "qsim-check.txt";

  /** How far from 1 a stored vector's length may be. */
  static final double NORM_TOLERANCE = 1e-3;

  /** Smallest dot product between a stored vector and the same question embedded again. */
  static final double REEMBED_MIN_DOT = 0.999;

  /**
   * What a check found.
   *
   * @param directory the index
   * @param passed whether nothing was wrong
   * @param problems what was wrong, one line each; empty if it passed
   * @param vectorsChecked stored vectors whose dimension and length were checked
   * @param questionsReembedded stored questions embedded again and compared with their vectors
   * @param note why questions were not embedded again, or {@code null}
   */
  public record Result(
      Path directory,
      boolean passed,
      List<String> problems,
      int vectorsChecked,
      int questionsReembedded,
      @Nullable String note) {
    /**
     * Copies the problems.
     *
     * @param directory the index
     * @param passed whether nothing was wrong
     * @param problems what was wrong, one line each; empty if it passed
     * @param vectorsChecked stored vectors whose dimension and length were checked
     * @param questionsReembedded stored questions embedded again and compared with their vectors
     * @param note why questions were not embedded again, or {@code null}
     */
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /**
   * The last check that passed.
   *
   * @param time when it finished
   * @param generation the commit generation it checked
   * @param current whether the index's last commit is still that one
   */
  public record LastPass(Instant time, long generation, boolean current) {}

  private IndexCheck() {}

  /**
   * Checks the index in {@code directory}.
   *
   * @param directory an index directory
   * @param model the model to embed a sample of stored questions with, or {@code null} to check
   *     only the vectors' dimension and length; it is used only if its identity is the index's
   * @param identity {@code model}'s identity, or {@code null} without a model
   * @param sample most vectors to check, spread over the index
   * @param reembed most of those to embed again
   * @return what was found
   * @throws QsimException if the directory holds no question index
   */
  public static Result check(
      Path directory,
      @Nullable QuestionSimilarity model,
      @Nullable ModelIdentity identity,
      int sample,
      int reembed) {
    Objects.requireNonNull(directory, "directory");
    Path path = directory.toAbsolutePath().normalize();
    List<String> problems = new ArrayList<>();
    int vectors = 0;
    int reembedded = 0;
    String note = null;
    ModelIdentity stored;
    long generation;
    try (Directory d = FSDirectory.open(path)) {
      if (!DirectoryReader.indexExists(d)) {
        throw new QsimException("No question index in " + path);
      }
      SegmentInfos infos;
      try {
        infos = SegmentInfos.readLatestCommit(d);
      } catch (IOException e) {
        problems.add("cannot read the last commit: " + e.getMessage());
        return new Result(path, false, problems, 0, 0, null);
      }
      generation = infos.getGeneration();
      stored = IndexFiles.readIdentity(d, path);
      luceneCheck(d, path, problems);
      if (problems.isEmpty()) {
        if (model != null && !stored.equals(identity)) {
          note =
              "stored questions not embedded again: the index was built with "
                  + stored.describe()
                  + ", not "
                  + (identity == null ? "the given model" : identity.describe());
          model = null;
        }
        int[] counts = vectorCheck(d, stored, model, sample, reembed, problems);
        vectors = counts[0];
        reembedded = counts[1];
        if (model == null && note == null) {
          note = "stored questions not embedded again (no model given)";
        }
      }
    } catch (IOException e) {
      throw new QsimException("Cannot check question index " + path + ": " + e.getMessage(), e);
    }
    boolean passed = problems.isEmpty();
    if (passed) {
      record(path, generation);
    } else {
      try {
        Files.deleteIfExists(path.resolve(RECORD)); // an older pass no longer holds
      } catch (IOException e) {
        // read-only index
      }
    }
    return new Result(path, passed, problems, vectors, reembedded, note);
  }

  private static void luceneCheck(Directory d, Path path, List<String> problems)
      throws IOException {
    Lock lock;
    try {
      lock = d.obtainLock(IndexWriter.WRITE_LOCK_NAME);
    } catch (LockObtainFailedException e) {
      throw new QsimException(
          "Cannot check question index " + path + ": a writer has it open (" + e.getMessage() + ")",
          e);
    } catch (AccessDeniedException e) {
      lock = NoLockFactory.INSTANCE.obtainLock(d, IndexWriter.WRITE_LOCK_NAME); // read-only
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (CheckIndex checker = new CheckIndex(d, lock)) {
      checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
      CheckIndex.Status status = checker.checkIndex();
      if (!status.clean) {
        for (String line : log.toString(StandardCharsets.UTF_8).split("\n")) {
          String l = line.strip();
          if (l.contains("ERROR") || l.contains("FAILED") || l.contains("WARNING")) {
            problems.add("Lucene CheckIndex: " + l);
          }
        }
        if (problems.isEmpty()) {
          problems.add(
              "Lucene CheckIndex: the index is not clean ("
                  + status.numBadSegments
                  + " bad segments)");
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add("Lucene CheckIndex failed: " + e);
    }
  }

  /** Checks a sample of the stored vectors; returns {vectors checked, questions re-embedded}. */
  private static int[] vectorCheck(
      Directory d,
      ModelIdentity stored,
      QuestionSimilarity model,
      int sample,
      int reembed,
      List<String> problems)
      throws IOException {
    int checked = 0;
    List<String> texts = new ArrayList<>();
    List<float[]> storedVectors = new ArrayList<>();
    List<String> where = new ArrayList<>();
    try (DirectoryReader reader = DirectoryReader.open(d)) {
      int total = Math.max(1, reader.maxDoc());
      int stride = Math.max(1, total / Math.max(1, sample));
      int reembedStride = Math.max(1, Math.min(total, sample) / Math.max(1, reembed));
      for (LeafReaderContext leaf : reader.leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(QuestionDocuments.VECTOR);
        if (values == null) {
          continue;
        }
        String segment = leaf.reader().toString();
        for (int doc = values.nextDoc();
            doc != DocIdSetIterator.NO_MORE_DOCS;
            doc = values.advance(Math.min(leaf.reader().maxDoc(), doc + stride))) {
          if (doc >= leaf.reader().maxDoc()) {
            break;
          }
          float[] v = values.vectorValue();
          String at = "document " + doc + " of segment " + segment;
          checked++;
          if (v.length != stored.dimension()) {
            problems.add(
                "stored vector of "
                    + at
                    + " has dimension "
                    + v.length
                    + ", the model's is "
                    + stored.dimension());
            continue;
          }
          double norm = 0;
          boolean finite = true;
          for (float x : v) {
            finite &= Float.isFinite(x);
            norm += (double) x * x;
          }
          norm = Math.sqrt(norm);
          if (!finite || Math.abs(norm - 1) > NORM_TOLERANCE) {
            problems.add(
                "stored vector of "
                    + at
                    + (finite ? " has length " + norm + ", not 1" : " holds a non-finite value"));
            continue;
          }
          if (model != null && checked % reembedStride == 0 && texts.size() < reembed) {
            var docFields = leaf.reader().storedFields().document(doc);
            String question = docFields.get(QuestionDocuments.QUESTION);
            if (question != null) {
              texts.add(question);
              storedVectors.add(v.clone());
              where.add(at + " (id " + docFields.get(QuestionDocuments.ID) + ")");
            }
          }
          if (doc + stride >= leaf.reader().maxDoc()) {
            break;
          }
        }
      }
    }
    if (!texts.isEmpty()) {
      List<Embedding> again = model.embedAll(texts);
      for (int i = 0; i < texts.size(); i++) {
        float[] a = again.get(i).vector();
        float[] b = storedVectors.get(i);
        double dot = 0;
        double na = 0;
        for (int k = 0; k < a.length; k++) {
          dot += (double) a[k] * b[k];
          na += (double) a[k] * a[k];
        }
        dot /= Math.sqrt(na);
        if (dot < REEMBED_MIN_DOT) {
          problems.add(
              "stored vector of "
                  + where.get(i)
                  + " differs from its question embedded again (cosine "
                  + String.format(java.util.Locale.ROOT, "%.4f", dot)
                  + ")");
        }
      }
    }
    return new int[] {checked, texts.size()};
  }

  /** Records a passed check; best effort (a read-only index is not changed). */
  private static void record(Path path, long generation) {
    String line = "passed " + Instant.now() + " generation " + generation + "\n";
    try {
      AtomicFiles.writeText(path.resolve(RECORD), "index check record", w -> w.write(line));
    } catch (QsimException e) {
      // read-only index: the check passed but cannot be recorded
    }
  }

  /**
   * The last check of the index in {@code directory} that passed, if one was recorded.
   *
   * @param directory an index directory
   * @return when it passed, and whether the index changed since
   */
  public static Optional<LastPass> lastPassed(Path directory) {
    Path path = directory.toAbsolutePath().normalize();
    try {
      String[] words = Files.readString(path.resolve(RECORD)).strip().split(" ");
      if (words.length != 4 || !words[0].equals("passed") || !words[2].equals("generation")) {
        return Optional.empty();
      }
      long generation = Long.parseLong(words[3]);
      long now;
      try (Directory d = FSDirectory.open(path)) {
        now = SegmentInfos.readLatestCommit(d).getGeneration();
      }
      return Optional.of(new LastPass(Instant.parse(words[1]), generation, generation == now));
    } catch (IOException | NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
