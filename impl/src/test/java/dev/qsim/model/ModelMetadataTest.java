package dev.qsim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.SimilarityFunction;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMetadataTest {

  private static ModelMetadata sample() {
    return ModelMetadata.of("m", Pooling.MEAN, true, 8, 64, SimilarityFunction.COSINE, 0.75)
        .withPairHead("pair-head.json", 0.4)
        .withProvenance(Map.of("data", "quora", "epochs", 2))
        .withMetrics("quora-dev", Map.of("accuracy", 0.81, "f1", 0.8));
  }

  @Test
  void roundTripsThroughJson(@TempDir Path tmp) {
    ModelMetadata md = sample();
    Path file = tmp.resolve(ModelMetadata.FILE_NAME);
    md.write(file);
    ModelMetadata back = ModelMetadata.read(file);
    assertThat(back.name()).isEqualTo("m");
    assertThat(back.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(back.dimension()).isEqualTo(8);
    assertThat(back.similarityThreshold()).isEqualTo(0.75);
    assertThat(back.pairHeadFile()).isEqualTo("pair-head.json");
    assertThat(back.pairHeadThreshold()).isEqualTo(0.4);
    assertThat(back.metrics().get("quora-dev")).containsEntry("accuracy", 0.81);
    assertThat(back.provenance()).containsEntry("data", "quora");
    assertThat(back.toJson()).isEqualTo(md.toJson().replace("\"epochs\": 2", "\"epochs\": 2.0"));
  }

  @Test
  void roundTripsAVerifierAndOldFilesHaveNone(@TempDir Path tmp) {
    assertThat(sample().verifier()).isNull();
    assertThat(sample().toJson()).doesNotContain("verifier");
    ModelMetadata md =
        sample().toBuilder()
            .verifier(
                new ModelMetadata.Verifier("verifier.onnx", 0.43, 80, "best balanced accuracy"))
            .build();
    Path file = tmp.resolve(ModelMetadata.FILE_NAME);
    md.write(file);
    ModelMetadata back = ModelMetadata.read(file);
    assertThat(back.verifier())
        .isEqualTo(new ModelMetadata.Verifier("verifier.onnx", 0.43, 80, "best balanced accuracy"));
    assertThat(back.verifier()).isNotNull();
    assertThat(back.toJson()).isEqualTo(md.toJson().replace("\"epochs\": 2", "\"epochs\": 2.0"));
  }

  @Test
  void roundTripsAPackedVerifierWithACascadeAndNamesItsBadValues(@TempDir Path tmp)
      throws java.io.IOException {
    String sha = "sha256:" + "cd".repeat(32);
    ModelMetadata.Verifier v =
        new ModelMetadata.Verifier("verifier.onnx", 0.43, 80, "on dev")
            .withDelta(
                "/all-minilm-l6-v2.onnx",
                new ModelMetadata.EncoderDelta("verifier-delta.safetensors", sha))
            .withCascade(new ModelMetadata.Cascade(0.2, 1.0, "qsim calibrate --cascade"));
    ModelMetadata md = sample().toBuilder().verifier(v).build();
    Path file = tmp.resolve(ModelMetadata.FILE_NAME);
    md.write(file);
    ModelMetadata back = ModelMetadata.read(file);
    assertThat(back.verifier()).isEqualTo(v);
    assertThat(back.verifier().file()).isEqualTo("/all-minilm-l6-v2.onnx");
    assertThat(back.verifier().cascade().contains(0.2)).isTrue();
    assertThat(back.verifier().cascade().contains(0.19)).isFalse();
    String json = Files.readString(file);
    Files.writeString(file, json.replace("\"lower\": 0.2", "\"lower\": 1.5"));
    assertThatThrownBy(() -> ModelMetadata.read(file))
        .hasMessageContaining("verifier.cascade.lower");
    Files.writeString(file, json.replace("\"upper\": 1.0", "\"upper\": 0.1"));
    assertThatThrownBy(() -> ModelMetadata.read(file))
        .hasMessageContaining("verifier.cascade.upper");
  }

  @Test
  void roundTripsAnEncoderDeltaAndNamesItsBadKeys(@TempDir Path tmp) {
    assertThat(sample().toJson()).doesNotContain("encoder_delta");
    String sha = "sha256:" + "ab".repeat(32);
    ModelMetadata md =
        sample().toBuilder()
            .encoderFile("/all-minilm-l6-v2.onnx")
            .encoderDelta(new ModelMetadata.EncoderDelta("encoder-delta.safetensors", sha))
            .build();
    Path file = tmp.resolve(ModelMetadata.FILE_NAME);
    md.write(file);
    ModelMetadata back = ModelMetadata.read(file);
    assertThat(back.encoderDelta())
        .isEqualTo(new ModelMetadata.EncoderDelta("encoder-delta.safetensors", sha));
    assertThat(back.encoderDelta()).isNotNull();
    String base =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
            + "\"dimension\":8,\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
            + "\"similarity_threshold\":0.5,\"encoder_delta\":";
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(
                        base + "{\"file\":\"d.safetensors\",\"base_sha256\":\"abc\"}}"),
                    "e.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("e.json")
        .hasMessageContaining("encoder_delta.base_sha256")
        .hasMessageContaining("abc");
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(base + "{\"base_sha256\":\"" + sha + "\"}}"), "f.json"))
        .hasMessageContaining("missing required key 'encoder_delta.file'");
  }

  @Test
  void namesTheBadVerifierKey() {
    String base =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
            + "\"dimension\":8,\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
            + "\"similarity_threshold\":0.5,\"verifier\":";
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(
                        base
                            + "{\"file\":\"v.onnx\",\"threshold\":1.5,\"max_sequence_length\":80}}"),
                    "a.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("a.json")
        .hasMessageContaining("verifier.threshold")
        .hasMessageContaining("1.5");
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(base + "{\"threshold\":0.5,\"max_sequence_length\":80}}"),
                    "b.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("missing required key 'verifier.file'");
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(
                        base
                            + "{\"file\":\"v.onnx\",\"threshold\":0.5,\"max_sequence_length\":1}}"),
                    "c.json"))
        .hasMessageContaining("verifier.max_sequence_length");
    assertThatThrownBy(
            () -> ModelMetadata.parse(new StringReader(base + "\"verifier.onnx\"}"), "d.json"))
        .hasMessageContaining("key 'verifier' must be an object");
  }

  @Test
  void theWriterRefusesAVerifierFileThatIsMissing(@TempDir Path tmp) {
    ModelMetadata md =
        ModelMetadata.of("m", Pooling.MEAN, true, 8, 64, SimilarityFunction.COSINE, 0.75)
            .toBuilder()
            .verifier(new ModelMetadata.Verifier("verifier.onnx", 0.5, 64, null))
            .build();
    Path target = tmp.resolve("out");
    assertThatThrownBy(
            () ->
                ModelDirectoryWriter.write(
                    target,
                    dir -> {
                      Files.writeString(dir.resolve("model.onnx"), "x");
                      Files.writeString(dir.resolve("tokenizer.json"), "{}");
                      return md;
                    }))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("verifier.file");
    assertThat(target).doesNotExist();
  }

  @Test
  void namesTheBadKey() {
    String json =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"max\",\"normalize\":true,\"dimension\":8,"
            + "\"max_sequence_length\":64,\"similarity_function\":\"cosine\",\"similarity_threshold\":0.5}";
    assertThatThrownBy(() -> ModelMetadata.parse(new StringReader(json), "x.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("x.json")
        .hasMessageContaining("Unknown pooling 'max'");
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(
                        json.replace("\"format_version\":1", "\"format_version\":7")
                            .replace("\"max\"", "\"mean\"")),
                    "y.json"))
        .hasMessageContaining("format_version 7 is not supported");
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(
                        json.replace("\"dimension\":8", "\"dimension\":\"8\"")
                            .replace("\"max\"", "\"mean\"")),
                    "z.json"))
        .hasMessageContaining("'dimension' must be an integer");
  }

  @Test
  void similarityThresholdOutsideTheFunctionsRangeIsNamedWithTheRange() {
    String json =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
            + "\"dimension\":8,\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
            + "\"similarity_threshold\":5}";
    assertThatThrownBy(() -> ModelMetadata.parse(new StringReader(json), "x.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("x.json")
        .hasMessageContaining("similarity_threshold must be in the range of cosine similarity")
        .hasMessageContaining("[-1, 1], was 5.0");
    String euclidean = json.replace("cosine", "euclidean");
    assertThatThrownBy(
            () -> ModelMetadata.parse(new StringReader(euclidean.replace(":5}", ":0}")), "e.json"))
        .hasMessageContaining("(0, 1], was 0.0");
    assertThat(
            ModelMetadata.parse(new StringReader(euclidean.replace(":5}", ":1}")), "e.json")
                .similarityThreshold())
        .isEqualTo(1.0);
    // The dot product is unbounded: any finite threshold is a threshold.
    assertThat(
            ModelMetadata.parse(new StringReader(json.replace("cosine", "dot")), "d.json")
                .similarityThreshold())
        .isEqualTo(5.0);
    assertThatThrownBy(
            () -> ModelMetadata.of("m", Pooling.MEAN, true, 8, 64, SimilarityFunction.COSINE, -1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[-1, 1]");
  }

  @Test
  void directoryWriterIsAtomic(@TempDir Path tmp) throws IOException {
    Path target = tmp.resolve("model");
    ModelDirectoryWriter.write(
        target,
        dir -> {
          Files.writeString(dir.resolve("model.onnx"), "x");
          Files.writeString(dir.resolve("tokenizer.json"), "{}");
          Files.writeString(dir.resolve("pair-head.json"), "{}");
          return sample();
        });
    assertThat(target.resolve(ModelMetadata.FILE_NAME)).exists();
    assertThatThrownBy(() -> ModelDirectoryWriter.write(target, dir -> sample()))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("already exists");

    Path failed = tmp.resolve("failed");
    assertThatThrownBy(
            () ->
                ModelDirectoryWriter.write(
                    failed,
                    dir -> {
                      Files.writeString(dir.resolve("model.onnx"), "x");
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("disk full");
    assertThatThrownBy(
            () ->
                ModelDirectoryWriter.write(
                    failed,
                    dir -> {
                      Files.writeString(dir.resolve("model.onnx"), "x");
                      return sample();
                    }))
        .hasMessageContaining("tokenizer_file 'tokenizer.json' but it was not written");
    assertThat(failed).doesNotExist();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("model");
    }
  }

  @Test
  void theCandidateThresholdIsOptionalAndAtMostTheSimilarityThreshold() {
    String base =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,"
            + "\"dimension\":8,\"max_sequence_length\":64,\"similarity_function\":\"cosine\","
            + "\"similarity_threshold\":0.7";
    // A directory written before candidate thresholds existed still loads: retrieval then uses
    // the similarity threshold.
    ModelMetadata old = ModelMetadata.parse(new StringReader(base + "}"), "old.json");
    assertThat(old.candidateThreshold()).isNaN();
    assertThat(old.effectiveCandidateThreshold()).isEqualTo(0.7);
    assertThat(old.toJson()).doesNotContain("candidate_threshold");

    ModelMetadata withCandidate =
        ModelMetadata.parse(new StringReader(base + ",\"candidate_threshold\":0.6}"), "new.json");
    assertThat(withCandidate.effectiveCandidateThreshold()).isEqualTo(0.6);
    assertThat(
            ModelMetadata.parse(new StringReader(withCandidate.toJson()), "again.json")
                .candidateThreshold())
        .isEqualTo(0.6);

    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(base + ",\"candidate_threshold\":0.8}"), "bad.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining("candidate_threshold must be a finite number at most")
        .hasMessageContaining("0.8");
  }

  @Test
  void theBuilderCopiesEveryValue() {
    ModelMetadata md = sample().toBuilder().candidateThreshold(0.5).build();
    assertThat(md.toBuilder().build()).isEqualTo(md);
    assertThat(md.withSimilarityThreshold(0.9).candidateThreshold()).isEqualTo(0.5);
    assertThat(md.withSimilarityThreshold(0.9).pairHeadThreshold()).isEqualTo(0.4);
    assertThatThrownBy(() -> ModelMetadata.builder().pooling(Pooling.MEAN).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
  }

  @Test
  void precisionDefaultsToFp32AndRoundTrips() {
    String json =
        "{\"format_version\":1,\"name\":\"m\",\"pooling\":\"mean\",\"normalize\":true,\"dimension\":8,"
            + "\"max_sequence_length\":64,\"similarity_function\":\"cosine\",\"similarity_threshold\":0.5}";
    ModelMetadata old = ModelMetadata.parse(new StringReader(json), "old.json");
    assertThat(old.precision()).isEqualTo(Precision.FP32);
    ModelMetadata int8 = old.toBuilder().precision(Precision.INT8).build();
    assertThat(int8.toJson()).contains("\"precision\": \"int8\"");
    assertThat(ModelMetadata.parse(new StringReader(int8.toJson()), "new.json").precision())
        .isEqualTo(Precision.INT8);
    assertThat(int8.toBuilder().build().precision()).isEqualTo(Precision.INT8);
    assertThatThrownBy(
            () ->
                ModelMetadata.parse(
                    new StringReader(json.replace("}", ",\"precision\":\"fp16\"}")), "bad.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining("Unknown precision 'fp16'");
  }
}
