package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelMetadata;
import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The models that ship inside qsim-impl, by the names the command line, {@code qsim-train}, the
 * Spark module and {@link OnnxQuestionSimilarity.Builder#setBundledModel(String)} accept: {@code
 * default}, {@code base} and {@code cascade}. docs/models.md has a card for each.
 *
 * <p><b>A name or a directory.</b> Where one value may be either ({@code --model default|DIR}),
 * {@link #forValue(String, List)} decides: a value that is exactly a bundled name means that
 * bundled model, unless a directory of that name exists where the value would be looked up as a
 * directory; then the value is ambiguous and refused, naming both (write {@code ./NAME} for the
 * directory). Any other value is a directory.
 *
 * <p>Thread-safe (an enum; its methods read class-path resources and hold no state).
 */
public enum BundledModel {
  /**
   * The shipped default ({@link OnnxQuestionSimilarity#BUNDLED_MODEL}, {@link
   * OnnxQuestionSimilarity#bundled()}): all-MiniLM-L6-v2 fine-tuned on Quora with a pair head.
   */
  DEFAULT("default", OnnxQuestionSimilarity.BUNDLED_MODEL),
  /**
   * The plain all-MiniLM-L6-v2 ({@link OnnxQuestionSimilarity#BASE_MODEL}): the published weights
   * and vectors, with a pair head trained over them.
   */
  BASE("base", OnnxQuestionSimilarity.BASE_MODEL),
  /**
   * The default plus a cross-encoder verifier that decides the pairs its pair head is unsure of
   * ({@link OnnxQuestionSimilarity#CASCADE_MODEL}).
   */
  CASCADE("cascade", OnnxQuestionSimilarity.CASCADE_MODEL);

  private final String id;
  private final String resource;

  BundledModel(String id, String resource) {
    this.id = id;
    this.resource = resource;
  }

  /**
   * The name users give, e.g. {@code base}.
   *
   * @return the name
   */
  public String id() {
    return id;
  }

  /**
   * The class-path folder of the model in qsim-impl, e.g. {@code dev/qsim/models/all-minilm-l6-v2}.
   *
   * @return the resource folder (no leading or trailing {@code /})
   */
  public String resource() {
    return resource;
  }

  /**
   * The bundled names, in the order of this enum, for messages and help texts.
   *
   * @return e.g. {@code "default, base, cascade"}
   */
  public static String names() {
    return Arrays.stream(values()).map(BundledModel::id).collect(Collectors.joining(", "));
  }

  /**
   * The bundled model of a name.
   *
   * @param name {@code default}, {@code base} or {@code cascade} (exactly, lower case)
   * @return the model
   * @throws IllegalArgumentException naming the unknown name and the known ones
   */
  public static BundledModel fromName(String name) {
    Objects.requireNonNull(name, "name");
    for (BundledModel m : values()) {
      if (m.id.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Unknown bundled model '" + name + "': the bundled models are " + names());
  }

  /**
   * Decides whether an option value that may be a bundled name or a model directory names a bundled
   * model (the rule in this class's description).
   *
   * @param value the option's value
   * @param directories the places where {@code value} would be found as a directory (for a
   *     command-line tool, {@code Path.of(value)})
   * @return the bundled model, or empty when {@code value} is a directory
   * @throws IllegalArgumentException if {@code value} is a bundled name and one of {@code
   *     directories} exists too, naming both
   */
  public static Optional<BundledModel> forValue(String value, List<Path> directories) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(directories, "directories");
    Optional<BundledModel> named =
        Arrays.stream(values()).filter(m -> m.id.equals(value)).findFirst();
    if (named.isEmpty()) {
      return named;
    }
    for (Path p : directories) {
      if (Files.exists(p)) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "'%s' is ambiguous: it names the bundled model %s and the %s %s; write ./%s for"
                    + " the directory, or rename it to use the bundled model",
                value,
                value,
                Files.isDirectory(p) ? "directory" : "file",
                p.toAbsolutePath().normalize(),
                value));
      }
    }
    return named;
  }

  /**
   * The model's {@code qsim-model.json}, read from the class path (its files are not checked;
   * {@link OnnxQuestionSimilarity.Builder#build()} checks them when the model is loaded).
   *
   * @return the metadata
   * @throws ModelLoadException if the resource is missing or invalid
   */
  public ModelMetadata metadata() {
    return ModelSource.classpath(loader(), resource).readMetadata();
  }

  /**
   * The decision a model loaded with every stage on makes: {@link DuplicateDecision#CASCADE} for a
   * pair head with a verifier and a band, else {@link DuplicateDecision#VERIFIER}, {@link
   * DuplicateDecision#PAIR_HEAD} or {@link DuplicateDecision#SIMILARITY}, as {@link
   * OnnxQuestionSimilarity#decision()} would report.
   *
   * @return the decision
   */
  public DuplicateDecision decision() {
    ModelMetadata md = metadata();
    return PairDecision.kindFor(
        md.pairHeadFile() != null,
        md.verifier() != null,
        md.verifier() != null && md.verifier().cascade() != null);
  }

  /**
   * The size of every file the model reads, uncompressed, by class-path resource name: its {@code
   * qsim-model.json} and each file its metadata names ({@link ModelMetadata#files()}), some of them
   * shared with other models (the carrier jar's encoder and tokenizer, the default's encoder delta
   * and pair head for the cascade): those are the names outside {@link #resource()}.
   *
   * @return resource name to bytes, metadata first
   * @throws ModelLoadException if a file is missing from the class path
   */
  public Map<String, Long> fileSizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    List<String> files = new java.util.ArrayList<>();
    files.add(ModelMetadata.FILE_NAME);
    files.addAll(metadata().files().values());
    for (String f : files) {
      String name = f.startsWith("/") ? f.substring(1) : resource + "/" + f;
      sizes.putIfAbsent(name, size(name));
    }
    return sizes;
  }

  private long size(String name) {
    URL url = loader().getResource(name);
    if (url == null) {
      throw new ModelLoadException(
          "Model resource missing on the class path: " + name + " (bundled model " + id + ")");
    }
    try {
      URLConnection c = url.openConnection();
      c.setUseCaches(false);
      long n = c.getContentLengthLong();
      if (n < 0) {
        try (var in = c.getInputStream()) {
          n = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      } else {
        c.getInputStream().close();
      }
      return n;
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read classpath:" + name + ": " + e.getMessage(), e);
    }
  }

  private static ClassLoader loader() {
    return BundledModel.class.getClassLoader();
  }
}
