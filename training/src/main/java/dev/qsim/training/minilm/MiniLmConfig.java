package dev.qsim.training.minilm;

/**
 * The geometry of a Hugging Face BERT encoder.
 *
 * <p>Immutable and thread-safe.
 *
 * @param layers transformer layers
 * @param hidden hidden size (the embedding dimension)
 * @param heads attention heads; {@code hidden} must be a multiple
 * @param intermediate feed-forward inner size
 * @param vocabulary word-piece vocabulary size
 * @param maxPositions most tokens per sequence (position embeddings)
 * @param typeVocabulary token-type (segment) vocabulary size
 * @param layerNormEpsilon epsilon of every LayerNorm
 */
record MiniLmConfig(
    int layers,
    int hidden,
    int heads,
    int intermediate,
    int vocabulary,
    int maxPositions,
    int typeVocabulary,
    float layerNormEpsilon) {

  /** sentence-transformers/all-MiniLM-L6-v2. */
  static final MiniLmConfig ALL_MINILM_L6_V2 =
      new MiniLmConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12f);

  MiniLmConfig {
    if (layers <= 0 || hidden <= 0 || heads <= 0 || hidden % heads != 0) {
      throw new IllegalArgumentException(
          "bad geometry: layers " + layers + ", hidden " + hidden + ", heads " + heads);
    }
  }

  /**
   * The size of one attention head.
   *
   * @return {@code hidden / heads}
   */
  int headSize() {
    return hidden / heads;
  }
}
