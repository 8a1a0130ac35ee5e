package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import org.junit.jupiter.api.Test;

/** The per-question top-k: capped at the list, bounded by {@link DuplicateOptions#MAX_TOP_K}. */
class TopKBoundsTest {

  @Test
  void aTopKAboveTheListSizeIsTheListSize() {
    float[][] v = {{1, 0}, {0.99f, 0.1f}, {0, 1}, {0.1f, 0.99f}, {0.7f, 0.7f}};
    PairDecision d = PairDecision.similarity(SimilarityFunction.COSINE, 0.9);
    Duplicates most =
        new DuplicateSearch(
                d,
                SimilarityFunction.COSINE,
                0.9,
                DuplicateOptions.defaults().withTopKPerQuestion(DuplicateOptions.MAX_TOP_K),
                2)
            .run(v, ProgressListener.NONE);
    Duplicates plain =
        new DuplicateSearch(d, SimilarityFunction.COSINE, 0.9, DuplicateOptions.defaults(), 2)
            .run(v, ProgressListener.NONE);
    assertThat(most.pairs()).isEqualTo(plain.pairs()).hasSize(2);
  }

  @Test
  void aTopKAboveTheMaximumIsRefusedByTheOptions() {
    assertThatThrownBy(
            () -> DuplicateOptions.defaults().withTopKPerQuestion(DuplicateOptions.MAX_TOP_K + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topKPerQuestion must be at most 1000, was 1001");
  }

  @Test
  void aCandidateTableThatCannotFitTheHeapIsAClearErrorNotAnOutOfMemoryError() {
    assertThatThrownBy(() -> DuplicateSearch.checkHeap(2_000_000_000, DuplicateOptions.MAX_TOP_K))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topKPerQuestion 1,000 over 2,000,000,000 distinct questions needs")
        .hasMessageContaining("-Xmx");
  }
}
