package dev.qsim.model;

import dev.qsim.ModelLoadException;
import dev.qsim.SimilarityFunction;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The contents of a model directory's {@code qsim-model.json} (format version {@value
 * #FORMAT_VERSION}), as described in {@code docs/model-format.md}. Written by the training module,
 * read by {@code OnnxQuestionSimilarity}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param formatVersion always {@value #FORMAT_VERSION} for metadata this version writes
 * @param name a human name for the model
 * @param encoderFile the ONNX encoder, relative to the model directory (a name that starts with
 *     {@code /} is a class-path resource, such as the bundled encoder in its carrier jar)
 * @param encoderDelta the tensors that replace or change some of {@code encoderFile}'s weights;
 *     {@code null} if the encoder is used as it is
 * @param tokenizerFile the {@code tokenizer.json}, relative to the model directory
 * @param output the encoder output to read; {@code null} for the first output
 * @param pooling how token vectors become a question vector
 * @param normalize whether embeddings are L2-normalised after pooling
 * @param dimension the embedding size
 * @param maxSequenceLength the most tokens read per question, special tokens included
 * @param similarityFunction how embeddings are compared
 * @param similarityThreshold the calibrated duplicate threshold on the similarity
 * @param pairHeadFile the pair head, relative to the model directory; {@code null} if the model has
 *     none
 * @param pairHeadThreshold the calibrated threshold on the pair head's probability; {@code NaN}
 *     without a pair head
 * @param candidateThreshold the recall-oriented similarity threshold for candidate retrieval, at
 *     most {@code similarityThreshold}; {@code NaN} when the model directory does not record one
 *     (then {@link #effectiveCandidateThreshold()} falls back to the similarity threshold)
 * @param verifier the optional cross-encoder verifier, the final stage of the duplicate decision
 *     when present; {@code null} if the model has none
 * @param precision the number format of the encoder's matrix products; {@link Precision#FP32} when
 *     the file does not say
 * @param provenance free-form facts about where the model came from
 * @param metrics evaluation results by data set name, each a map from metric name to value
 * @param checksums {@code "sha256:"} and the hex SHA-256 of each file of the directory that the
 *     metadata names, by file name (class-path files, whose names start with {@code /}, are not
 *     listed); recorded by {@link ModelDirectoryWriter}, verified when the model is loaded; empty
 *     for directories written before checksums were recorded
 * @param licence the terms the model may be used under (its weights' licence and those of the data
 *     it was trained on), for people (model card); {@code null} if not stated
 * @param trainingData the data the model was trained on, one entry per data set, for people (model
 *     card; {@code provenance} holds the exact files a trainer read); empty if not stated
 */
public record ModelMetadata(
    int formatVersion,
    String name,
    String encoderFile,
    @Nullable EncoderDelta encoderDelta,
    String tokenizerFile,
    @Nullable String output,
    Pooling pooling,
    boolean normalize,
    int dimension,
    int maxSequenceLength,
    SimilarityFunction similarityFunction,
    double similarityThreshold,
    @Nullable String pairHeadFile,
    double pairHeadThreshold,
    double candidateThreshold,
    @Nullable Verifier verifier,
    Precision precision,
    Map<String, Object> provenance,
    Map<String, Map<String, Double>> metrics,
    Map<String, String> checksums,
    @Nullable String licence,
    List<String> trainingData) {

  /**
   * A cross-encoder verifier stored in a model directory ({@code "verifier"} in {@code
   * qsim-model.json}, docs/model-format.md): an ONNX network that reads both questions of a pair in
   * one sequence ({@code [CLS] q1 [SEP] q2 [SEP]}, token types 0 then 1, the model's tokenizer) and
   * outputs one logit; its probability (the pair read in one fixed order, the same for both orders
   * of the arguments) is compared with {@code threshold}.
   *
   * <p>Immutable and thread-safe.
   *
   * @param file the ONNX file, relative to the model directory
   * @param threshold the calibrated threshold on the symmetric probability, in [0, 1]
   * @param maxSequenceLength the most tokens of a pair sequence, special tokens included (the two
   *     questions are truncated longest first)
   * @param thresholdCalibration how the threshold was obtained (free text), or {@code null}
   * @param delta when the verifier is stored as the weights training changed: the delta file, and
   *     {@code file} names the base encoder from which the verifier's graph is built ({@code
   *     VerifierGraph}); {@code null} when {@code file} is the whole verifier
   * @param cascade the band of pair-head probabilities in which the verifier decides (the pair head
   *     decides outside it), or {@code null}: the verifier decides every pair
   */
  public record Verifier(
      String file,
      double threshold,
      int maxSequenceLength,
      @Nullable String thresholdCalibration,
      @Nullable EncoderDelta delta,
      @Nullable Cascade cascade) {
    /**
     * A verifier stored whole, deciding every pair.
     *
     * @param file the ONNX file
     * @param threshold the calibrated threshold
     * @param maxSequenceLength the most tokens of a pair sequence
     * @param thresholdCalibration how the threshold was obtained, or {@code null}
     */
    public Verifier(
        String file,
        double threshold,
        int maxSequenceLength,
        @Nullable String thresholdCalibration) {
      this(file, threshold, maxSequenceLength, thresholdCalibration, null, null);
    }

    /**
     * This verifier with another cascade band.
     *
     * @param value the band, or {@code null} for none
     * @return the new entry
     */
    public Verifier withCascade(@Nullable Cascade value) {
      return new Verifier(file, threshold, maxSequenceLength, thresholdCalibration, delta, value);
    }

    /**
     * This verifier stored as a delta over a base encoder.
     *
     * @param baseFile the base encoder's file
     * @param value the delta
     * @return the new entry
     */
    public Verifier withDelta(String baseFile, EncoderDelta value) {
      return new Verifier(
          baseFile, threshold, maxSequenceLength, thresholdCalibration, value, cascade);
    }

    /**
     * Validates the values.
     *
     * @param file the ONNX file, relative to the model directory
     * @param threshold the calibrated threshold on the symmetric probability, in [0, 1]
     * @param maxSequenceLength the most tokens of a pair sequence, special tokens included (the two
     *     questions are truncated longest first)
     * @param thresholdCalibration how the threshold was obtained (free text), or {@code null}
     * @param delta when the verifier is stored as the weights training changed: the delta file, and
     *     {@code file} names the base encoder from which the verifier's graph is built ({@code
     *     VerifierGraph}); {@code null} when {@code file} is the whole verifier
     * @param cascade the band of pair-head probabilities in which the verifier decides (the pair
     *     head decides outside it), or {@code null}: the verifier decides every pair
     * @throws IllegalArgumentException naming the key of {@code verifier} that is invalid
     */
    public Verifier {
      MetadataChecks.verifier(file, threshold, maxSequenceLength);
    }
  }

  /**
   * The cascade of a model with a pair head and a verifier ({@code "verifier.cascade"} in {@code
   * qsim-model.json}): the pair head decides a pair whose probability lies below {@code lower} (not
   * a duplicate) or above {@code upper} (a duplicate); the verifier decides the pairs in between,
   * the band where the head is unsure. The band contains the pair head's threshold.
   *
   * <p>Immutable and thread-safe.
   *
   * @param lower the band's lower end, a pair-head probability in [0, 1]
   * @param upper the band's upper end, in [lower, 1]
   * @param calibration how the band was chosen (free text), or {@code null}
   */
  public record Cascade(double lower, double upper, @Nullable String calibration) {
    /**
     * Validates the values.
     *
     * @param lower the band's lower end, a pair-head probability in [0, 1]
     * @param upper the band's upper end, in [lower, 1]
     * @param calibration how the band was chosen (free text), or {@code null}
     * @throws IllegalArgumentException naming the key of {@code verifier.cascade} that is invalid
     */
    public Cascade {
      MetadataChecks.cascade(lower, upper);
    }

    /**
     * Whether the verifier decides a pair with this pair-head probability.
     *
     * @param headProbability the pair head's probability
     * @return whether it lies in the band
     */
    public boolean contains(double headProbability) {
      return headProbability >= lower && headProbability <= upper;
    }
  }

  /**
   * An encoder stored as a base ONNX file plus the weights that training changed ({@code
   * "encoder_delta"} in {@code qsim-model.json}, docs/model-format.md): the directory's {@code
   * encoder_file} names the base (usually the bundled encoder, {@code /all-minilm-l6-v2.onnx}) and
   * {@code file} a safetensors file of the changed tensors, applied when the model is loaded.
   *
   * <p>Immutable and thread-safe.
   *
   * @param file the safetensors file, relative to the model directory
   * @param baseSha256 {@code "sha256:"} and the hex SHA-256 of the base encoder the delta was made
   *     against; loading fails if the base differs
   */
  public record EncoderDelta(String file, String baseSha256) {
    /**
     * Validates the values.
     *
     * @param file the safetensors file, relative to the model directory
     * @param baseSha256 {@code "sha256:"} and the hex SHA-256 of the base encoder the delta was
     *     made against; loading fails if the base differs
     * @throws IllegalArgumentException naming the key of {@code encoder_delta} that is invalid
     */
    public EncoderDelta {
      MetadataChecks.fileName("encoder_delta.file", file);
      MetadataChecks.sha256("encoder_delta.base_sha256", baseSha256);
    }
  }

  /** The format version this class reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** The metadata file's name inside a model directory. */
  public static final String FILE_NAME = "qsim-model.json";

  /**
   * Validates the components.
   *
   * @param formatVersion always {@value #FORMAT_VERSION} for metadata this version writes
   * @param name a human name for the model
   * @param encoderFile the ONNX encoder, relative to the model directory (a name that starts with
   *     {@code /} is a class-path resource, such as the bundled encoder in its carrier jar)
   * @param encoderDelta the tensors that replace or change some of {@code encoderFile}'s weights;
   *     {@code null} if the encoder is used as it is
   * @param tokenizerFile the {@code tokenizer.json}, relative to the model directory
   * @param output the encoder output to read; {@code null} for the first output
   * @param pooling how token vectors become a question vector
   * @param normalize whether embeddings are L2-normalised after pooling
   * @param dimension the embedding size
   * @param maxSequenceLength the most tokens read per question, special tokens included
   * @param similarityFunction how embeddings are compared
   * @param similarityThreshold the calibrated duplicate threshold on the similarity
   * @param pairHeadFile the pair head, relative to the model directory; {@code null} if the model
   *     has none
   * @param pairHeadThreshold the calibrated threshold on the pair head's probability; {@code NaN}
   *     without a pair head
   * @param candidateThreshold the recall-oriented similarity threshold for candidate retrieval, at
   *     most {@code similarityThreshold}; {@code NaN} when the model directory does not record one
   *     (then {@link #effectiveCandidateThreshold()} falls back to the similarity threshold)
   * @param verifier the optional cross-encoder verifier, the final stage of the duplicate decision
   *     when present; {@code null} if the model has none
   * @param precision the number format of the encoder's matrix products; {@link Precision#FP32}
   *     when the file does not say
   * @param provenance free-form facts about where the model came from
   * @param metrics evaluation results by data set name, each a map from metric name to value
   * @param checksums {@code "sha256:"} and the hex SHA-256 of each file of the directory that the
   *     metadata names, by file name (class-path files, whose names start with {@code /}, are not
   *     listed); recorded by {@link ModelDirectoryWriter}, verified when the model is loaded; empty
   *     for directories written before checksums were recorded
   * @param licence the terms the model may be used under (its weights' licence and those of the
   *     data it was trained on), for people (model card); {@code null} if not stated
   * @param trainingData the data the model was trained on, one entry per data set, for people
   *     (model card; {@code provenance} holds the exact files a trainer read); empty if not stated
   * @throws IllegalArgumentException naming the key that is invalid
   */
  public ModelMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(encoderFile, "encoder_file");
    Objects.requireNonNull(tokenizerFile, "tokenizer_file");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(similarityFunction, "similarity_function");
    precision = precision == null ? Precision.FP32 : precision;
    MetadataChecks.numbers(
        formatVersion, dimension, maxSequenceLength, similarityFunction, similarityThreshold);
    pairHeadThreshold = MetadataChecks.pairHeadThreshold(pairHeadFile, pairHeadThreshold);
    MetadataChecks.candidateThreshold(candidateThreshold, similarityThreshold);
    provenance = MetadataChecks.provenance(provenance);
    metrics = MetadataChecks.metrics(metrics);
    checksums = MetadataChecks.checksums(checksums);
    MetadataChecks.licence(licence);
    trainingData = MetadataChecks.trainingData(trainingData);
  }

  /**
   * Metadata for a new model with the default file names, no pair head, and no provenance or
   * metrics yet.
   *
   * @param name a human name
   * @param pooling how token vectors become a question vector
   * @param normalize whether embeddings are L2-normalised
   * @param dimension the embedding size
   * @param maxSequenceLength the most tokens read per question
   * @param function how embeddings are compared
   * @param similarityThreshold the calibrated duplicate threshold on the similarity
   * @return the metadata
   */
  public static ModelMetadata of(
      String name,
      Pooling pooling,
      boolean normalize,
      int dimension,
      int maxSequenceLength,
      SimilarityFunction function,
      double similarityThreshold) {
    return builder()
        .name(name)
        .pooling(pooling)
        .normalize(normalize)
        .dimension(dimension)
        .maxSequenceLength(maxSequenceLength)
        .similarityFunction(function)
        .similarityThreshold(similarityThreshold)
        .build();
  }

  /**
   * A builder with the default file names ({@code model.onnx}, {@code tokenizer.json}), no pair
   * head, no candidate threshold and no provenance or metrics; name, pooling, dimension, maximum
   * length, similarity function and threshold must be set.
   *
   * @return a new builder
   */
  public static ModelMetadataBuilder builder() {
    return new ModelMetadataBuilder();
  }

  /**
   * A builder that starts from this metadata.
   *
   * @return a new builder holding every value of this metadata but its {@link #checksums()}
   */
  public ModelMetadataBuilder toBuilder() {
    return new ModelMetadataBuilder(this);
  }

  /**
   * The candidate threshold that retrieval uses: {@code candidate_threshold} when the metadata
   * records one, else the similarity threshold (exact for the similarity decision; a model with a
   * pair head should record its own, see {@code qsim calibrate}).
   *
   * @return the candidate threshold
   */
  public double effectiveCandidateThreshold() {
    return Double.isNaN(candidateThreshold) ? similarityThreshold : candidateThreshold;
  }

  /**
   * Every file this metadata names, by the key that names it ({@code encoder_file}, {@code
   * encoder_delta.file}, {@code tokenizer_file}, {@code pair_head_file}, {@code verifier.file},
   * {@code verifier.delta.file}). The one list of a model's files: the writer checks that they
   * exist and records their {@link #checksums()}, the loader verifies them. A key added to the
   * format that names a file belongs here.
   *
   * @return key to file name, in that order; names that start with {@code /} are class-path
   *     resources
   */
  public Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("encoder_file", encoderFile);
    if (encoderDelta != null) {
      files.put("encoder_delta.file", encoderDelta.file());
    }
    files.put("tokenizer_file", tokenizerFile);
    if (pairHeadFile != null) {
      files.put("pair_head_file", pairHeadFile);
    }
    if (verifier != null) {
      files.put("verifier.file", verifier.file());
      if (verifier.delta() != null) {
        files.put("verifier.delta.file", verifier.delta().file());
      }
    }
    return Collections.unmodifiableMap(files);
  }

  /**
   * Returns a copy with a pair head.
   *
   * @param file the pair head file, relative to the model directory
   * @param threshold its calibrated probability threshold, in [0, 1]
   * @return the changed metadata
   */
  public ModelMetadata withPairHead(String file, double threshold) {
    return toBuilder().pairHead(Objects.requireNonNull(file, "file"), threshold).build();
  }

  /**
   * Returns a copy with another similarity threshold.
   *
   * @param threshold the calibrated threshold
   * @return the changed metadata
   */
  public ModelMetadata withSimilarityThreshold(double threshold) {
    return toBuilder().similarityThreshold(threshold).build();
  }

  /**
   * Returns a copy with other provenance facts.
   *
   * @param facts free-form facts (strings, numbers, booleans, lists and maps of them)
   * @return the changed metadata
   */
  public ModelMetadata withProvenance(Map<String, Object> facts) {
    return toBuilder().provenance(facts).build();
  }

  /**
   * Returns a copy with the metrics of one data set added (replacing any of the same name).
   *
   * @param dataset the data set's name, e.g. {@code quora-dev}
   * @param values metric name to value
   * @return the changed metadata
   */
  public ModelMetadata withMetrics(String dataset, Map<String, Double> values) {
    return toBuilder().metrics(dataset, values).build();
  }

  /**
   * Reads and validates a {@code qsim-model.json} file.
   *
   * @param file the metadata file
   * @return the metadata
   * @throws ModelLoadException naming the file and what is missing or invalid
   */
  public static ModelMetadata read(Path file) {
    return ModelMetadataJson.read(file);
  }

  /**
   * Parses metadata from JSON text.
   *
   * @param reader the JSON
   * @param source the file or resource name, for error messages
   * @return the metadata
   * @throws ModelLoadException naming {@code source} and what is missing or invalid
   */
  public static ModelMetadata parse(Reader reader, String source) {
    return ModelMetadataJson.parse(reader, source);
  }

  /**
   * This metadata as pretty-printed JSON.
   *
   * @return the text of a {@code qsim-model.json} file
   */
  public String toJson() {
    return ModelMetadataJson.toJson(this);
  }

  /**
   * Writes this metadata as a {@code qsim-model.json} file (use {@link ModelDirectoryWriter} to
   * write a whole model directory atomically).
   *
   * @param file the file to write
   * @throws UncheckedIOException if the file cannot be written
   */
  public void write(Path file) {
    ModelMetadataJson.write(this, file);
  }
}
