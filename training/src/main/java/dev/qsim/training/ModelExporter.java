package dev.qsim.training;

import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trained model as the directory {@code qsim-impl} loads (docs/model-format.md): {@code
 * model.onnx} from {@link TrainableEncoder#exportOnnx}, {@code tokenizer.json}, {@code
 * qsim-model.json} with the calibrated thresholds, provenance and metrics, and {@code
 * pair-head.json} when a head was trained. The directory is built under a temporary sibling and
 * renamed into place; an existing target is never overwritten, and a failure leaves nothing behind.
 *
 * <p>Not thread-safe (a builder); the export itself reads the encoder's parameters.
 */
public final class ModelExporter {
  /** The pair head's file name inside a model directory. */
  public static final String PAIR_HEAD_FILE = "pair-head.json";

  private final TrainableEncoder encoder;
  private final QuestionTokenizer tokenizer;
  private String name = "qsim-trained";
  private double similarityThreshold = Double.NaN;
  private PairHead head;
  private double headThreshold = Double.NaN;
  private double candidateThreshold = Double.NaN;
  private double verifierThreshold = Double.NaN;
  private String verifierCalibration;
  private final Map<String, Object> provenance = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();

  private ModelExporter(TrainableEncoder encoder, QuestionTokenizer tokenizer) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
  }

  /**
   * Starts the export of a training run's model, as {@code qsim-train} writes it: a run that
   * diverged, or whose calibrated decision cannot tell the classes apart, is refused here (nothing
   * is written); else the exporter takes the trainer's encoder and tokenizer (its max length
   * becomes the model's), the run's calibrated similarity threshold, the trainer's pair head with
   * its threshold and candidate threshold, and, for a cross-encoder, the verifier's threshold.
   *
   * @param trainer the trainer that ran
   * @param result what its {@link SiameseTrainer#train} returned
   * @return a new exporter
   * @throws TrainingException naming what makes the model unusable
   */
  public static ModelExporter of(SiameseTrainer trainer, TrainingResult result) {
    ExportChecks.requireUsable(result);
    ModelExporter exporter =
        new ModelExporter(trainer.encoder(), trainer.tokenizer())
            .similarityThreshold(result.similarityThreshold());
    if (trainer.head() != null) {
      exporter
          .pairHead(trainer.head(), result.headThreshold())
          .candidateThreshold(result.candidateThreshold());
    }
    if (trainer.encoder().readsPairs()) {
      exporter.verifier(result.headThreshold(), verifierCalibration("the calibration pairs"));
    }
    return exporter;
  }

  /**
   * Says which pairs a run's thresholds were calibrated on, for the verifier's record in the
   * metadata (default: "the calibration pairs"; a model without a verifier records no such text).
   *
   * @param data e.g. the calibration file's path
   * @return this exporter
   */
  public ModelExporter calibratedOn(String data) {
    if (verifierCalibration != null) {
      verifierCalibration = verifierCalibration(Objects.requireNonNull(data, "data"));
    }
    return this;
  }

  private static String verifierCalibration(String data) {
    return "midpoint threshold with the best balanced accuracy of the verifier's probability (each"
        + " pair read in one fixed order) on "
        + data;
  }

  /** An export of an encoder as it is, without a run's checks (for tests of the writer). */
  static ModelExporter of(TrainableEncoder encoder, QuestionTokenizer tokenizer) {
    return new ModelExporter(encoder, tokenizer);
  }

  /**
   * Sets the model's human name.
   *
   * @param value e.g. {@code quora-bilstm}
   * @return this exporter
   */
  public ModelExporter name(String value) {
    this.name = Objects.requireNonNull(value, "name");
    return this;
  }

  /**
   * Sets the calibrated cosine-similarity threshold (required).
   *
   * @param value finite
   * @return this exporter
   */
  public ModelExporter similarityThreshold(double value) {
    this.similarityThreshold = value;
    return this;
  }

  /**
   * Sets the calibrated candidate threshold ({@code candidate_threshold}; NaN, the default: not
   * recorded).
   *
   * @param value at most the similarity threshold
   * @return this exporter
   */
  public ModelExporter candidateThreshold(double value) {
    this.candidateThreshold = value;
    return this;
  }

  /**
   * Adds a trained pair head and its calibrated probability threshold.
   *
   * @param value the head
   * @param threshold in [0, 1]
   * @return this exporter
   */
  public ModelExporter pairHead(PairHead value, double threshold) {
    this.head = Objects.requireNonNull(value, "pairHead");
    this.headThreshold = threshold;
    return this;
  }

  /**
   * Sets the calibrated threshold of a cross-encoder's verifier (required when the encoder {@link
   * TrainableEncoder#readsPairs() reads pairs}; its file is {@link
   * TrainableEncoder#verifierFile()}).
   *
   * @param threshold in [0, 1], on the verifier's probability
   * @param calibration how the threshold was obtained, recorded beside it
   * @return this exporter
   */
  public ModelExporter verifier(double threshold, String calibration) {
    this.verifierThreshold = threshold;
    this.verifierCalibration = calibration;
    return this;
  }

  /**
   * Adds provenance facts (settings, data, command, date).
   *
   * @param facts JSON-friendly values
   * @return this exporter
   */
  public ModelExporter provenance(Map<String, ?> facts) {
    provenance.putAll(facts);
    return this;
  }

  /**
   * Adds the metrics of one data set (e.g. {@code quora-dev}); non-numeric values are skipped.
   *
   * @param dataset the data set's name
   * @param values metric name to value
   * @return this exporter
   */
  public ModelExporter metrics(String dataset, Map<String, ?> values) {
    Map<String, Double> numbers = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v instanceof Number && Double.isFinite(((Number) v).doubleValue())) {
            numbers.put(k, ((Number) v).doubleValue());
          }
        });
    metrics.put(dataset, numbers);
    return this;
  }

  /**
   * Writes the model directory.
   *
   * @param target the directory to create; must not exist
   * @return the absolute path of the written directory
   * @throws dev.qsim.QsimException if the target exists or writing fails (nothing is left at the
   *     target)
   */
  public Path export(Path target) {
    boolean verifier = encoder.readsPairs();
    if (verifier && !(verifierThreshold >= 0 && verifierThreshold <= 1)) {
      throw new IllegalStateException(
          "verifier(threshold, calibration) must be set to a threshold in [0, 1] before export");
    }
    if (!verifier && !Double.isFinite(similarityThreshold)) {
      throw new IllegalStateException(
          "similarityThreshold must be set to a finite value before export");
    }
    return ModelDirectoryWriter.write(
        target,
        dir -> {
          ModelMetadataBuilder metadata = encoder.exportInto(dir, tokenizer).name(name);
          if (verifier) {
            // The base model's similarity, thresholds and pair head stay as they were.
            metadata.verifier(
                new ModelMetadata.Verifier(
                    encoder.verifierFile(),
                    verifierThreshold,
                    tokenizer.maxLength(),
                    verifierCalibration));
          } else {
            metadata
                .similarityFunction(SimilarityFunction.COSINE)
                .similarityThreshold(similarityThreshold)
                .candidateThreshold(candidateThreshold);
          }
          provenance.forEach(metadata::provenance);
          for (Map.Entry<String, Map<String, Double>> e : metrics.entrySet()) {
            metadata.metrics(e.getKey(), e.getValue());
          }
          if (head != null) {
            head.write(dir.resolve(PAIR_HEAD_FILE));
            metadata.pairHead(PAIR_HEAD_FILE, headThreshold);
          }
          return metadata.build();
        });
  }
}
