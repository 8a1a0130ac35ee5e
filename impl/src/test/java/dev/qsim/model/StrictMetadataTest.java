package dev.qsim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.ModelLoadException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/**
 * {@code qsim-model.json} is parsed strictly (issue 19, item 5): an unknown key is an error naming
 * it and the nearest known key, a duplicate key is an error, and numbers are range-checked before
 * they are narrowed.
 */
class StrictMetadataTest {
  private static final String BASE =
      "\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
          + "\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
          + "\"similarity_threshold\":0.5";

  private static ModelMetadata parse(String json) {
    return ModelMetadata.parse(new StringReader(json), "test/qsim-model.json");
  }

  @Test
  void aWellFormedFileStillParses() {
    assertThat(parse("{" + BASE + ",\"dimension\":384}").dimension()).isEqualTo(384);
    assertThat(parse("{" + BASE + ",\"dimension\":384.0}").dimension()).isEqualTo(384);
  }

  @Test
  void aMisspelledKeyIsNamedWithTheNearestKnownKey() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":384,\"candidate_treshold\":0.4}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("test/qsim-model.json")
        .hasMessageContaining("unknown key 'candidate_treshold'")
        .hasMessageContaining("'candidate_threshold'");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimenson\":384}"))
        .hasMessageContaining("unknown key 'dimenson'")
        .hasMessageContaining("'dimension'");
  }

  @Test
  void aMisspelledKeyInsideTheVerifierIsNamedWithItsPath() {
    String json =
        "{"
            + BASE
            + ",\"dimension\":384,\"verifier\":{\"file\":\"v.onnx\",\"treshold\":0.4,"
            + "\"max_sequence_length\":80}}";
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("unknown key 'verifier.treshold'")
        .hasMessageContaining("'verifier.threshold'");
  }

  @Test
  void provenanceAndMetricsStayFreeForm() {
    ModelMetadata md =
        parse(
            "{"
                + BASE
                + ",\"dimension\":8,\"provenance\":{\"anything\":{\"goes\":1}},"
                + "\"metrics\":{\"dev\":{\"whatever_metric\":0.5}}}");
    assertThat(md.provenance()).containsKey("anything");
    assertThat(md.metrics().get("dev")).containsEntry("whatever_metric", 0.5);
  }

  @Test
  void aDuplicateKeyIsAnError() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":384,\"dimension\":8}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("test/qsim-model.json")
        .hasMessageContaining("duplicate key 'dimension'");
    assertThatThrownBy(
            () ->
                parse(
                    "{"
                        + BASE
                        + ",\"dimension\":8,\"encoder_delta\":{\"file\":\"a\",\"file\":\"b\","
                        + "\"base_sha256\":\"sha256:"
                        + "ab".repeat(32)
                        + "\"}}"))
        .hasMessageContaining("duplicate key 'encoder_delta.file'");
  }

  @Test
  void aHugeDimensionIsRefusedNotWrappedAround() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":99999999999999999999}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("dimension")
        .hasMessageContaining("99999999999999999999")
        .hasMessageNotContaining("1661992959");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":2147483648}"))
        .hasMessageContaining("'dimension' must be an integer from");
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":384.5}"))
        .hasMessageContaining("'dimension' must be an integer");
  }

  @Test
  void anInfiniteThresholdIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    "{"
                        + BASE.replace(
                            "\"similarity_threshold\":0.5", "\"similarity_threshold\":1e999")
                        + ",\"dimension\":8}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'similarity_threshold' must be a finite number");
  }

  @Test
  void lenientSyntaxAndTrailingTextAreRefused() {
    assertThatThrownBy(() -> parse("{" + BASE + ",\"dimension\":8} extra"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("test/qsim-model.json");
    assertThatThrownBy(() -> parse("{" + BASE + ",dimension:8}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void checksumsRoundTripAndAreValidated() {
    String sum = "sha256:" + "cd".repeat(32);
    ModelMetadata md =
        parse("{" + BASE + ",\"dimension\":8,\"checksums\":{\"model.onnx\":\"" + sum + "\"}}");
    assertThat(md.checksums()).containsEntry("model.onnx", sum);
    assertThat(parse(md.toJson()).checksums()).isEqualTo(md.checksums());
    assertThatThrownBy(
            () -> parse("{" + BASE + ",\"dimension\":8,\"checksums\":{\"model.onnx\":\"md5:1\"}}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("checksums.model.onnx");
  }
}
