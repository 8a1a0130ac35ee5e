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

  static Map<String, String> userData(ModelIdentity identity) {
    return Map.of(
        KEY_FORMAT,
        FORMAT,
        KEY_MODEL,
        identity.name(),
        KEY_FINGERPRINT,
        identity.fingerprint(),
        KEY_DIMENSION,
        Integer.toString(identity.dimension()));
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

  static void checkModel(Path path, ModelIdentity stored, ModelIdentity given) {
    if (!stored.equals(given)) {
      throw new QsimException(
          "Question index "
              + path
              + " was built with model "
              + stored.describe()
              + " and cannot be used with model "
              + given.describe()
              + ": their vectors are not comparable; open it with the model it was built with,"
              + " or build a new index");
    }
  }
}
