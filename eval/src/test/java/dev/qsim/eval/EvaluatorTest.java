package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.InferenceException;
import dev.qsim.Match;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  static final Path DATA = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));

  /**
   * A tiny stand-in model: a question's embedding counts its letters (plus a constant so no vector
   * is zero); similarity is the cosine. Records the size of every batch it is given.
   */
  static class LetterModel implements QuestionSimilarity {
    final List<Integer> batches = new ArrayList<>();
    String nanFor; // a question whose score comes back NaN
    boolean dropOne; // return one score too few
    boolean closed;

    @Override
    public List<Embedding> embedAll(List<String> questions) {
      batches.add(questions.size());
      List<Embedding> out = new ArrayList<>();
      for (String q : questions) {
        out.add(letters(q));
      }
      return out;
    }

    static Embedding letters(String q) {
      float[] v = new float[27];
      for (char c : q.toLowerCase(Locale.ROOT).toCharArray()) {
        if (c >= 'a' && c <= 'z') {
          v[c - 'a']++;
        }
      }
      v[26] = 1;
      return Embedding.of(v);
    }

    @Override
    public double[] similarities(List<QuestionPair> pairs) {
      batches.add(pairs.size());
      double[] out = new double[dropOne ? pairs.size() - 1 : pairs.size()];
      for (int i = 0; i < out.length; i++) {
        QuestionPair p = pairs.get(i);
        out[i] =
            p.first().equals(nanFor)
                ? Double.NaN
                : letters(p.first()).similarity(letters(p.second()), SimilarityFunction.COSINE);
      }
      return out;
    }

    @Override
    public double[] duplicateScores(List<QuestionPair> pairs) {
      return similarities(pairs);
    }

    @Override
    public double[] duplicateScores(
        List<QuestionPair> pairs, List<Embedding> first, List<Embedding> second) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Duplicates findDuplicates(
        List<String> questions, DuplicateOptions options, dev.qsim.ProgressListener progress) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Duplicates findDuplicates(
        List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Match> mostSimilar(
        String query, Embedding e, List<String> candidates, List<Embedding> es, int k) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Match> mostSimilar(String query, List<String> candidates, int k) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SimilarityFunction similarityFunction() {
      return SimilarityFunction.COSINE;
    }

    @Override
    public double similarityThreshold() {
      return 0.9;
    }

    @Override
    public double duplicateThreshold() {
      return 0.9;
    }

    @Override
    public double candidateThreshold() {
      return 0.9;
    }

    @Override
    public dev.qsim.DuplicateDecision decision() {
      return dev.qsim.DuplicateDecision.SIMILARITY;
    }

    @Override
    public int dimension() {
      return 27;
    }

    @Override
    public int maxSequenceLength() {
      return 128;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static double directScore(LabelledPair p) {
    return LetterModel.letters(p.first())
        .similarity(LetterModel.letters(p.second()), SimilarityFunction.COSINE);
  }

  @Test
  void binaryEvaluationOnAQuoraDevSliceMatchesDirectComputation() {
    PairDataset dev =
        PairReader.read(
            DATA.resolve("quora/dev.tsv"), PairFormat.BIMPM, ReadOptions.defaults().withLimit(300));
    LetterModel model = new LetterModel();
    List<long[]> updates = new ArrayList<>();
    BinaryEvaluation r =
        Evaluator.of(model)
            .withBatchSize(64)
            .withProgress(
                (stage, done, total) -> {
                  assertThat(stage).isEqualTo("scoring");
                  updates.add(new long[] {done, total});
                })
            .evaluateBinary(dev.pairs());

    assertThat(model.batches).containsExactly(64, 64, 64, 64, 44);
    assertThat(updates).extracting(u -> u[0]).containsExactly(0L, 64L, 128L, 192L, 256L, 300L);
    assertThat(updates).allSatisfy(u -> assertThat(u[1]).isEqualTo(300));

    double[] scores = dev.pairs().stream().mapToDouble(EvaluatorTest::directScore).toArray();
    BinaryMetrics expected = BinaryMetrics.of(scores, dev.labels());
    assertThat(r.pairs()).isEqualTo(300);
    assertThat(r.duplicates()).isEqualTo(dev.duplicates());
    assertThat(r.threshold()).isEqualTo(0.9);
    assertThat(r.pairHead()).isFalse();
    assertThat(r.averagePrecision()).isEqualTo(expected.averagePrecision());
    assertThat(r.rocAuc()).isEqualTo(expected.rocAuc());
    assertThat(r.fittedBestAccuracy()).isEqualTo(expected.bestAccuracy());
    assertThat(r.fittedBestF1()).isEqualTo(expected.bestF1());
    assertThat(r.fittedBestBalancedAccuracy()).isEqualTo(expected.bestBalancedAccuracy());
    assertThat(r.scores().scores()).containsExactly(scores);

    // the model's own decision is isDuplicate(), counted pair by pair
    long tp = 0;
    long fp = 0;
    for (LabelledPair p : dev.pairs()) {
      boolean said = model.isDuplicate(p.first(), p.second());
      tp += said && p.isDuplicate() ? 1 : 0;
      fp += said && !p.isDuplicate() ? 1 : 0;
    }
    assertThat(r.modelDecision().truePositives()).isEqualTo(tp);
    assertThat(r.modelDecision().falsePositives()).isEqualTo(fp);
    assertThat(r.modelDecision().total()).isEqualTo(300);
    assertThat(r.fittedBestAccuracy().accuracy())
        .isGreaterThanOrEqualTo(r.modelDecision().accuracy());
    // letter counts carry some signal on Quora
    assertThat(r.rocAuc()).isGreaterThan(0.55);
    assertThat(r.toString()).contains("pairs=300");
    assertThat(model.closed).isFalse();
  }

  @Test
  void gradedDataIsCorrelatedThroughSimilarities() {
    PairDataset sts =
        PairReader.read(
            DATA.resolve("sts/stsb-dev.tsv"),
            PairFormat.STSB,
            ReadOptions.defaults().withLimit(200));
    EvaluationResult result = Evaluator.of(new LetterModel()).evaluate(sts.pairs());
    assertThat(result).isInstanceOf(GradedEvaluation.class);
    GradedEvaluation g = (GradedEvaluation) result;
    double[] sims = sts.pairs().stream().mapToDouble(EvaluatorTest::directScore).toArray();
    assertThat(g.pairs()).isEqualTo(200);
    assertThat(g.pearson()).isCloseTo(Correlation.pearson(sims, sts.labels()), within(1e-15));
    assertThat(g.spearman()).isCloseTo(Correlation.spearman(sims, sts.labels()), within(1e-15));
    assertThat(g.spearman()).isGreaterThan(0.2);
  }

  @Test
  void binaryLabelsAreDetectedAutomatically() {
    List<LabelledPair> pairs =
        List.of(LabelledPair.of("abc", "abc", 1), LabelledPair.of("abc", "xyz", 0));
    EvaluationResult r = Evaluator.of(new LetterModel()).evaluate(pairs);
    assertThat(r).isInstanceOf(BinaryEvaluation.class);
    BinaryEvaluation b = (BinaryEvaluation) r;
    assertThat(b.modelDecision().accuracy()).isEqualTo(1.0);
    assertThat(b.rocAuc()).isEqualTo(1.0);
  }

  @Test
  void modelFailuresNameThePair() {
    LetterModel nan = new LetterModel();
    nan.nanFor = "broken";
    List<LabelledPair> pairs =
        List.of(
            LabelledPair.of("fine", "ok", 0),
            new LabelledPair("broken", "pair", 1, "file.tsv", 12));
    assertThatThrownBy(() -> Evaluator.of(nan).evaluateBinary(pairs))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("pair 1")
        .hasMessageContaining("file.tsv:12")
        .hasMessageContaining("NaN");
    LetterModel short1 = new LetterModel();
    short1.dropOne = true;
    assertThatThrownBy(() -> Evaluator.of(short1).evaluateBinary(pairs))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("1 scores")
        .hasMessageContaining("2 pairs");
  }

  @Test
  void badInputsAreRejected() {
    Evaluator e = Evaluator.of(new LetterModel());
    assertThatThrownBy(() -> e.evaluate(List.of())).hasMessageContaining("no pairs");
    assertThatThrownBy(() -> e.evaluateBinary(List.of(new LabelledPair("a", " ", 1, "f.csv", 3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pair 0 (f.csv:3)")
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> e.evaluateBinary(List.of(LabelledPair.of("a", "b", 3.5))))
        .hasMessageContaining("label 3.5");
    assertThatThrownBy(() -> e.evaluateGraded(List.of(LabelledPair.of("a", "b", 3.5))))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> e.withBatchSize(0)).hasMessageContaining("batch size");
    assertThatThrownBy(() -> Evaluator.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void retrievalMatchesRankingsSortedInFull() {
    Random random = new Random(99);
    String[] words = {"how", "do", "i", "learn", "java", "fast", "cook", "rice", "why", "sky"};
    List<String> questions = new ArrayList<>();
    int n = 60;
    int[] groups = new int[n];
    for (int i = 0; i < n; i++) {
      StringBuilder q = new StringBuilder();
      int len = 1 + random.nextInt(4);
      for (int w = 0; w < len; w++) {
        q.append(words[random.nextInt(words.length)]).append(' ');
      }
      questions.add(q.toString().trim());
      groups[i] = random.nextInt(3) == 0 ? -1 : random.nextInt(15);
    }
    LetterModel model = new LetterModel();
    List<String> stages = new ArrayList<>();
    RetrievalMetrics got =
        Evaluator.of(model)
            .withBatchSize(16)
            .withProgress((stage, done, total) -> stages.add(stage))
            .evaluateRetrieval(questions, groups);
    assertThat(model.batches).containsExactly(16, 16, 16, 12);
    assertThat(stages).contains("embedding", "ranking");

    List<Embedding> e = questions.stream().map(LetterModel::letters).toList();
    RetrievalMetrics expected =
        RetrievalMetrics.of(
            groups,
            q ->
                IntStream.range(0, n)
                    .filter(c -> c != q)
                    .boxed()
                    .sorted(
                        Comparator.<Integer>comparingDouble(
                                c -> -e.get(q).similarity(e.get(c), SimilarityFunction.COSINE))
                            .thenComparingInt(c -> c))
                    .mapToInt(Integer::intValue)
                    .toArray());
    assertThat(got.queries()).isEqualTo(expected.queries()).isPositive();
    assertThat(got.meanReciprocalRank()).isCloseTo(expected.meanReciprocalRank(), within(1e-12));
    assertThat(got.recallAt1()).isCloseTo(expected.recallAt1(), within(1e-12));
    assertThat(got.recallAt10()).isCloseTo(expected.recallAt10(), within(1e-12));
  }

  @Test
  void retrievalWithTiesPrefersLowerIndices() {
    // "ab" and "ba" have the same letters: every candidate ties for query 0
    List<String> questions = List.of("ab", "ba", "ab", "ab");
    int[] groups = {0, -1, -1, 0};
    RetrievalMetrics m = Evaluator.of(new LetterModel()).evaluateRetrieval(questions, groups);
    // query 0: order 1, 2, 3 -> duplicate 3 at rank 3; query 3: order 0, 1, 2 -> rank 1
    assertThat(m.queries()).isEqualTo(2);
    assertThat(m.meanReciprocalRank()).isCloseTo((1.0 / 3 + 1) / 2, within(1e-12));
    assertThat(m.recallAt1()).isCloseTo(0.5, within(1e-12));
    assertThat(m.recallAt10()).isEqualTo(1.0);
    assertThatThrownBy(
            () -> Evaluator.of(new LetterModel()).evaluateRetrieval(questions, new int[] {0}))
        .hasMessageContaining("4 vs 1");
  }
}
