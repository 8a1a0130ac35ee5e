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
  public static final class Builder extends CommonBuilder<Builder> {
    private int[] kernelWidths = {2, 3, 4};
    private int filters = 128;

    private Builder() {}

    @Override
    Builder self() {
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
     * Builds and initialises the encoder.
     *
     * @return a new encoder, to be closed by the caller
     * @throws IllegalArgumentException naming the setting that is out of range
     * @throws dev.qsim.QsimException if the PyTorch engine is not available
     */
    public CnnEncoder build() {
      checkCommon();
      Settings.atLeast("filters", filters, 1);
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
