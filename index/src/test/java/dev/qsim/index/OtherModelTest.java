package dev.qsim.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.QsimException;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherModelTest {

  /**
   * A real, loadable model directory whose encoder file differs from the bundled one: the bundled
   * ONNX bytes with a {@code doc_string} (ModelProto field 6) appended, which a protobuf parser
   * reads as the last value of that field. Same weights, another file, another fingerprint.
   */
  private static Path otherModel(Path target, OnnxQuestionSimilarity model) {
    ModelMetadata bundled = model.metadata();
    return ModelDirectoryWriter.write(
        target,
        dir -> {
          byte[] doc = "qsim test: a re-labelled copy".getBytes(StandardCharsets.UTF_8);
          ByteArrayOutputStream encoder = new ByteArrayOutputStream();
          Path full = dir.resolve("full.onnx");
          model.writeEncoder(full); // the network itself (the default is stored as a delta)
          encoder.write(Files.readAllBytes(full));
          Files.delete(full);
          encoder.write(0x32); // field 6 (doc_string), length-delimited
          encoder.write(doc.length);
          encoder.write(doc);
          Files.write(dir.resolve("encoder.onnx"), encoder.toByteArray());
          Files.write(dir.resolve("tokenizer.json"), resource(bundled.tokenizerFile()));
          return bundled.toBuilder()
              .encoderFile("encoder.onnx")
              .encoderDelta(null)
              .tokenizerFile("tokenizer.json")
              .pairHead(null, Double.NaN)
              .build();
        });
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = OnnxQuestionSimilarity.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void anIndexRefusesAModelWithAnotherEncoderNamingBoth(@TempDir Path dir) {
    OnnxQuestionSimilarity bundled = TestData.model();
    Path path = dir.resolve("idx");
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(path).setModel(bundled).build()) {
      index.add("1", "How do I learn Java?");
    }
    Path modelDir = otherModel(dir.resolve("other-model"), bundled);
    try (OnnxQuestionSimilarity other =
        OnnxQuestionSimilarity.builder().setModelDirectory(modelDir).build()) {
      // A real model: it loads and embeds like the bundled one, yet its file is another.
      assertThat(other.embed("How do I learn Java?").vector())
          .containsExactly(bundled.embed("How do I learn Java?").vector());
      assertThat(other.fingerprint()).isNotEqualTo(bundled.fingerprint());
      ModelIdentity stored = ModelIdentity.of(bundled);
      ModelIdentity given = ModelIdentity.of(other);
      assertThatThrownBy(
              () -> LuceneQuestionIndex.builder().setDirectory(path).setModel(other).build())
          .isInstanceOf(QsimException.class)
          .hasMessageContaining(path.toString())
          .hasMessageContaining("was built with model " + stored.describe())
          .hasMessageContaining("cannot be used with model " + given.describe());
      assertThatThrownBy(
              () ->
                  LuceneQuestionIndex.builder()
                      .setDirectory(path)
                      .setModel(other)
                      .optReadOnly(true)
                      .build())
          .isInstanceOf(QsimException.class)
          .hasMessageContaining("cannot be used with model");
    }
    // Refusing left the index as it was.
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(path).setModel(bundled).build()) {
      assertThat(index.question("1")).hasValue("How do I learn Java?");
    }
  }

  @Test
  void fingerprintIsTheSha256OfTheEncoderFileOrOfItsDelta() throws Exception {
    OnnxQuestionSimilarity bundled = TestData.model();
    ModelMetadata md = bundled.metadata();
    byte[] bytes =
        resource(
            md.encoderDelta() == null
                ? md.encoderFile()
                : "/" + OnnxQuestionSimilarity.BUNDLED_MODEL + "/" + md.encoderDelta().file());
    String hex =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(bundled.fingerprint()).isEqualTo("sha256:" + hex);
  }
}
