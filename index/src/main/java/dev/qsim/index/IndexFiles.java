package dev.qsim.index;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The question index on disk: a Lucene index whose every commit carries, in its user data, the
 * index format and the {@link ModelIdentity} it was built with. Creating, recognising and checking
 * such a directory lives here; {@link LuceneQuestionIndex} does the adding and searching. Stateless
 * and thread-safe.
 */
final class IndexFiles {
  static final String KEY_FORMAT = "qsim.index.format";
  static final String FORMAT = "1";
  static final String KEY_MODEL = "qsim.model.name";
  static final String KEY_FINGERPRINT = "qsim.model.fingerprint";
  static final String KEY_DIMENSION = "qsim.model.dimension";

  /**
   * The model's precision, {@code fp32} or {@code int8}: not part of its identity (the fingerprint
   * already tells the encoders apart) but named in messages, since both precisions of a model have
   * the same name. Indexes written before it was recorded lack it.
   */
  static final String KEY_PRECISION = "qsim.model.precision";

  private IndexFiles() {}

  /**
   * What the last commit of the index in {@code directory} holds; see {@link
   * LuceneQuestionIndex#stats}.
   */
  static IndexStats stats(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new QsimException(
          "No question index at "
              + dir
              + (Files.exists(dir) ? " (it is a file)" : " (no such directory)"));
    }
    try (Directory d = FSDirectory.open(dir)) {
      if (!DirectoryReader.indexExists(d)) {
        throw new QsimException("No question index in " + dir);
      }
      ModelIdentity model = readIdentity(d, dir);
      try (DirectoryReader reader = DirectoryReader.open(d)) {
        long bytes = 0;
        for (String file : d.listAll()) {
          bytes += d.fileLength(file);
        }
        return new IndexStats(
            dir,
            model,
            reader.numDocs(),
            reader.numDeletedDocs(),
            reader.leaves().size(),
            bytes,
            VectorSearch.vectorFormat(reader));
      }
    } catch (IOException e) {
      throw new QsimException("Cannot read question index " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes sure the directory exists; returns whether a new index must be created in it (the
   * directory is new or empty).
   */
  static boolean prepare(Path path, boolean create) throws IOException {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new QsimException("Index path " + path + " is a file, not a directory");
    }
    if (!Files.exists(path)) {
      if (!create) {
        throw new QsimException("No question index at " + path + " (no such directory)");
      }
      Files.createDirectories(path);
      return true;
    }
    if (!create) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    }
  }

  static IndexWriterConfig config(IndexWriterConfig.OpenMode mode) {
    IndexWriterConfig config = new IndexWriterConfig();
    config.setOpenMode(mode);
    config.setCommitOnClose(true);
    return config;
  }

  static Map<String, String> userData(ModelIdentity identity, String precision) {
    Map<String, String> data = new java.util.HashMap<>();
    data.put(KEY_FORMAT, FORMAT);
    data.put(KEY_MODEL, identity.name());
    data.put(KEY_FINGERPRINT, identity.fingerprint());
    data.put(KEY_DIMENSION, Integer.toString(identity.dimension()));
    if (precision != null) {
      data.put(KEY_PRECISION, precision);
    }
    return data;
  }

  /** The precision the last commit records, or null if it records none. */
  static String readPrecision(Directory dir) throws IOException {
    return SegmentInfos.readLatestCommit(dir).getUserData().get(KEY_PRECISION);
  }

  static ModelIdentity readIdentity(Directory dir, Path path) throws IOException {
    Map<String, String> data = SegmentInfos.readLatestCommit(dir).getUserData();
    String format = data.get(KEY_FORMAT);
    if (format == null) {
      throw new QsimException(
          path + " holds a Lucene index that is not a qsim question index (no " + KEY_FORMAT + ")");
    }
    if (!FORMAT.equals(format)) {
      throw new QsimException(
          "Question index "
              + path
              + " has format "
              + format
              + "; this version of qsim reads format "
              + FORMAT);
    }
    try {
      return new ModelIdentity(
          data.get(KEY_MODEL),
          data.get(KEY_FINGERPRINT),
          Integer.parseInt(data.get(KEY_DIMENSION)));
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new QsimException(
          "Question index " + path + " records no valid model (" + data + ")", e);
    }
  }

  static void checkModel(
      Path path,
      ModelIdentity stored,
      String storedPrecision,
      ModelIdentity given,
      String givenPrecision) {
    if (!stored.equals(given)) {
      // Both precisions of a model share its name: say which precision each side is.
      boolean sameName = stored.name().equals(given.name());
      String storedIn =
          storedPrecision != null
              ? " in " + storedPrecision
              : sameName && givenPrecision != null ? " in a precision it did not record" : "";
      String givenIn = givenPrecision != null ? " in " + givenPrecision : "";
      String hint =
          sameName
                  && storedPrecision != null
                  && givenPrecision != null
                  && !storedPrecision.equals(givenPrecision)
              ? " (the same model, "
                  + storedPrecision
                  + " vs "
                  + givenPrecision
                  + ": open it with --precision "
                  + storedPrecision
                  + ")"
              : "";
      throw new QsimException(
          "Question index "
              + path
              + " was built with model "
              + stored.describe()
              + storedIn
              + " and cannot be used with model "
              + given.describe()
              + givenIn
              + hint
              + ": their vectors are not comparable; open it with the model it was built with,"
              + " or build a new index");
    }
  }
}
