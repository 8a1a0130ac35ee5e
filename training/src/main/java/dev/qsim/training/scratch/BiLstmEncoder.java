package dev.qsim.training.scratch;

import java.util.Objects;

/**
 * A bidirectional LSTM question encoder trained from scratch: token embedding, a forward and a
 * backward LSTM (the backward one reads each question's real tokens reversed, padding excluded),
 * masked max or mean pooling over the concatenated states, a linear projection and L2
 * normalisation. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * try (BiLstmEncoder encoder = BiLstmEncoder.builder().optSeed(42).build()) {
 *   // train encoder.block(), then encoder.exportOnnx(dir.resolve("model.onnx"))
 * }
 * }</pre>
 *
 * <p>Not thread-safe; see {@link ScratchEncoder}.
 */
public final class BiLstmEncoder extends ScratchEncoder {

  /** How the LSTM states of a question's real tokens are pooled. */
  public enum Pooling {
    /** The element-wise maximum over the real tokens (InferSent's choice). */
    MAX,
    /** The average over the real tokens. */
    MEAN
  }

  private final int hiddenSize;
  private final Pooling pooling;

  private BiLstmEncoder(Builder builder) {
    super(
        "bilstm",
        new BiLstmBlock(
            builder.vocabularySize,
            builder.embeddingSize,
            builder.hiddenSize,
            builder.dimension,
            builder.pooling,
            builder.dropout),
        builder.seed);
    this.hiddenSize = builder.hiddenSize;
    this.pooling = builder.pooling;
  }

  /**
   * A builder with the defaults: embedding 128, hidden 128 per direction, max pooling, dimension
   * 256, dropout 0.1, seed 42, the bundled vocabulary.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The LSTM state size of each direction.
   *
   * @return the hidden size
   */
  public int hiddenSize() {
    return hiddenSize;
  }

  /**
   * How the states are pooled.
   *
   * @return the pooling
   */
  public Pooling pooling() {
    return pooling;
  }

  @Override
  public String toString() {
    return "BiLstmEncoder[embedding="
        + embeddingSize()
        + ", hidden="
        + hiddenSize
        + ", pooling="
        + pooling
        + ", dimension="
        + dimension()
        + ", dropout="
        + dropout()
        + ", seed="
        + seed()
        + "]";
  }

  /** Settings of a {@link BiLstmEncoder}. Not thread-safe. */
  public static final class Builder extends CommonBuilder<Builder> {
    private int hiddenSize = 128;
    private Pooling pooling = Pooling.MAX;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the LSTM state size of each direction.
     *
     * @param hiddenSize at least 1; default 128
     * @return this builder
     */
    public Builder optHiddenSize(int hiddenSize) {
      this.hiddenSize = hiddenSize;
      return this;
    }

    /**
     * Sets the pooling.
     *
     * @param pooling max or mean; default max
     * @return this builder
     */
    public Builder optPooling(Pooling pooling) {
      this.pooling = Objects.requireNonNull(pooling, "pooling");
      return this;
    }

    /**
     * Builds and initialises the encoder.
     *
     * @return a new encoder, to be closed by the caller
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws dev.qsim.QsimException if the PyTorch engine is not available
     */
    public BiLstmEncoder build() {
      checkCommon();
      Settings.atLeast("hiddenSize", hiddenSize, 1);
      return new BiLstmEncoder(this);
    }
  }
}
