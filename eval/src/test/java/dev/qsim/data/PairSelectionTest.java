package dev.qsim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PairSelectionTest {
  @Test
  void readsTheOptionsAsTheCommandLinesSpellThem() {
    PairSelection s = new PairSelection(PairFormat.STSB, null, DataPart.CHECK, " 2, 4 ");
    ReadOptions o = s.applyTo(ReadOptions.defaults().withLimit(10));
    assertThat(o.part()).isEqualTo(DataPart.CHECK);
    assertThat(o.binarized()).isTrue();
    assertThat(o.limit()).isEqualTo(10);
    assertThat(s.graded()).isFalse();
    assertThat(s.describe()).isEqualTo(", part check, binarized 2, 4");
    assertThat(PairSelection.all(PairFormat.STSB).graded()).isTrue();
    assertThat(PairSelection.all(PairFormat.BIMPM).describe()).isEmpty();
    PairSelection csv = new PairSelection(PairFormat.CSV, "a,b,y", DataPart.ALL, null);
    assertThat(csv.applyTo(ReadOptions.defaults()).labelColumn()).contains("y");
  }

  @Test
  void badValuesAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> new PairSelection(PairFormat.STSB, null, DataPart.ALL, "4"))
        .hasMessageContaining("--binarize needs two numbers, LOW,HIGH");
    assertThatThrownBy(() -> new PairSelection(PairFormat.STSB, null, DataPart.ALL, "4,2"))
        .hasMessageContaining("--binarize 4,2")
        .hasMessageContaining("must be greater");
    assertThatThrownBy(() -> new PairSelection(PairFormat.BIMPM, "a,b,y", DataPart.ALL, null))
        .hasMessageContaining("--columns is only for --format csv");
    assertThatThrownBy(() -> new PairSelection(PairFormat.CSV, "a,,y", DataPart.ALL, null))
        .hasMessageContaining("--columns needs three names");
  }
}
