package dev.qsim.cli;

import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.Embedding;
import dev.qsim.Match;
import dev.qsim.ProgressListener;
import dev.qsim.QuestionPair;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import dev.qsim.index.ModelIdentity;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.List;

/**
 * One bundled model for the whole test run, handed to commands through a factory whose models
 * ignore {@code close()}: loading it once keeps the tests short.
 */
final class SharedModel implements QuestionSimilarity {
  private static OnnxQuestionSimilarity model;

  /**
   * A factory that serves the shared bundled model (and rejects any {@code --model} but {@code
   * default}, and --no-pair-head).
   */
  static final ModelFactory FACTORY =
      new ModelFactory() {
        @Override
        public QuestionSimilarity open(
            ModelChoice model, boolean pairHead, boolean verifier, Precision precision) {
          if (!model.equals(ModelChoice.DEFAULT) || !pairHead || !verifier || precision != null) {
            throw new AssertionError(
                "tests using the shared model give no --model, --no-pair-head or --precision");
          }
          return new SharedModel();
        }

        @Override
        public ModelIdentity identify(QuestionSimilarity model) {
          return ModelIdentity.of(get());
        }
      };

  static synchronized OnnxQuestionSimilarity get() {
    if (model == null) {
      model = OnnxQuestionSimilarity.bundled();
    }
    return model;
  }

  private final QuestionSimilarity delegate = get();

  @Override
  public List<Embedding> embedAll(List<String> questions) {
    return delegate.embedAll(questions);
  }

  @Override
  public List<dev.qsim.Readability> readability(List<String> questions) {
    return delegate.readability(questions);
  }

  @Override
  public double[] similarities(List<QuestionPair> pairs) {
    return delegate.similarities(pairs);
  }

  @Override
  public double[] duplicateScores(List<QuestionPair> pairs) {
    return delegate.duplicateScores(pairs);
  }

  @Override
  public Duplicates findDuplicates(List<String> questions, DuplicateOptions options) {
    return delegate.findDuplicates(questions, options);
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, DuplicateOptions options, ProgressListener progress) {
    return delegate.findDuplicates(questions, options, progress);
  }

  @Override
  public Duplicates findDuplicates(
      List<String> questions, List<Embedding> embeddings, DuplicateOptions options) {
    return delegate.findDuplicates(questions, embeddings, options);
  }

  @Override
  public double[] duplicateScores(
      List<QuestionPair> pairs, List<Embedding> first, List<Embedding> second) {
    return delegate.duplicateScores(pairs, first, second);
  }

  @Override
  public List<Match> mostSimilar(String query, List<String> candidates, int k) {
    return delegate.mostSimilar(query, candidates, k);
  }

  @Override
  public List<Match> mostSimilar(
      String query, Embedding e, List<String> candidates, List<Embedding> es, int k) {
    return delegate.mostSimilar(query, e, candidates, es, k);
  }

  @Override
  public double candidateThreshold() {
    return delegate.candidateThreshold();
  }

  @Override
  public dev.qsim.DuplicateDecision decision() {
    return delegate.decision();
  }

  @Override
  public SimilarityFunction similarityFunction() {
    return delegate.similarityFunction();
  }

  @Override
  public double similarityThreshold() {
    return delegate.similarityThreshold();
  }

  @Override
  public double duplicateThreshold() {
    return delegate.duplicateThreshold();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public int maxSequenceLength() {
    return delegate.maxSequenceLength();
  }

  @Override
  public void close() {
    // Shared for the whole run: the JVM's exit releases it.
  }
}
