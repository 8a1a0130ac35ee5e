package dev.qsim.training.minilm;

import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.onnx.BundledModel;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bi-encoder model a verifier is added to: a model directory, or a bundled model ({@link
 * BundledModel}; by default the plain base, {@code OnnxQuestionSimilarity.BASE_MODEL}; its metadata
 * and pair head from qsim-impl's class path, its encoder and tokenizer from the LangChain4j carrier
 * jar). {@link #copyInto} copies its encoder, tokenizer and pair head into a new model directory
 * and returns its metadata (thresholds included) as a builder, so that retrieval and the earlier
 * decisions stay exactly those of the base model.
 *
 * <p>Immutable and thread-safe.
 */
final class BaseModelFiles {
  private final Path directory;
  private final BundledModel bundled;
  private final ClassLoader loader;
  private final ModelMetadata metadata;

  private BaseModelFiles(
      Path directory, BundledModel bundled, ClassLoader loader, ModelMetadata metadata) {
    this.directory = directory;
    this.bundled = bundled;
    this.loader = loader;
    this.metadata = metadata;
  }

  /**
   * A model directory, or (when {@code directory == null}) a bundled model ({@code null}: the plain
   * base).
   */
  static BaseModelFiles of(BundledModel bundled, Path directory) {
    if (directory != null) {
      return new BaseModelFiles(
          directory, null, null, ModelMetadata.read(directory.resolve(ModelMetadata.FILE_NAME)));
    }
    BundledModel named = bundled == null ? BundledModel.BASE : bundled;
    return new BaseModelFiles(null, named, BaseModelFiles.class.getClassLoader(), named.metadata());
  }

  /** Where the base model comes from, for provenance. */
  String describe() {
    return directory != null
        ? directory.toAbsolutePath().toString()
        : "bundled " + bundled.id() + " (classpath:" + bundled.resource() + ")";
  }

  ModelMetadata metadata() {
    return metadata;
  }

  /**
   * Copies the base model's encoder ({@code model.onnx}), tokenizer ({@code tokenizer.json}) and
   * pair head ({@code pair-head.json}) into {@code target}.
   *
   * @return the base's metadata for these files (no verifier, metrics or provenance of its own; the
   *     base's provenance and metrics are kept under {@code base_model_*})
   */
  ModelMetadataBuilder copyInto(Path target) throws IOException {
    ModelMetadata m = metadata;
    if (m.encoderDelta() != null) {
      // Stored as the bundled encoder plus changed weights: the loader rebuilds the network.
      try (OnnxQuestionSimilarity model =
          directory == null
              ? OnnxQuestionSimilarity.builder()
                  .setBundledModel(bundled.id())
                  .optPairHead(false)
                  .optVerifier(false)
                  .build()
              : OnnxQuestionSimilarity.builder()
                  .setModelDirectory(directory)
                  .optPairHead(false)
                  .optVerifier(false)
                  .build()) {
        model.writeEncoder(target.resolve("model.onnx"));
        model.writeTokenizer(target.resolve("tokenizer.json"));
      }
    } else {
      copy(m.encoderFile(), target.resolve("model.onnx"));
      copy(m.tokenizerFile(), target.resolve("tokenizer.json"));
    }
    ModelMetadataBuilder b =
        ModelMetadata.builder()
            .name(m.name())
            .output(m.output())
            .pooling(m.pooling())
            .normalize(m.normalize())
            .dimension(m.dimension())
            .maxSequenceLength(m.maxSequenceLength())
            .similarityFunction(m.similarityFunction())
            .similarityThreshold(m.similarityThreshold())
            .candidateThreshold(m.candidateThreshold())
            .precision(m.precision());
    if (m.pairHeadFile() != null) {
      copy(m.pairHeadFile(), target.resolve("pair-head.json"));
      b.pairHead("pair-head.json", m.pairHeadThreshold());
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("base_model", describe());
    provenance.put("base_model_provenance", m.provenance());
    provenance.put("base_model_metrics", m.metrics());
    return b.provenance(provenance);
  }

  private void copy(String file, Path target) throws IOException {
    if (directory != null) {
      Path source = directory.resolve(file);
      if (!Files.isRegularFile(source)) {
        throw new ModelLoadException("base model file " + source + " is missing");
      }
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    String resource = file.startsWith("/") ? file.substring(1) : bundled.resource() + "/" + file;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ModelLoadException("class path resource " + resource + " is missing");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
