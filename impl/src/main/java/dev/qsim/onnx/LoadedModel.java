package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.model.ModelMetadata;

/**
 * The parts a model loads into ({@link ModelLoader}) and the choice among its duplicate decisions:
 * the model's own {@code decision}, and the pair head's and the verifier's alone. {@code verifier},
 * {@code pairHeadDecision} and {@code verifierDecision} are null when the model lacks that part or
 * it is turned off; {@code threads} is the duplicate search's.
 *
 * <p>Thread-safe: its parts are.
 */
record LoadedModel(
    ModelMetadata metadata,
    ModelSource source,
    SentenceEncoder encoder,
    CrossEncoderVerifier verifier,
    PairDecision decision,
    PairDecision pairHeadDecision,
    PairDecision verifierDecision,
    int threads) {

  /** Frees the encoder's and the verifier's native memory. */
  void close() {
    encoder.close();
    if (verifier != null) {
      verifier.close();
    }
  }

  /** The recall-oriented similarity threshold of candidate retrieval. */
  double candidateThreshold() {
    return decision.kind() == DuplicateDecision.SIMILARITY
        ? decision.threshold()
        : metadata.effectiveCandidateThreshold();
  }

  /**
   * The duplicate search that options ask for.
   *
   * @throws IllegalArgumentException if they ask for a decision this model does not have
   */
  DuplicateSearch search(DuplicateOptions options) {
    PairDecision d =
        switch (options.decision()) {
          case AUTO -> decision;
          case PAIR_HEAD -> {
            if (pairHeadDecision == null) {
              throw new IllegalArgumentException(
                  "decision PAIR_HEAD: model "
                      + metadata.name()
                      + " has no pair head (or it was turned off with optPairHead(false))");
            }
            yield pairHeadDecision;
          }
          case VERIFIER -> {
            if (verifier == null) {
              throw new IllegalArgumentException(
                  "decision VERIFIER: model "
                      + metadata.name()
                      + " has no verifier (or it was turned off with optVerifier(false))");
            }
            yield verifierDecision;
          }
          case CASCADE -> {
            if (decision.kind() != DuplicateDecision.CASCADE) {
              throw new IllegalArgumentException(
                  "decision CASCADE: model "
                      + metadata.name()
                      + " has no cascade (it needs a pair head, a verifier and verifier.cascade,"
                      + " none turned off)");
            }
            yield decision;
          }
          case SIMILARITY ->
              PairDecision.similarity(
                  metadata.similarityFunction(), metadata.similarityThreshold());
        };
    if (options.threshold().isPresent()) {
      d = d.withThreshold(options.threshold().getAsDouble());
    }
    double candidates =
        options
            .candidateThreshold()
            .orElse(
                d.kind() == DuplicateDecision.SIMILARITY ? d.threshold() : candidateThreshold());
    return new DuplicateSearch(d, metadata.similarityFunction(), candidates, options, threads);
  }
}
