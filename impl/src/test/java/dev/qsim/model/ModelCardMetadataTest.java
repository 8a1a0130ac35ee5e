package dev.qsim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model card keys of {@code qsim-model.json} ({@code licence}, {@code training_data}, beside
 * {@code metrics}): written, read back, kept by copies, and checked as strictly as the rest.
 */
class ModelCardMetadataTest {
  private static final String BASE =
      "\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
          + "\"dimension\":8,\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
          + "\"similarity_threshold\":0.5";

  private static ModelMetadata parse(String json) {
    return ModelMetadata.parse(new StringReader(json), "test/qsim-model.json");
  }

  private static ModelMetadata card() {
    return ModelMetadata.of("m", Pooling.MEAN, true, 8, 64, SimilarityFunction.COSINE, 0.75)
        .toBuilder()
        .licence("Apache-2.0 (weights); Quora's terms: non-commercial use")
        .trainingData(List.of("Quora Question Pairs, quora/train.csv", "MSRP train part"))
        .metrics("quora-dev", Map.of("accuracy", 0.8439, "average_precision", 0.9074))
        .build();
  }

  @Test
  void theCardRoundTripsThroughAFile(@TempDir Path tmp) throws Exception {
    ModelMetadata md = card();
    Path file = tmp.resolve(ModelMetadata.FILE_NAME);
    md.write(file);
    String json = Files.readString(file);
    assertThat(json)
        .contains("\"licence\": \"Apache-2.0 (weights); Quora's terms: non-commercial use\"")
        .contains("\"training_data\": [");
    ModelMetadata back = ModelMetadata.read(file);
    assertThat(back.licence()).isEqualTo(md.licence());
    assertThat(back.trainingData())
        .containsExactly("Quora Question Pairs, quora/train.csv", "MSRP train part");
    assertThat(back.metrics().get("quora-dev"))
        .containsEntry("accuracy", 0.8439)
        .containsEntry("average_precision", 0.9074);
    assertThat(back).isEqualTo(md);
    assertThat(back.toJson()).isEqualTo(json);
  }

  @Test
  void copiesKeepTheCardAndAMetadataWithoutOneWritesNone() {
    ModelMetadata md = card();
    ModelMetadata copy = md.withSimilarityThreshold(0.7);
    assertThat(copy.licence()).isEqualTo(md.licence());
    assertThat(copy.trainingData()).isEqualTo(md.trainingData());
    ModelMetadata plain = parse("{" + BASE + "}");
    assertThat(plain.licence()).isNull();
    assertThat(plain.trainingData()).isEmpty();
    assertThat(plain.toJson()).doesNotContain("licence").doesNotContain("training_data");
  }

  @Test
  void badCardValuesAreNamed() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"training_data\":\"quora\"}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("test/qsim-model.json")
        .hasMessageContaining("'training_data' must be an array of strings");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"training_data\":[\"quora\",\" \"]}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("training_data[1]");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"training_data\":[\"quora\",3]}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("training_data[1]");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"licence\":\"\"}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'licence' must be a non-empty string");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"licence\":{\"spdx\":\"MIT\"}}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'licence'");
    assertThatThrownBy(() -> card().toBuilder().licence(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("licence");
  }

  @Test
  void theAmericanSpellingIsAnUnknownKeyNamingTheKnownOne() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"license\":\"MIT\"}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("unknown key 'license'")
        .hasMessageContaining("'licence'");
  }
}
