package dev.qsim.index;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a question index holds at its last commit; read by {@link LuceneQuestionIndex#stats(Path)}
 * without loading a model.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param directory the index directory
 * @param model the model the index was built with
 * @param questions the questions stored
 * @param deletedQuestions deleted or replaced questions whose space is not yet reclaimed
 * @param segments the number of Lucene segments
 * @param bytes the size of the index's files on disk
 * @param vectorFormat the vector format of the index's segments, e.g. {@code
 *     Lucene99HnswVectorsFormat}
 */
public record IndexStats(
    Path directory,
    ModelIdentity model,
    int questions,
    int deletedQuestions,
    int segments,
    long bytes,
    String vectorFormat) {
  /**
   * Validates the components.
   *
   * @param directory the index directory
   * @param model the model the index was built with
   * @param questions the questions stored
   * @param deletedQuestions deleted or replaced questions whose space is not yet reclaimed
   * @param segments the number of Lucene segments
   * @param bytes the size of the index's files on disk
   * @param vectorFormat the vector format of the index's segments, e.g. {@code
   *     Lucene99HnswVectorsFormat}
   */
  public IndexStats {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(vectorFormat, "vectorFormat");
  }
}
