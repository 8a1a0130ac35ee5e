package dev.qsim.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qsim.QsimException;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19: what an index says when it cannot be opened, and of questions it cannot read. */
class IndexMessagesTest {

  @Test
  void aReadOnlyIndexSaysPermissionDenied(@TempDir Path dir) throws IOException {
    Path path = dir.resolve("idx");
    Path lock = path.resolve("write.lock");
    // What Lucene's lock factory throws when it may not create write.lock.
    String message = IndexMessages.openFailure(path, new AccessDeniedException(lock.toString()));
    assertThat(message)
        .contains("Cannot open question index " + path + " for writing: permission denied on ")
        .contains(lock.toString())
        .contains("not writable");
    assertThat(
            IndexMessages.openFailure(
                path, new FileSystemException(lock.toString(), null, "Read-only file system")))
        .contains("permission denied on " + lock + " (Read-only file system)");
  }

  /** The real thing, where the file system enforces permissions (not for root). */
  @Test
  void aReadOnlyIndexDirectoryIsReportedAsNotWritable(@TempDir Path dir) throws IOException {
    assumeTrue(!"root".equals(System.getProperty("user.name")), "root may write anything");
    OnnxQuestionSimilarity model = TestData.model();
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(path).setModel(model).build()) {
      index.add("1", "How do I learn Java?");
    }
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThatThrownBy(
              () -> LuceneQuestionIndex.builder().setDirectory(path).setModel(model).build())
          .isInstanceOf(QsimException.class)
          .hasMessageContaining("permission denied")
          .hasMessageContaining(path.toString());
    } finally {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void anotherPrecisionOfTheSameModelIsNamedFp32VsInt8() {
    ModelIdentity fp32 = new ModelIdentity("all-MiniLM-L6-v2", "sha256:" + "a".repeat(64), 384);
    ModelIdentity int8 = new ModelIdentity("all-MiniLM-L6-v2", "sha256:" + "b".repeat(64), 384);
    Path path = Path.of("/data/idx");
    assertThatThrownBy(() -> IndexFiles.checkModel(path, fp32, "fp32", int8, "int8"))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("was built with model " + fp32.describe() + " in fp32")
        .hasMessageContaining("cannot be used with model " + int8.describe() + " in int8")
        .hasMessageContaining("the same model, fp32 vs int8: open it with --precision fp32");
    // An index written before the precision was recorded still names the given one.
    assertThatThrownBy(() -> IndexFiles.checkModel(path, fp32, null, int8, "int8"))
        .hasMessageContaining(" in a precision it did not record and cannot be used with model ")
        .hasMessageContaining(int8.describe() + " in int8");
  }

  @Test
  void theIndexRecordsThePrecisionOfItsModel(@TempDir Path dir) throws IOException {
    OnnxQuestionSimilarity model = TestData.model();
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(path).setModel(model).build()) {
      index.add("1", "How do I learn Java?");
    }
    try (var d = org.apache.lucene.store.FSDirectory.open(path)) {
      assertThat(IndexFiles.readPrecision(d)).isEqualTo("fp32");
    }
  }

  @Test
  void unreadableQuestionsAreRefusedNamingTheArgument(@TempDir Path dir) {
    OnnxQuestionSimilarity model = TestData.model();
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(dir.resolve("idx")).setModel(model).build()) {
      assertThatThrownBy(() -> index.addAll(List.of("1", "2"), List.of("Why?", "😀😀😀")))
          .isInstanceOf(UnreadableQuestionException.class)
          .hasMessageStartingWith("questions[1] is unreadable");
      assertThatThrownBy(() -> index.askedBeforeAll(List.of("Why?", "ᠮᠣᠩᠭᠣᠯ"), 3))
          .isInstanceOf(UnreadableQuestionException.class)
          .hasMessageStartingWith("queries[1] is unreadable");
      assertThat(index.size()).isZero();
    }
  }
}
