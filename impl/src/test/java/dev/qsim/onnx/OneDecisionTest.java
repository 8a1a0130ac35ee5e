package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.QuestionPair;
import dev.qsim.SearchMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code isDuplicate}, {@code duplicateScores}, {@code findDuplicates} and {@code mostSimilar} make
 * the same decision about the same pairs, on real Quora questions that hold duplicates and related
 * non-duplicates.
 */
class OneDecisionTest {
  /** 40 labelled dev pairs: 80 questions, related pairs of both labels. */
  private static List<String> questions() {
    List<String> out = new ArrayList<>();
    for (TestData.Row r : TestData.quoraDev(40)) {
      out.add(r.q1());
      out.add(r.q2());
    }
    return out;
  }

  private static long key(int a, int b) {
    return (long) Math.min(a, b) << 32 | Math.max(a, b);
  }

  @Test
  void everyEntryPointAgreesOnEveryPair() {
    OnnxQuestionSimilarity qsim = SharedModel.get();
    assertThat(qsim.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
    List<String> qs = questions();
    int n = qs.size();
    List<QuestionPair> pairs = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        pairs.add(new QuestionPair(qs.get(a), qs.get(b)));
      }
    }
    double[] scores = qsim.duplicateScores(pairs);
    double[] sims = qsim.similarities(pairs);
    List<Embedding> embeddings = qsim.embedAll(qs);
    List<Embedding> firsts = new ArrayList<>();
    List<Embedding> seconds = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        firsts.add(embeddings.get(a));
        seconds.add(embeddings.get(b));
      }
    }
    double[] fromEmbeddings = qsim.duplicateScores(pairs, firsts, seconds);
    Map<Long, Double> score = new HashMap<>();
    int p = 0;
    int accepted = 0;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++, p++) {
        assertThat(fromEmbeddings[p]).isCloseTo(scores[p], within(1e-12));
        score.put(key(a, b), scores[p]);
        accepted += scores[p] >= qsim.duplicateThreshold() ? 1 : 0;
      }
    }
    assertThat(accepted).as("the slice has duplicates").isGreaterThan(10);

    // findDuplicates with every pair as a candidate verifies exactly the pairs isDuplicate accepts.
    DuplicateOptions all =
        DuplicateOptions.defaults()
            .withCandidateThreshold(-1)
            .withTopKPerQuestion(n)
            .withSearch(SearchMode.EXACT);
    for (Duplicates found :
        List.of(qsim.findDuplicates(qs, all), qsim.findDuplicates(qs, embeddings, all))) {
      assertThat(found.decision()).isEqualTo(DuplicateDecision.PAIR_HEAD);
      assertThat(found.candidates()).isEqualTo((long) n * (n - 1) / 2);
      assertThat(found.pairs()).hasSize(accepted);
      for (DuplicatePair pair : found.pairs()) {
        // findDuplicates scores in batches of float matrix products: the same score up to
        // rounding, and the same decision (scores near the threshold are recomputed).
        assertThat(pair.score())
            .isCloseTo(score.get(key(pair.first(), pair.second())), within(1e-6));
        assertThat(qsim.isDuplicate(qs.get(pair.first()), qs.get(pair.second()))).isTrue();
      }
    }

    // With the model's own candidate threshold, every verified pair is still a duplicate by
    // isDuplicate, and the candidate stage loses few of them.
    Duplicates defaults = qsim.findDuplicates(qs);
    for (DuplicatePair pair : defaults.pairs()) {
      assertThat(pair.similarity()).isGreaterThanOrEqualTo(qsim.candidateThreshold());
      assertThat(qsim.isDuplicate(qs.get(pair.first()), qs.get(pair.second()))).isTrue();
    }
    assertThat(qsim.candidateThreshold()).isLessThanOrEqualTo(qsim.similarityThreshold());

    // mostSimilar marks a match as a duplicate exactly when isDuplicate says so.
    for (int q = 0; q < n; q += 7) {
      List<String> others = new ArrayList<>(qs);
      String query = others.remove(q);
      List<Embedding> otherEmbeddings = new ArrayList<>(embeddings);
      otherEmbeddings.remove(q);
      // The text overload once, the embedding overload (nothing embedded) for the rest.
      List<Match> matches =
          q == 0
              ? qsim.mostSimilar(query, others, 5)
              : qsim.mostSimilar(query, embeddings.get(q), others, otherEmbeddings, 5);
      assertThat(matches).hasSize(5);
      for (Match m : matches) {
        int other = m.index() < q ? m.index() : m.index() + 1;
        assertThat(m.score()).isCloseTo(score.get(key(q, other)), within(1e-9));
        assertThat(m.duplicate()).isEqualTo(m.score() >= qsim.duplicateThreshold());
        assertThat(m.similarity()).isCloseTo(sims[pairIndex(n, q, other)], within(1e-6));
      }
      Match top = matches.get(0);
      assertThat(top.duplicate()).isEqualTo(qsim.isDuplicate(query, top.question()));
    }
  }

  private static int pairIndex(int n, int a, int b) {
    int i = Math.min(a, b);
    int j = Math.max(a, b);
    return i * (2 * n - i - 1) / 2 + (j - i - 1);
  }

  @Test
  void theCascadeFindsExactlyThePairsIsDuplicateAccepts() {
    List<String> qs = questions().subList(0, 60);
    int n = qs.size();
    try (OnnxQuestionSimilarity cascade =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                OneDecisionTest.class.getClassLoader(), OnnxQuestionSimilarity.CASCADE_MODEL)
            .build()) {
      assertThat(cascade.decision()).isEqualTo(DuplicateDecision.CASCADE);
      List<QuestionPair> pairs = new ArrayList<>();
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          pairs.add(new QuestionPair(qs.get(a), qs.get(b)));
        }
      }
      double[] scores = cascade.duplicateScores(pairs);
      Map<Long, Double> accepted = new HashMap<>();
      int p = 0;
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++, p++) {
          if (scores[p] >= cascade.duplicateThreshold()) {
            accepted.put(key(a, b), scores[p]);
          }
        }
      }
      // Verification scores the head in batched products, the verifier in the band: the same
      // pairs, with the same scores up to float rounding.
      Duplicates found =
          cascade.findDuplicates(
              qs,
              DuplicateOptions.defaults()
                  .withCandidateThreshold(-1)
                  .withTopKPerQuestion(n)
                  .withSearch(SearchMode.EXACT));
      assertThat(found.decision()).isEqualTo(DuplicateDecision.CASCADE);
      assertThat(found.pairs()).hasSize(accepted.size());
      for (DuplicatePair pair : found.pairs()) {
        assertThat(accepted).containsKey(key(pair.first(), pair.second()));
        assertThat(pair.score())
            .isCloseTo(accepted.get(key(pair.first(), pair.second())), within(1e-6));
      }
    }
  }

  @Test
  void theSimilarityDecisionIsTheCosineThreshold() {
    OnnxQuestionSimilarity qsim = SharedModel.get();
    List<String> qs = questions();
    Duplicates found =
        qsim.findDuplicates(
            qs,
            DuplicateOptions.defaults()
                .withDecision(DuplicateDecision.SIMILARITY)
                .withSearch(SearchMode.EXACT));
    assertThat(found.decision()).isEqualTo(DuplicateDecision.SIMILARITY);
    assertThat(found.threshold()).isEqualTo(qsim.similarityThreshold());
    assertThat(found.candidateThreshold()).isEqualTo(qsim.similarityThreshold());
    for (DuplicatePair pair : found.pairs()) {
      assertThat(pair.score())
          .isEqualTo(pair.similarity())
          .isGreaterThanOrEqualTo(found.threshold());
    }
  }

  @Test
  void thresholdsOutsideTheDecisionsRangeAreRefused() {
    OnnxQuestionSimilarity qsim = SharedModel.get();
    List<String> qs = questions().subList(0, 4);
    assertThatThrownBy(() -> qsim.findDuplicates(qs, DuplicateOptions.defaults().withThreshold(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]")
        .hasMessageContaining("pair head");
    assertThatThrownBy(
            () ->
                qsim.findDuplicates(
                    qs,
                    DuplicateOptions.defaults()
                        .withDecision(DuplicateDecision.SIMILARITY)
                        .withThreshold(1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[-1, 1]")
        .hasMessageContaining("cosine");
  }

  @Test
  void precomputedEmbeddingsAreChecked() {
    OnnxQuestionSimilarity qsim = SharedModel.get();
    List<String> qs = List.of("How do I learn Java?", "What is the best way to learn Java?");
    List<Embedding> one = qsim.embedAll(qs.subList(0, 1));
    assertThatThrownBy(() -> qsim.findDuplicates(qs, one, DuplicateOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embeddings has 1 embeddings, expected 2");
    List<Embedding> wrong =
        List.of(Embedding.of(new float[] {1, 0}), Embedding.of(new float[] {0, 1}));
    assertThatThrownBy(() -> qsim.findDuplicates(qs, wrong, DuplicateOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embeddings[0] has dimension 2, the model's is 384");
  }
}
