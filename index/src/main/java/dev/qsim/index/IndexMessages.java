package dev.qsim.index;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** What a {@link LuceneQuestionIndex} says when it cannot be opened, in words. Stateless. */
final class IndexMessages {
  private IndexMessages() {}

  /**
   * Why an index could not be opened, in words: a directory or file this user may not write
   * (permission denied, a read-only file system) is named as such, with what to do instead.
   */
  static String openFailure(Path path, IOException e) {
    String file =
        e instanceof FileSystemException fse && fse.getFile() != null
            ? fse.getFile()
            : path.toString();
    String reason =
        e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : null;
    boolean denied =
        e instanceof AccessDeniedException
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

  /** The index's {@code write.lock} is held by another writer. */
  static String locked(Path path) {
    return "Question index "
        + path
        + " is open for writing elsewhere (another process or index instance holds its"
        + " write.lock); open it read-only to search it meanwhile";
  }
}
