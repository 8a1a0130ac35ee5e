package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateDecision;
import dev.qsim.model.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled models by name: the builder, the name-or-directory rule, and their model cards. */
class BundledModelTest {
  private static final String Q1 = "How do I learn Java?";
  private static final String Q2 = "What is the best way to learn Java?";

  @Test
  void baseByNameGivesThePublishedAllMiniLmCosine() {
    try (OnnxQuestionSimilarity base =
        OnnxQuestionSimilarity.builder().setBundledModel("base").build()) {
      // sentence-transformers/all-MiniLM-L6-v2's cosine of this pair (its published weights).
      assertThat(base.similarity(Q1, Q2)).isCloseTo(0.9408, within(1e-4));
      assertThat(base.metadata().name()).isEqualTo("all-MiniLM-L6-v2");
      assertThat(base.decision()).isEqualTo(BundledModel.BASE.decision());
    }
  }

  @Test
  void defaultByNameIsTheShippedDefault() {
    try (OnnxQuestionSimilarity byName =
        OnnxQuestionSimilarity.builder().setBundledModel("default").build()) {
      OnnxQuestionSimilarity bundled = SharedModel.get();
      assertThat(byName.metadata()).isEqualTo(bundled.metadata());
      assertThat(byName.similarity(Q1, Q2)).isEqualTo(bundled.similarity(Q1, Q2));
      assertThat(byName.similarity(Q1, Q2)).isNotCloseTo(0.9408, within(1e-3));
    }
  }

  @Test
  void eachNameNamesItsResourceFolder() {
    assertThat(BundledModel.fromName("default").resource())
        .isEqualTo(OnnxQuestionSimilarity.BUNDLED_MODEL);
    assertThat(BundledModel.fromName("base").resource())
        .isEqualTo(OnnxQuestionSimilarity.BASE_MODEL);
    assertThat(BundledModel.fromName("cascade").resource())
        .isEqualTo(OnnxQuestionSimilarity.CASCADE_MODEL);
    assertThat(BundledModel.DEFAULT.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
    assertThat(BundledModel.CASCADE.decision()).isEqualTo(DuplicateDecision.CASCADE);
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    for (String bad : new String[] {"Base", "minilm", "", " default"}) {
      assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setBundledModel(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("default, base, cascade");
    }
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setBundledModel(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aNameIsABundledModelUnlessADirectoryOfThatNameExists(@TempDir Path tmp) throws IOException {
    Path here = tmp.resolve("base");
    assertThat(BundledModel.forValue("base", List.of(here))).contains(BundledModel.BASE);
    assertThat(BundledModel.forValue("my-model", List.of(tmp.resolve("my-model")))).isEmpty();
    assertThat(BundledModel.forValue("./base", List.of(here))).isEmpty();
    Files.createDirectory(here);
    assertThatThrownBy(() -> BundledModel.forValue("base", List.of(here)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'base' is ambiguous")
        .hasMessageContaining("bundled model base")
        .hasMessageContaining("directory " + here.toAbsolutePath().normalize())
        .hasMessageContaining("./base");
  }

  @Test
  void fileSizesAreThoseOfTheResources() throws IOException {
    for (BundledModel m : BundledModel.values()) {
      Map<String, Long> sizes = m.fileSizes();
      assertThat(sizes).containsKey(m.resource() + "/" + ModelMetadata.FILE_NAME);
      for (Map.Entry<String, Long> e : sizes.entrySet()) {
        try (InputStream in =
            BundledModelTest.class.getClassLoader().getResourceAsStream(e.getKey())) {
          assertThat(in).as(e.getKey()).isNotNull();
          assertThat(e.getValue()).as(e.getKey()).isEqualTo(in.readAllBytes().length);
        }
      }
    }
    // The base model's own files are its metadata and pair head; the encoder is the carrier jar's.
    assertThat(BundledModel.BASE.fileSizes())
        .containsKeys("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json");
    assertThat(BundledModel.CASCADE.fileSizes())
        .containsKey(OnnxQuestionSimilarity.BUNDLED_MODEL + "/encoder-delta.safetensors");
  }

  @Test
  void everyBundledModelHasACard() {
    for (BundledModel m : BundledModel.values()) {
      ModelMetadata md = m.metadata();
      assertThat(md.licence()).as(m.id()).contains("Apache-2.0").contains("all-MiniLM-L6-v2");
      assertThat(md.trainingData()).as(m.id()).isNotEmpty();
      assertThat(md.metrics()).as(m.id()).containsKeys("quora-dev", "msrp-check", "stsb-check");
      assertThat(md.metrics().get("quora-dev")).as(m.id()).containsEntry("pairs", 10000.0);
    }
    assertThat(BundledModel.DEFAULT.metadata().metrics().get("quora-dev"))
        .containsEntry("accuracy", 0.8484)
        .containsEntry("average_precision", 0.9101);
    assertThat(BundledModel.CASCADE.metadata().metrics().get("quora-dev"))
        .containsEntry("accuracy", 0.8586)
        .containsEntry("average_precision", 0.9116);
    assertThat(BundledModel.BASE.metadata().metrics().get("quora-dev"))
        .containsEntry("accuracy", 0.8366)
        .containsEntry("average_precision", 0.8995);
    assertThat(BundledModel.DEFAULT.metadata().licence()).contains("non-commercial");
    assertThat(BundledModel.CASCADE.metadata().trainingData())
        .anySatisfy(d -> assertThat(d).contains("verifier.sh"));
  }
}
