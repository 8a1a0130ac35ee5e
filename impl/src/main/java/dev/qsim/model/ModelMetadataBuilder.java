package dev.qsim.model;

import dev.qsim.SimilarityFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link ModelMetadata}, starting empty ({@link ModelMetadata#builder()}) or from a copy
 * ({@link ModelMetadata#toBuilder()}); {@link #build()} validates and names the key that is wrong.
 *
 * <p>Not thread-safe.
 */
public final class ModelMetadataBuilder {
  private String name;
  private String encoderFile = "model.onnx";
  private ModelMetadata.EncoderDelta encoderDelta;
  private String tokenizerFile = "tokenizer.json";
  private String output;
  private Pooling pooling;
  private boolean normalize = true;
  private int dimension;
  private int maxSequenceLength;
  private SimilarityFunction similarityFunction;
  private double similarityThreshold = Double.NaN;
  private String pairHeadFile;
  private double pairHeadThreshold = Double.NaN;
  private double candidateThreshold = Double.NaN;
  private ModelMetadata.Verifier verifier;
  private Precision precision = Precision.FP32;
  private Map<String, Object> provenance = new LinkedHashMap<>();
  private Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
  private Map<String, String> checksums = new LinkedHashMap<>();
  private String licence;
  private List<String> trainingData = List.of();

  /** See {@link ModelMetadata#builder()}. */
  ModelMetadataBuilder() {}

  /** See {@link ModelMetadata#toBuilder()}. */
  ModelMetadataBuilder(ModelMetadata from) {
    name = from.name();
    encoderFile = from.encoderFile();
    encoderDelta = from.encoderDelta();
    tokenizerFile = from.tokenizerFile();
    output = from.output();
    pooling = from.pooling();
    normalize = from.normalize();
    dimension = from.dimension();
    maxSequenceLength = from.maxSequenceLength();
    similarityFunction = from.similarityFunction();
    similarityThreshold = from.similarityThreshold();
    pairHeadFile = from.pairHeadFile();
    pairHeadThreshold = from.pairHeadThreshold();
    candidateThreshold = from.candidateThreshold();
    verifier = from.verifier();
    precision = from.precision();
    provenance = new LinkedHashMap<>(from.provenance());
    metrics = new LinkedHashMap<>(from.metrics());
    licence = from.licence();
    trainingData = from.trainingData();
    // Not the checksums: they describe files on disk, which a changed copy may not match; the
    // model writer records them anew.
  }

  /**
   * Sets the human name.
   *
   * @param value the name
   * @return this builder
   */
  public ModelMetadataBuilder name(String value) {
    this.name = value;
    return this;
  }

  /**
   * Sets the encoder file, relative to the model directory.
   *
   * @param value the file name
   * @return this builder
   */
  public ModelMetadataBuilder encoderFile(String value) {
    this.encoderFile = value;
    return this;
  }

  /**
   * Sets the tokenizer file, relative to the model directory.
   *
   * @param value the file name
   * @return this builder
   */
  public ModelMetadataBuilder tokenizerFile(String value) {
    this.tokenizerFile = value;
    return this;
  }

  /**
   * Sets the encoder output to read ({@code null}: the first).
   *
   * @param value the output name
   * @return this builder
   */
  public ModelMetadataBuilder output(@Nullable String value) {
    this.output = value;
    return this;
  }

  /**
   * Sets the pooling.
   *
   * @param value the pooling
   * @return this builder
   */
  public ModelMetadataBuilder pooling(Pooling value) {
    this.pooling = value;
    return this;
  }

  /**
   * Sets whether embeddings are L2-normalised (default {@code true}).
   *
   * @param value whether to normalise
   * @return this builder
   */
  public ModelMetadataBuilder normalize(boolean value) {
    this.normalize = value;
    return this;
  }

  /**
   * Sets the embedding size.
   *
   * @param value the dimension
   * @return this builder
   */
  public ModelMetadataBuilder dimension(int value) {
    this.dimension = value;
    return this;
  }

  /**
   * Sets the most tokens read per question.
   *
   * @param value the maximum sequence length
   * @return this builder
   */
  public ModelMetadataBuilder maxSequenceLength(int value) {
    this.maxSequenceLength = value;
    return this;
  }

  /**
   * Sets how embeddings are compared.
   *
   * @param value the similarity function
   * @return this builder
   */
  public ModelMetadataBuilder similarityFunction(SimilarityFunction value) {
    this.similarityFunction = value;
    return this;
  }

  /**
   * Sets the calibrated similarity threshold.
   *
   * @param value the threshold
   * @return this builder
   */
  public ModelMetadataBuilder similarityThreshold(double value) {
    this.similarityThreshold = value;
    return this;
  }

  /**
   * Sets the pair head and its threshold ({@code file} {@code null}: no pair head).
   *
   * @param file the pair head file, relative to the model directory
   * @param threshold its calibrated probability threshold
   * @return this builder
   */
  public ModelMetadataBuilder pairHead(@Nullable String file, double threshold) {
    this.pairHeadFile = file;
    this.pairHeadThreshold = threshold;
    return this;
  }

  /**
   * Sets the candidate threshold ({@code NaN}: not recorded).
   *
   * @param value the recall-oriented similarity threshold
   * @return this builder
   */
  public ModelMetadataBuilder candidateThreshold(double value) {
    this.candidateThreshold = value;
    return this;
  }

  /**
   * Sets the changed weights applied to the encoder file ({@code null}: the encoder file is used as
   * it is).
   *
   * @param value the delta file and the base encoder's fingerprint
   * @return this builder
   */
  public ModelMetadataBuilder encoderDelta(ModelMetadata.@Nullable EncoderDelta value) {
    this.encoderDelta = value;
    return this;
  }

  /**
   * Sets the cross-encoder verifier ({@code null}: none).
   *
   * @param value the verifier's file, threshold and length
   * @return this builder
   */
  public ModelMetadataBuilder verifier(ModelMetadata.@Nullable Verifier value) {
    this.verifier = value;
    return this;
  }

  /**
   * Sets the precision of the encoder's matrix products (default {@link Precision#FP32}).
   *
   * @param value the precision
   * @return this builder
   */
  public ModelMetadataBuilder precision(Precision value) {
    this.precision = Objects.requireNonNull(value, "precision");
    return this;
  }

  /**
   * Replaces the provenance facts.
   *
   * @param facts free-form facts
   * @return this builder
   */
  public ModelMetadataBuilder provenance(Map<String, Object> facts) {
    this.provenance = new LinkedHashMap<>(Objects.requireNonNull(facts, "facts"));
    return this;
  }

  /**
   * Adds one provenance fact (replacing one of the same key).
   *
   * @param key the fact's name
   * @param value the fact
   * @return this builder
   */
  public ModelMetadataBuilder provenance(String key, Object value) {
    this.provenance.put(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Adds the metrics of one data set (replacing any of the same name).
   *
   * @param dataset the data set's name
   * @param values metric name to value
   * @return this builder
   */
  public ModelMetadataBuilder metrics(String dataset, Map<String, Double> values) {
    this.metrics.put(Objects.requireNonNull(dataset, "dataset"), values);
    return this;
  }

  /**
   * Sets the recorded file checksums ({@link ModelDirectoryWriter} sets them from the files it
   * writes; a builder, also one from {@link ModelMetadata#toBuilder()}, starts without any).
   *
   * @param values file name to {@code "sha256:"} and 64 hex digits
   * @return this builder
   */
  public ModelMetadataBuilder checksums(Map<String, String> values) {
    this.checksums = new LinkedHashMap<>(Objects.requireNonNull(values, "values"));
    return this;
  }

  /**
   * Sets the terms the model may be used under ({@code null}: not stated).
   *
   * @param value the weights' licence and the training data's terms, for people
   * @return this builder
   */
  public ModelMetadataBuilder licence(@Nullable String value) {
    this.licence = value;
    return this;
  }

  /**
   * Sets the data the model was trained on, one entry per data set (empty: not stated).
   *
   * @param values the data sets, for people
   * @return this builder
   */
  public ModelMetadataBuilder trainingData(List<String> values) {
    this.trainingData = List.copyOf(Objects.requireNonNull(values, "values"));
    return this;
  }

  /**
   * Validates and builds.
   *
   * @return the metadata
   * @throws IllegalArgumentException or {@link NullPointerException} naming the invalid key
   */
  public ModelMetadata build() {
    return new ModelMetadata(
        ModelMetadata.FORMAT_VERSION,
        name,
        encoderFile,
        encoderDelta,
        tokenizerFile,
        output,
        pooling,
        normalize,
        dimension,
        maxSequenceLength,
        similarityFunction,
        similarityThreshold,
        pairHeadFile,
        pairHeadThreshold,
        candidateThreshold,
        verifier,
        precision,
        provenance,
        metrics,
        checksums,
        licence,
        trainingData);
  }
}
