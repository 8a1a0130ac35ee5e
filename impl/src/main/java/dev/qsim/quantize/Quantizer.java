package dev.qsim.quantize;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes an int8 model directory from an fp32 one: the encoder's matrix products with constant
 * weights ({@code MatMul}, {@code Gemm}, {@code LSTM}) are rewritten to ONNX Runtime's integer
 * kernels ({@code MatMulInteger} on activations quantised per token, so that a question's result
 * does not depend on the other questions of a call; {@code com.microsoft} {@code
 * DynamicQuantizeLSTM}) with int8 weights and one scale per output column; everything else
 * (embeddings, attention scores, normalisation, convolutions) stays fp32. The tokenizer and pair
 * head are copied unchanged, and the metadata records {@code "precision": "int8"}.
 *
 * <pre>{@code
 * Quantizer.quantize(Path.of("my-model"), Path.of("my-model-int8"));
 * }</pre>
 *
 * <p>The target is written through {@link ModelDirectoryWriter}: it appears whole or not at all,
 * and an existing directory is never overwritten.
 *
 * <p>Stateless and thread-safe.
 */
public final class Quantizer {

  private Quantizer() {}

  /** Opens a model file by the name its metadata gives. */
  @FunctionalInterface
  private interface ModelFiles {
    InputStream open(String name) throws IOException;
  }

