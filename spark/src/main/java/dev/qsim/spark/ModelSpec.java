package dev.qsim.spark;

import dev.qsim.ModelLoadException;
import dev.qsim.onnx.BundledModel;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Which model an executor loads and how: a bundled model's name or a model directory, the encoder's
 * batch size and the batches one task runs side by side. Travels to executors inside task closures;
 * {@link ExecutorModels} keys its per-JVM models by it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param directory a bundled model's name ({@code default}, {@code base}, {@code cascade}; {@code
 *     ""} is {@code default}) or a model directory: an absolute path every node can read, or a
 *     relative name resolved against {@link SparkFiles} (shipped with {@code
 *     SparkContext.addFile(dir, true)}) and then the executor's working directory (shipped with
 *     {@code --archives model.zip#NAME}). A bundled name means the bundled model unless a file or
 *     directory of that name is found in one of those places, which is refused as ambiguous ({@link
 *     BundledModel#forValue}; give {@code ./NAME} for the directory)
 * @param batchSize questions per encoder call, 1 to 1024
 * @param threadsPerTask encoder batches one task runs side by side, at least 1
 */
record ModelSpec(String directory, int batchSize, int threadsPerTask) implements Serializable {
  ModelSpec {
    if (directory == null) {
      throw new NullPointerException("directory");
    }
    if (batchSize < 1 || batchSize > 1024) {
      throw new IllegalArgumentException("batchSize must be in [1, 1024], was " + batchSize);
    }
    if (threadsPerTask < 1) {
      throw new IllegalArgumentException("threadsPerTask must be >= 1, was " + threadsPerTask);
    }
  }

  /**
   * The bundled model this spec names on this node, or {@code null} for a model directory.
   *
   * @throws ModelLoadException if the name is also a file or directory here, naming both
   */
  BundledModel bundledModel() {
    if (directory.isEmpty()) {
      return BundledModel.DEFAULT;
    }
    try {
      return BundledModel.forValue(directory, places(directory)).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Model '" + directory + "' on " + host() + ": " + e.getMessage());
    }
  }

  /** Loads the model in this JVM; {@link ExecutorModels} calls it once per spec. */
  OnnxQuestionSimilarity load() {
    OnnxQuestionSimilarity.Builder builder = OnnxQuestionSimilarity.builder();
    BundledModel bundled = bundledModel();
    if (bundled != null) {
      builder.setBundledModel(bundled.id());
    } else {
      builder.setModelDirectory(resolve(directory));
    }
    return builder.optBatchSize(batchSize).optThreads(threadsPerTask).build();
  }

  /**
   * Finds a model directory on this node.
   *
   * @throws ModelLoadException naming every place it looked, and the host
   */
  static Path resolve(String directory) {
    Path given = Path.of(directory);
    List<Path> tried = places(directory);
    for (Path p : tried) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new ModelLoadException(
        "Model directory not found on "
            + host()
            + ": "
            + (given.isAbsolute() ? given.toString() : "'" + directory + "', looked in " + tried)
            + ". Give a path that every node can read, or ship the directory with"
            + " SparkContext.addFile(dir, true) or spark-submit --archives model.zip#NAME");
  }

  /** Where a model directory of this name is looked for on this node, in order. */
  private static List<Path> places(String directory) {
    Path given = Path.of(directory);
    List<Path> tried = new ArrayList<>();
    if (given.isAbsolute()) {
      tried.add(given);
    } else {
      if (SparkEnv.get() != null) {
        tried.add(Path.of(SparkFiles.get(directory)));
      }
      tried.add(given.toAbsolutePath());
    }
    return tried;
  }

  private static String host() {
    try {
      return "host " + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "this host";
    }
  }
}
