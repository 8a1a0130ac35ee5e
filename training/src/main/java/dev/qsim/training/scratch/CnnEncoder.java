package dev.qsim.training.scratch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A convolutional question encoder trained from scratch: token embedding, 1-D convolutions of
 * several widths with ReLU, masked max pooling over each question's windows, a linear projection
 * and L2 normalisation. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * try (CnnEncoder encoder = CnnEncoder.builder().optKernelWidths(2, 3, 4).build()) {
 *   // train encoder.block(), then encoder.exportOnnx(dir.resolve("model.onnx"))
 * }
 * }</pre>
 *
 * <p>Not thread-safe; see {@link ScratchEncoder}.
 */
public final class CnnEncoder extends ScratchEncoder {

  private final int[] kernelWidths;
  private final int filters;

  private CnnEncoder(Builder builder) {
    super(
        "cnn",
        new CnnBlock(
            builder.vocabularySize,
            builder.embeddingSize,
            builder.kernelWidths,
            builder.filters,
            builder.dimension,
            builder.dropout),
        builder.seed);
    this.kernelWidths = builder.kernelWidths.clone();
    this.filters = builder.filters;
  }

  /**
   * A builder with the defaults: embedding 128, kernel widths 2, 3 and 4 with 128 filters each,
   * dimension 256, dropout 0.1, seed 42, the bundled vocabulary.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The convolution widths, in tokens.
   *
   * @return a copy of the widths
   */
  public int[] kernelWidths() {
    return kernelWidths.clone();
  }

  /**
   * The number of filters of each width.
   *
   * @return the filter count
   */
  public int filters() {
    return filters;
  }

  @Override
  public String toString() {
    return "CnnEncoder[embedding="
        + embeddingSize()
        + ", kernelWidths="
        + Arrays.toString(kernelWidths)
        + ", filters="
        + filters
        + ", dimension="
        + dimension()
        + ", dropout="
        + dropout()
        + ", seed="
        + seed()
        + "]";
  }

  /** Settings of a {@link CnnEncoder}. Not thread-safe. */
  public static final class Builder {
    private int vocabularySize = VOCABULARY_SIZE;
    private int embeddingSize = 128;
    private int[] kernelWidths = {2, 3, 4};
    private int filters = 128;
    private int dimension = 256;
    private float dropout = 0.1f;
    private long seed = 42;

    private Builder() {}

    /**
     * Sets the vocabulary size (the largest token id plus one).
     *
     * @param vocabularySize at least 2; default 30,522
     * @return this builder
     */
    public Builder optVocabularySize(int vocabularySize) {
      this.vocabularySize = vocabularySize;
      return this;
    }

    /**
     * Sets the token embedding width.
     *
     * @param embeddingSize at least 1; default 128
     * @return this builder
     */
    public Builder optEmbeddingSize(int embeddingSize) {
      this.embeddingSize = embeddingSize;
      return this;
    }

    /**
     * Sets the convolution widths.
     *
     * @param kernelWidths one or more distinct widths, each at least 1; default 2, 3, 4
     * @return this builder
     */
    public Builder optKernelWidths(int... kernelWidths) {
      this.kernelWidths = Objects.requireNonNull(kernelWidths, "kernelWidths").clone();
      return this;
    }

    /**
     * Sets the number of filters of each width.
     *
     * @param filters at least 1; default 128
     * @return this builder
     */
    public Builder optFilters(int filters) {
      this.filters = filters;
      return this;
    }

    /**
     * Sets the embedding dimension the projection outputs.
     *
     * @param dimension at least 1; default 256
     * @return this builder
     */
    public Builder optDimension(int dimension) {
      this.dimension = dimension;
      return this;
    }

    /**
     * Sets the training dropout on token embeddings and on the pooled vector.
     *
     * @param dropout in [0, 1); default 0.1
     * @return this builder
     */
    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    /**
     * Sets the seed of the initial weights.
     *
     * @param seed any value; default 42
     * @return this builder
     */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds and initialises the encoder.
     *
     * @return a new encoder, to be closed by the caller
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws dev.qsim.QsimException if the PyTorch engine is not available
     */
    public CnnEncoder build() {
      Settings.atLeast("vocabularySize", vocabularySize, 2);
      Settings.atLeast("embeddingSize", embeddingSize, 1);
      Settings.atLeast("filters", filters, 1);
      Settings.atLeast("dimension", dimension, 1);
      Settings.dropout(dropout);
      if (kernelWidths.length == 0) {
        throw new IllegalArgumentException("Invalid encoder setting kernelWidths: none given");
      }
      for (int width : kernelWidths) {
        Settings.atLeast("kernelWidths", width, 1);
      }
      if (Arrays.stream(kernelWidths).distinct().count() != kernelWidths.length) {
        throw new IllegalArgumentException(
            "Invalid encoder setting kernelWidths: "
                + Arrays.toString(kernelWidths)
                + " repeats a width");
      }
      return new CnnEncoder(this);
    }
  }
}