  /**
   * Quantises the model directory {@code source} into the new directory {@code target}.
   *
   * @param source an fp32 qsim model directory
   * @param target the directory to create; must not exist
   * @return the metadata written to {@code target}
   * @throws ModelLoadException if {@code source} is not a readable model directory
   * @throws QsimException if the model is already int8, has nothing to quantise, is not an ONNX
   *     graph this quantiser understands, or {@code target} exists or cannot be written
   */
  public static ModelMetadata quantize(Path source, Path target) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Path dir = source.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new ModelLoadException("Model directory not found: " + dir);
    }
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    return quantize(
        md,
        dir.toString(),
        name -> {
          if (name.startsWith("/")) {
            return resource(Quantizer.class.getClassLoader(), name.substring(1));
          }
          Path file = dir.resolve(name).normalize();
          if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            throw new ModelLoadException(
                "Model file missing: " + file + " (named in " + ModelMetadata.FILE_NAME + ")");
          }
          return Files.newInputStream(file);
        },
        target);
  }

  /**
   * Quantises a class-path model (such as the bundled one, {@code
   * OnnxQuestionSimilarity.BUNDLED_MODEL}) into the new directory {@code target}. File names in its
   * metadata that start with {@code /} are resolved from the class loader's root.
   *
   * @param loader the class loader that holds the resources
   * @param resourcePrefix the resource folder holding {@code qsim-model.json}
   * @param target the directory to create; must not exist
   * @return the metadata written to {@code target}
   * @throws ModelLoadException if a resource is missing
   * @throws QsimException as {@link #quantize(Path, Path)}
   */
  public static ModelMetadata quantize(ClassLoader loader, String resourcePrefix, Path target) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(target, "target");
    String prefix = Objects.requireNonNull(resourcePrefix, "resourcePrefix").trim();
    prefix = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
    String folder = prefix.isEmpty() ? "" : prefix + "/";
    ModelFiles files =
        name -> {
          return resource(loader, name.startsWith("/") ? name.substring(1) : folder + name);
        };
    ModelMetadata md;
    try (Reader reader =
        new InputStreamReader(files.open(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8)) {
      md = ModelMetadata.parse(reader, "classpath:" + folder + ModelMetadata.FILE_NAME);
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read classpath:" + folder + ": " + e.getMessage(), e);
    }
    return quantize(md, "classpath:" + prefix, files, target);
  }

  private static ModelMetadata quantize(
      ModelMetadata md, String source, ModelFiles files, Path target) {
    if (md.precision() != Precision.FP32) {
      throw new QsimException(
          "Cannot quantise "
              + source
              + ": its "
              + ModelMetadata.FILE_NAME
              + " says precision "
              + md.precision().id()
              + "; only fp32 models can be quantised");
    }
    String encoderName = source + "/" + md.encoderFile();
    byte[] encoder = read(files, md.encoderFile(), encoderName);
    if (md.encoderDelta() != null) {
      String deltaName = source + "/" + md.encoderDelta().file();
      encoder =
          EncoderDeltas.apply(
              encoder,
              read(files, md.encoderDelta().file(), deltaName),
              md.encoderDelta().baseSha256(),
              encoderName,
              deltaName);
    }
    Int8Rewriter.Result result = Int8Rewriter.rewrite(encoder, encoderName);
    String encoderFile = baseName(md.encoderFile());
    String tokenizerFile = baseName(md.tokenizerFile());
    String pairHeadFile = md.pairHeadFile() == null ? null : baseName(md.pairHeadFile());
    byte[] tokenizer = read(files, md.tokenizerFile(), source + "/" + md.tokenizerFile());
    byte[] pairHead =
        pairHeadFile == null
            ? null
            : read(files, md.pairHeadFile(), source + "/" + md.pairHeadFile());
    ModelMetadata.Verifier verifierSpec = md.verifier();
    byte[] verifier = null;
    if (verifierSpec != null) {
      String verifierName = source + "/" + verifierSpec.file();
      byte[] whole = read(files, verifierSpec.file(), verifierName);
      if (verifierSpec.delta() != null) {
        String deltaName = source + "/" + verifierSpec.delta().file();
        whole =
            VerifierGraph.rebuild(
                whole,
                read(files, verifierSpec.delta().file(), deltaName),
                verifierSpec.delta().baseSha256(),
                verifierName,
                deltaName);
      }
      verifier = Int8Rewriter.rewrite(whole, verifierName).model();
      verifierSpec =
          new ModelMetadata.Verifier(
              verifierSpec.delta() != null ? "verifier.onnx" : baseName(verifierSpec.file()),
              verifierSpec.threshold(),
              verifierSpec.maxSequenceLength(),
              verifierSpec.thresholdCalibration(),
              null,
              verifierSpec.cascade());
    }
    byte[] verifierBytes = verifier;
    String verifierFile = verifierSpec == null ? null : verifierSpec.file();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("source", source);
    facts.put(
        "method",
        "qsim Quantizer: MatMul/Gemm -> MatMulInteger on activations quantised per row"
            + " (uint8, zero point 128, one scale per row), LSTM -> com.microsoft"
            + " DynamicQuantizeLSTM (activations quantised per call); int8 weights in [-"
            + Int8Rewriter.WEIGHT_MAX
            + ", "
            + Int8Rewriter.WEIGHT_MAX
            + "], one scale per output column");
    facts.put("matmul_nodes", result.matMuls());
    facts.put("lstm_nodes", result.lstms());
    facts.put("quantized_weights", result.weights());
    if (!result.leftFp32().isEmpty()) {
      facts.put("left_fp32", new LinkedHashMap<>(result.leftFp32()));
    }
    facts.put("metrics_note", "metrics were measured on the fp32 source");
    ModelMetadataBuilder out =
        md.toBuilder()
            .encoderFile(encoderFile)
            .encoderDelta(null)
            .tokenizerFile(tokenizerFile)
            .precision(Precision.INT8)
            .verifier(verifierSpec)
            .provenance("quantization", facts);
    if (pairHeadFile != null) {
      out.pairHead(pairHeadFile, md.pairHeadThreshold());
    }
    ModelMetadata written = out.build();
    ModelDirectoryWriter.write(
        target,
        dir -> {
          Files.write(dir.resolve(encoderFile), result.model());
          Files.write(dir.resolve(tokenizerFile), tokenizer);
          if (pairHead != null) {
            Files.write(dir.resolve(pairHeadFile), pairHead);
          }
          if (verifierBytes != null) {
            Files.write(dir.resolve(verifierFile), verifierBytes);
          }
          return written;
        });
    return written;
  }

  private static InputStream resource(ClassLoader loader, String resource) {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new ModelLoadException("Model resource missing on the class path: " + resource);
    }
    return in;
  }

  private static byte[] read(ModelFiles files, String name, String what) {
    try (InputStream in = files.open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  private static String baseName(String file) {
    String name = file.replace('\\', '/');
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
