package dev.qsim.spark;

import dev.qsim.ModelLoadException;
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
 * Which model an executor loads and how: the model directory ({@code ""} for the bundled model),
 * the encoder's batch size and the batches one task runs side by side. Travels to executors inside
 * task closures; {@link ExecutorModels} keys its per-JVM models by it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param directory a model directory: an absolute path every node can read, or a relative name
 *     resolved against {@link SparkFiles} (shipped with {@code SparkContext.addFile(dir, true)})
 *     and then the executor's working directory (shipped with {@code --archives model.zip#NAME});
 *     {@code ""} for the bundled model
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

  boolean bundled() {
    return directory.isEmpty();
  }

  /** Loads the model in this JVM; {@link ExecutorModels} calls it once per spec. */
  OnnxQuestionSimilarity load() {
    OnnxQuestionSimilarity.Builder builder = OnnxQuestionSimilarity.builder();
    if (bundled()) {
      builder.setModelResource(
          OnnxQuestionSimilarity.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL);
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
    List<Path> tried = new ArrayList<>();
    if (given.isAbsolute()) {
      tried.add(given);
    } else {
      if (SparkEnv.get() != null) {
        tried.add(Path.of(SparkFiles.get(directory)));
      }
      tried.add(given.toAbsolutePath());
    }
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

  private static String host() {
    try {
      return "host " + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "this host";
    }
  }
}
