package dev.qsim.training.scratch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Out-of-range settings are refused before any native memory is taken, naming the setting. */
class EncoderSettingsTest {

  @Test
  void commonSettingsAreCheckedForBothEncoders() {
    assertThatThrownBy(() -> BiLstmEncoder.builder().optVocabularySize(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid encoder setting vocabularySize: 1 (must be at least 2)");
    assertThatThrownBy(() -> CnnEncoder.builder().optEmbeddingSize(0).build())
        .hasMessage("Invalid encoder setting embeddingSize: 0 (must be at least 1)");
    assertThatThrownBy(() -> BiLstmEncoder.builder().optDimension(-3).build())
        .hasMessage("Invalid encoder setting dimension: -3 (must be at least 1)");
    assertThatThrownBy(() -> CnnEncoder.builder().optDropout(1f).build())
        .hasMessage("Invalid encoder setting dropout: 1.0 (must be in [0, 1))");
  }

  @Test
  void ownSettingsAreCheckedAndSettersChainAcrossBothLevels() {
    assertThatThrownBy(() -> BiLstmEncoder.builder().optSeed(7).optHiddenSize(0).build())
        .hasMessage("Invalid encoder setting hiddenSize: 0 (must be at least 1)");
    assertThatThrownBy(() -> CnnEncoder.builder().optKernelWidths(2, 2).optSeed(1).build())
        .hasMessageContaining("kernelWidths: [2, 2] repeats a width");
    try (CnnEncoder small =
        CnnEncoder.builder()
            .optSeed(5)
            .optFilters(4)
            .optEmbeddingSize(8)
            .optDimension(6)
            .optKernelWidths(2)
            .optVocabularySize(50)
            .build()) {
      assertThat(small.dimension()).isEqualTo(6);
      assertThat(small.embeddingSize()).isEqualTo(8);
      assertThat(small.filters()).isEqualTo(4);
      assertThat(small.seed()).isEqualTo(5);
    }
  }
}
