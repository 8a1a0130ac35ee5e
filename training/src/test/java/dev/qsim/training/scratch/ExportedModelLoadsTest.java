package dev.qsim.training.scratch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.training.QuestionTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory holding a scratch encoder's export, with {@code pooling: none}, loads through
 * the public API ({@code qsim-impl}) and serves the DJL block's embeddings within 1e-4.
 */
class ExportedModelLoadsTest {

  private static final int MAX_LENGTH = 48;
  private static final List<String> QUESTIONS =
      List.of(
          "How do I learn Java quickly?",
          "What is the fastest way to learn Java?",
          "Why?",
          "Is it safe to eat raw cookie dough, or can the eggs and flour make me sick?");

  @TempDir Path dir;

  @Test
  void bilstmModelDirectoryServesTheBlockEmbeddings() throws IOException {
    try (BiLstmEncoder encoder = BiLstmEncoder.builder().optSeed(5).build()) {
      assertServed(encoder);
    }
  }

  @Test
  void cnnModelDirectoryServesTheBlockEmbeddings() throws IOException {
    try (CnnEncoder encoder = CnnEncoder.builder().optSeed(5).build()) {
      assertServed(encoder);
    }
  }

  private void assertServed(ScratchEncoder encoder) throws IOException {
    Path model = dir.resolve(encoder.getClass().getSimpleName());
    Files.createDirectories(model);
    encoder.exportOnnx(model.resolve("model.onnx"));
    ModelMetadata.builder()
        .name("test-" + encoder.getClass().getSimpleName())
        .pooling(Pooling.fromId(encoder.exportedPooling()))
        .normalize(encoder.normalize())
        .dimension(encoder.dimension())
        .maxSequenceLength(MAX_LENGTH)
        .similarityFunction(SimilarityFunction.COSINE)
        .similarityThreshold(0.5)
        .build()
        .write(model.resolve(ModelMetadata.FILE_NAME));

    float[][] expected;
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(MAX_LENGTH)) {
      Files.write(model.resolve("tokenizer.json"), tokenizer.json());
      TokenBatch batch = TokenBatch.of(tokenizer, QUESTIONS);
      expected = encoder.encode(batch.ids(), batch.mask());
    }
    try (OnnxQuestionSimilarity sim =
        OnnxQuestionSimilarity.builder().setModelDirectory(model).build()) {
      assertThat(sim.dimension()).isEqualTo(encoder.dimension());
      List<Embedding> served = sim.embedAll(QUESTIONS);
      for (int i = 0; i < QUESTIONS.size(); i++) {
        float[] vector = served.get(i).vector();
        for (int j = 0; j < vector.length; j++) {
          assertThat(vector[j])
              .as("question %d, value %d", i, j)
              .isCloseTo(expected[i][j], within(1e-4f));
        }
      }
      double cosine =
          sim.similarities(List.of(new QuestionPair(QUESTIONS.get(0), QUESTIONS.get(1))))[0];
      double dot = 0;
      for (int j = 0; j < expected[0].length; j++) {
        dot += expected[0][j] * expected[1][j];
      }
      assertThat(cosine).isCloseTo(dot, within(1e-4));
    }
  }
}
