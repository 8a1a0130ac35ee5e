package dev.qsim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one embedding cache, over the bundled model and real Quora questions. */
class EmbeddingCacheTest {
  private static OnnxQuestionSimilarity model;
  private static List<String> questions;

  @TempDir Path dir;

  private int calls;

  @BeforeAll
  static void load() throws IOException {
    model = OnnxQuestionSimilarity.bundled();
    Path dev = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"), "quora/dev.tsv");
    try (Stream<String> lines = Files.lines(dev, StandardCharsets.UTF_8)) {
      questions =
          lines.limit(30).map(l -> l.split("\t")[1]).distinct().collect(Collectors.toList());
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private List<Embedding> counted(List<String> texts) {
    calls++;
    return model.embedAll(texts);
  }

  @Test
  void vectorsAreTheModelsInTheTextsOrderAndReadBackWithoutEmbedding() {
    EmbeddingCache first =
        EmbeddingCache.load(dir, "bundled", questions, this::counted, ProgressListener.NONE);
    EmbeddingCache second =
        EmbeddingCache.load(dir, "bundled", questions, this::counted, ProgressListener.NONE);
    assertThat(calls).isEqualTo(1);
    List<Embedding> expected = model.embedAll(questions);
    assertThat(second.count()).isEqualTo(questions.size());
    assertThat(second.dimension()).isEqualTo(384);
    for (int i = 0; i < questions.size(); i++) {
      // Embedded sorted by length and put back in order (batches pad differently: float noise);
      // read back from the mapped file exactly.
      assertThat(first.vector(i, new float[384]))
          .containsExactly(expected.get(i).vector(), within(1e-5f));
      assertThat(second.toArrays()[i]).containsExactly(first.vector(i, new float[384]));
    }
    assertThat(second.embedSeconds()).isPositive().isEqualTo(first.embedSeconds());
  }

  @Test
  void anotherModelOrOtherTextsNeverShareAFile() throws IOException {
    EmbeddingCache.load(dir, "m1", questions, this::counted, ProgressListener.NONE);
    EmbeddingCache.load(dir, "m2", questions, this::counted, ProgressListener.NONE);
    EmbeddingCache.load(
        dir, "m1", questions.subList(1, questions.size()), this::counted, ProgressListener.NONE);
    assertThat(calls).isEqualTo(3);
    assertThat(files()).hasSize(3).allMatch(p -> p.getFileName().toString().endsWith(".f32"));
  }

  @Test
  void aDamagedOrForeignFileIsEmbeddedAgainAndReplaced() throws IOException {
    EmbeddingCache.load(dir, "bundled", questions, this::counted, ProgressListener.NONE);
    Path file = files().get(0);
    long size = Files.size(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7)); // truncated
    EmbeddingCache again =
        EmbeddingCache.load(dir, "bundled", questions, this::counted, ProgressListener.NONE);
    assertThat(calls).isEqualTo(2);
    assertThat(Files.size(file)).isEqualTo(size);
    assertThat(again.toArrays()[0])
        .containsExactly(model.embed(questions.get(0)).vector(), within(1e-5f));
    bytes[0] ^= 1; // another format's magic, as in the caches of earlier versions
    Files.write(file, bytes);
    EmbeddingCache.load(dir, "bundled", questions, this::counted, ProgressListener.NONE);
    assertThat(calls).isEqualTo(3);
  }

  @Test
  void withoutAFolderNothingIsWrittenAndProgressIsReported() throws IOException {
    List<long[]> updates = new ArrayList<>();
    EmbeddingCache cache =
        EmbeddingCache.load(
            null, "bundled", questions, this::counted, (s, d, t) -> updates.add(new long[] {d, t}));
    assertThat(cache.count()).isEqualTo(questions.size());
    assertThat(updates).containsExactly(new long[] {questions.size(), questions.size()});
    assertThat(files()).isEmpty();
    EmbeddingCache none =
        EmbeddingCache.load(dir, "bundled", List.of(), this::counted, ProgressListener.NONE);
    assertThat(none.count()).isZero();
    assertThat(calls).isEqualTo(1);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.collect(Collectors.toList());
    }
  }
}
