package dev.qsim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one writer records a SHA-256 of every file the metadata names; verifying names damage. */
class ModelChecksumsTest {
  @TempDir Path tmp;

  private Path writeModel() {
    return ModelDirectoryWriter.write(
        tmp.resolve("model"),
        dir -> {
          Files.write(dir.resolve("model.onnx"), new byte[10_000]);
          Files.writeString(dir.resolve("tokenizer.json"), "{}");
          Files.writeString(dir.resolve("pair-head.json"), "{\"layers\":[]}");
          return ModelMetadata.of("m", Pooling.MEAN, true, 8, 64, SimilarityFunction.COSINE, 0.7)
              .withPairHead("pair-head.json", 0.5)
              .toBuilder()
              .checksums(Map.of("model.onnx", "sha256:" + "00".repeat(32)))
              .build();
        });
  }

  @Test
  void theWriterRecordsEveryFileReplacingStaleSums() throws IOException {
    Path dir = writeModel();
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    assertThat(md.checksums()).containsOnlyKeys("model.onnx", "tokenizer.json", "pair-head.json");
    try (var in = Files.newInputStream(dir.resolve("model.onnx"))) {
      assertThat(md.checksums().get("model.onnx")).isEqualTo(ModelChecksums.sha256(in));
    }
    ModelChecksums.verify(md, dir.toString(), name -> Files.newInputStream(dir.resolve(name)));
    assertThat(md.toBuilder().build().checksums())
        .as("a changed copy does not carry sums of files it may not match")
        .isEmpty();
  }

  @Test
  void aDamagedFileIsNamed() throws IOException {
    Path dir = writeModel();
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.onnx").toFile(), "rw")) {
      f.seek(5_000);
      f.write(new byte[] {1, 2, 3, 4});
    }
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    assertThatThrownBy(
            () ->
                ModelChecksums.verify(
                    md, dir.toString(), name -> Files.newInputStream(dir.resolve(name))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model file damaged")
        .hasMessageContaining(dir.resolve("model.onnx").toString());
  }

  @Test
  void onlyTheListedFilesAreVerified() throws IOException {
    Path dir = writeModel();
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    ModelMetadata partial =
        md.toBuilder().checksums(Map.of("model.onnx", md.checksums().get("model.onnx"))).build();
    Files.writeString(dir.resolve("tokenizer.json"), "{\"edited\": true}");
    ModelChecksums.verify(partial, dir.toString(), name -> Files.newInputStream(dir.resolve(name)));
    assertThatThrownBy(
            () ->
                ModelChecksums.verify(
                    md, dir.toString(), name -> Files.newInputStream(dir.resolve(name))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(dir.resolve("tokenizer.json").toString());
  }
}
