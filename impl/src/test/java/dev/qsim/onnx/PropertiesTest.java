package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PropertiesTest {
  private final OnnxQuestionSimilarity qsim = SharedModel.get();

  @Test
  void describesTheBundledModel() {
    assertThat(qsim.dimension()).isEqualTo(384);
    assertThat(qsim.maxSequenceLength()).isEqualTo(256);
    assertThat(qsim.similarityFunction()).isEqualTo(dev.qsim.SimilarityFunction.COSINE);
    assertThat(qsim.similarityThreshold()).isBetween(0.5, 0.95);
    assertThat(qsim.metadata().name()).isEqualTo("all-MiniLM-L6-v2 fine-tuned on Quora");
  }

  @Test
  void similarityIsSymmetricAndInRange() {
    for (TestData.Row row : TestData.quoraDev(30)) {
      double ab = qsim.similarity(row.q1(), row.q2());
      double ba = qsim.similarity(row.q2(), row.q1());
      assertThat(ab).isEqualTo(ba).isBetween(-1.0, 1.0);
      assertThat(qsim.duplicateScore(row.q1(), row.q2()))
          .isCloseTo(qsim.duplicateScore(row.q2(), row.q1()), within(1e-12));
    }
  }

  @Test
  void selfSimilarityIsOneAndEmbeddingsAreUnitLength() {
    for (String q : TestData.devQuestions(20)) {
      assertThat(qsim.similarity(q, q)).isCloseTo(1.0, within(1e-6));
      assertThat(qsim.embed(q).norm()).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void embedAllKeepsInputOrderWithMixedLengthsAndEqualsSingleCalls() {
    List<String> questions = new ArrayList<>(TestData.devQuestions(70));
    questions.add("Why?");
    questions.add("What " + "is the meaning of a very long question ".repeat(20) + "?");
    Collections.shuffle(questions, new Random(42));
    List<Embedding> batch = qsim.embedAll(questions);
    assertThat(batch).hasSize(questions.size());
    for (int i = 0; i < questions.size(); i += 7) {
      float[] single = qsim.embed(questions.get(i)).vector();
      float[] inBatch = batch.get(i).vector();
      for (int k = 0; k < single.length; k++) {
        assertThat((double) inBatch[k])
            .as("question %d component %d", i, k)
            .isCloseTo(single[k], within(1e-5));
      }
    }
  }

  @Test
  void batchSimilaritiesEqualSingleCalls() {
    List<TestData.Row> rows = TestData.quoraDev(40);
    List<QuestionPair> pairs = new ArrayList<>();
    rows.forEach(r -> pairs.add(QuestionPair.of(r.q1(), r.q2())));
    double[] batch = qsim.similarities(pairs);
    for (int i = 0; i < rows.size(); i += 5) {
      assertThat(batch[i])
          .isCloseTo(qsim.similarity(rows.get(i).q1(), rows.get(i).q2()), within(1e-5));
    }
  }

  @Test
  void duplicatesScoreHigherThanUnrelatedQuestions() {
    double same =
        qsim.similarity(
            "How can I learn to play the guitar?", "What is the best way to learn guitar?");
    double other =
        qsim.similarity("How can I learn to play the guitar?", "What is the capital of Australia?");
    assertThat(same).isGreaterThan(other + 0.3);
    assertThat(qsim.isDuplicate("How do I reset my password?", "How can I reset my password?"))
        .isTrue();
    assertThat(qsim.isDuplicate("How do I reset my password?", "What is the capital of Australia?"))
        .isFalse();
  }

  @Test
  void mostSimilarRanksTheParaphraseFirstAndKeepsIndices() {
    List<String> faq =
        List.of(
            "How do I change my email address?",
            "How can I delete my account?",
            "Where can I see my invoices?",
            "How do I reset a forgotten password?");
    var matches = qsim.mostSimilar("I forgot my password, how can I reset it?", faq, 2);
    assertThat(matches).hasSize(2);
    assertThat(matches.get(0).index()).isEqualTo(3);
    assertThat(matches.get(0).question()).isEqualTo(faq.get(3));
    assertThat(matches.get(0).score()).isGreaterThanOrEqualTo(matches.get(1).score());
    assertThat(qsim.mostSimilar("password", faq, 10)).hasSize(4);
  }
}
