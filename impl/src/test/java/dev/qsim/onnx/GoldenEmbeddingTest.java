package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.qsim.Embedding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * qsim's embeddings of real questions equal those of LangChain4j's in-process all-MiniLM-L6-v2, an
 * independent implementation of the same model (its own tokenizer settings, ONNX session, pooling
 * and normalisation).
 */
class GoldenEmbeddingTest {
  /** The plain base model (the shipped default is the same network with fine-tuned weights). */
  private static OnnxQuestionSimilarity base;

  @org.junit.jupiter.api.BeforeAll
  static void open() {
    base =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                GoldenEmbeddingTest.class.getClassLoader(), OnnxQuestionSimilarity.BASE_MODEL)
            .build();
  }

  @org.junit.jupiter.api.AfterAll
  static void close() {
    base.close();
  }

  @Test
  void embeddingsMatchLangChain4jWithin1e5() {
    List<String> questions = TestData.devQuestions(24);
    assertThat(questions).hasSize(24);
    List<Embedding> ours = base.embedAll(questions);
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    for (int i = 0; i < questions.size(); i++) {
      float[] expected = reference.embed(questions.get(i)).content().vector();
      float[] actual = ours.get(i).vector();
      assertThat(actual).as("dimension of question %d", i).hasSize(expected.length);
      for (int k = 0; k < expected.length; k++) {
        assertThat((double) actual[k])
            .as("question %d '%s', component %d", i, questions.get(i), k)
            .isCloseTo(expected[k], within(1e-5));
      }
    }
  }

  @Test
  void similarityMatchesReferenceCosine() {
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    for (TestData.Row row : TestData.quoraDev(10)) {
      float[] a = reference.embed(row.q1()).content().vector();
      float[] b = reference.embed(row.q2()).content().vector();
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int k = 0; k < a.length; k++) {
        dot += (double) a[k] * b[k];
        na += (double) a[k] * a[k];
        nb += (double) b[k] * b[k];
      }
      double expected = dot / Math.sqrt(na * nb);
      assertThat(base.similarity(row.q1(), row.q2())).isCloseTo(expected, within(1e-5));
    }
  }
}
