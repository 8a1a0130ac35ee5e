package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelChecksums;
import dev.qsim.model.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file damaged after it was written is a clear error naming the file, not quietly different
 * answers (issue 19, item 4): the bundled models record a SHA-256 of their files and loading checks
 * them.
 */
class DamagedModelTest {
  @TempDir Path tmp;

  /** A copy of the bundled default model's resources as a model directory. */
  private Path copyOfDefault() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("minilm-quora"));
    for (String file :
        List.of(ModelMetadata.FILE_NAME, "encoder-delta.safetensors", "pair-head.json")) {
      try (InputStream in =
          getClass()
              .getClassLoader()
              .getResourceAsStream(OnnxQuestionSimilarity.BUNDLED_MODEL + "/" + file)) {
        assertThat(in).as(file).isNotNull();
        Files.copy(in, dir.resolve(file));
      }
    }
    return dir;
  }

  @Test
  void theBundledModelsRecordAChecksumOfEachOfTheirFiles() {
    for (String model :
        List.of(OnnxQuestionSimilarity.BUNDLED_MODEL, OnnxQuestionSimilarity.BASE_MODEL)) {
      ModelSource source = ModelSource.classpath(getClass().getClassLoader(), model);
      ModelMetadata md = source.readMetadata();
      md.files().values().stream()
          .filter(f -> !f.startsWith("/"))
          .forEach(f -> assertThat(md.checksums()).as(model).containsKey(f));
      source.load(); // verifies
    }
  }

  @Test
  void fourKilobytesOverwrittenInTheEncoderDeltaFailLoadingNamingTheFile() throws IOException {
    Path dir = copyOfDefault();
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    ModelChecksums.verify(md, dir.toString(), f -> Files.newInputStream(dir.resolve(f)));
    Path delta = dir.resolve("encoder-delta.safetensors");
    byte[] noise = new byte[4096];
    new Random(19).nextBytes(noise);
    try (RandomAccessFile f = new RandomAccessFile(delta.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(noise);
    }
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(dir).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model file damaged")
        .hasMessageContaining(delta.toString());
  }
}
