package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model DIR}: the plain bundled base model copied into a model directory with its own
 * threshold.
 */
class ModelDirectoryTest {
  private static final String METADATA = "dev/qsim/models/all-minilm-l6-v2/qsim-model.json";

  private static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = ModelDirectoryTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      Files.copy(in, target);
    }
  }

  @Test
  void similarityUsesTheDirectoryModelAndItsThreshold(@TempDir Path dir) throws IOException {
    JsonObject meta;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(METADATA)) {
      meta =
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
    // The bundled metadata names class-path resources ("/..."); a directory holds plain files.
    copyResource(
        meta.get("encoder_file").getAsString().replaceFirst("^/", ""), dir.resolve("model.onnx"));
    copyResource(
        meta.get("tokenizer_file").getAsString().replaceFirst("^/", ""),
        dir.resolve("tokenizer.json"));
    meta.addProperty("name", "copied-minilm");
    meta.addProperty("encoder_file", "model.onnx");
    meta.addProperty("tokenizer_file", "tokenizer.json");
    meta.addProperty("similarity_threshold", 0.95);
    // Without its pair head, the copy decides by the similarity and this threshold.
    meta.remove("pair_head_file");
    meta.remove("pair_head_threshold");
    // The copy's files differ from those the bundled checksums describe.
    meta.remove("checksums");
    Files.writeString(dir.resolve("qsim-model.json"), meta.toString());

    String q1 = "How do I learn Java?";
    String q2 = "What is the best way to learn Java?";
    CliRun fromDirectory = CliRun.run("similarity", q1, q2, "--model", dir.toString());
    assertThat(fromDirectory.exitCode()).as(fromDirectory.err()).isZero();
    double bundled;
    try (dev.qsim.onnx.OnnxQuestionSimilarity base =
        dev.qsim.onnx.OnnxQuestionSimilarity.builder()
            .setModelResource(
                ModelDirectoryTest.class.getClassLoader(),
                dev.qsim.onnx.OnnxQuestionSimilarity.BASE_MODEL)
            .build()) {
      bundled = base.similarity(q1, q2);
    }
    assertThat(Double.parseDouble(fromDirectory.lastOutLine())).isCloseTo(bundled, within(1e-6));
    assertThat(fromDirectory.out()).contains("threshold 0.9500");
    assertThat(fromDirectory.out())
        .contains(bundled >= 0.95 ? "Duplicate:  yes" : "Duplicate:  no");
  }

  @Test
  void aDirectoryWithoutMetadataIsNamed(@TempDir Path dir) {
    CliRun run = CliRun.run("similarity", "a question", "another", "--model", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(dir.toString());
    assertThat(run.err().strip()).doesNotContain("\n");
  }
}
