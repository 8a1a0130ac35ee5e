package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorStoreTest {

  @Test
  void largeStoresAreMappedTemporaryFilesDeletedOnClose() {
    int d = 4096;
    int n = (int) (VectorStore.DIRECT_LIMIT_BYTES / (4L * d)) + 10;
    Random rnd = new Random(1);
    float[] last = new float[d];
    Path file;
    try (VectorStore store = VectorStore.create(n, d)) {
      assertThat(store.mapped()).isTrue();
      file = store.file();
      assertThat(file).exists().hasParent(Path.of(System.getProperty("java.io.tmpdir")));
      for (int i = 0; i < n; i += 97) {
        float[] v = new float[d];
        for (int k = 0; k < d; k++) {
          v[k] = rnd.nextFloat();
        }
        store.set(i, v);
        last = v;
      }
      int i = (n - 1) / 97 * 97;
      assertThat(store.get(i)).containsExactly(last);
      FloatBuffer rows = store.rows(i, i + 1);
      assertThat(rows.isDirect()).isTrue();
      assertThat(rows.remaining()).isEqualTo(d);
      assertThat(rows.get(d - 1)).isEqualTo(last[d - 1]);
      store.close();
      store.close();
      assertThatThrownBy(() -> store.get(0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
    assertThat(Files.exists(file)).isFalse();
  }

  @Test
  void smallStoresAreDirectBuffersAndCheckDimensions() {
    try (VectorStore store = VectorStore.of(new float[][] {{1, 2}, {3, 4}, {5, 6}})) {
      assertThat(store.mapped()).isFalse();
      assertThat(store.get(1)).containsExactly(3, 4);
      FloatBuffer rows = store.rows(1, 3);
      assertThat(rows.remaining()).isEqualTo(4);
      assertThat(rows.get(3)).isEqualTo(6f);
      assertThatThrownBy(() -> store.set(0, new float[3]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dimension 3, expected 2");
      assertThatThrownBy(() -> store.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
