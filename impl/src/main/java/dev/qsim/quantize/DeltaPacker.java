package dev.qsim.quantize;

import dev.qsim.ModelLoadException;
import dev.qsim.QsimException;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.ModelMetadataBuilder;
import dev.qsim.model.Precision;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a fine-tuned model directory as a class-path base encoder plus the weights training
 * changed ({@code qsim pack}; {@link EncoderDeltas} holds the format). The result is written
 * through {@link ModelDirectoryWriter}: whole or not at all, never over an existing directory.
 *
 * <pre>{@code
 * DeltaPacker.pack(Path.of("target/model"), loader, OnnxQuestionSimilarity.BASE_MODEL,
 *     EncoderDeltas.Encoding.INT8, Path.of("target/packed"));
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class DeltaPacker {
  /** The delta's file name in a packed directory. */
  public static final String DELTA_FILE = "encoder-delta.safetensors";

  /** The verifier's delta file name in a packed directory. */
  public static final String VERIFIER_DELTA_FILE = "verifier-delta.safetensors";

  private DeltaPacker() {}

  /**
   * Writes a model directory whose encoder is a class-path base encoder plus the weights in which
   * {@code source}'s encoder differs from it. The tokenizer is the base model's when it is the same
   * file (else it is copied); the pair head and verifier are copied; the metadata is {@code
   * source}'s, with {@code encoder_delta} and the facts of the delta under {@code
   * provenance.encoder_delta}.
   *
   * @param source a model directory whose encoder is a fine-tune of the base (same graph)
   * @param loader the class loader that holds the base model
   * @param baseModel the base model's resource folder, e.g. the bundled {@code
   *     dev/qsim/models/all-minilm-l6-v2}; its encoder and tokenizer must be class-path resources
   *     named from the root ({@code /...})
   * @param encoding how changed tensors are stored
   * @param target the directory to create; must not exist
   * @return the metadata written to {@code target}
   * @throws ModelLoadException if a model cannot be read
   * @throws QsimException if {@code source} is not the base graph with other weights, is already a
   *     delta or int8, or {@code target} exists or cannot be written
   */
  public static ModelMetadata pack(
      Path source,
      ClassLoader loader,
      String baseModel,
      EncoderDeltas.Encoding encoding,
      Path target) {
    Path dir = source.toAbsolutePath().normalize();
    ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE_NAME));
    if (md.encoderDelta() != null || md.precision() != Precision.FP32) {
      throw new QsimException(
          "Cannot pack "
              + dir
              + ": its encoder is already "
              + (md.encoderDelta() != null ? "a delta" : md.precision().id())
              + "; pack the fp32 directory that training wrote");
    }
    ModelMetadata base = baseMetadata(loader, baseModel);
    for (String file : new String[] {base.encoderFile(), base.tokenizerFile()}) {
      if (!file.startsWith("/")) {
        throw new QsimException(
            "The base model " + baseModel + " names '" + file + "', not a resource from the root");
      }
    }
    byte[] baseEncoder = resource(loader, base.encoderFile());
    byte[] tuned = file(dir, md.encoderFile());
    EncoderDeltas.Delta delta =
        EncoderDeltas.diff(
            baseEncoder,
            tuned,
            encoding,
            "classpath:" + base.encoderFile().substring(1),
            dir + "/" + md.encoderFile());
    byte[] tokenizer = file(dir, md.tokenizerFile());
    boolean sameTokenizer = Arrays.equals(tokenizer, resource(loader, base.tokenizerFile()));
    String deltaFile = DELTA_FILE;
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("base", base.name() + " (" + base.encoderFile() + ")");
    facts.put("source", dir.toString());
    facts.put("source_sha256", EncoderDeltas.sha256(tuned));
    facts.put("encoding", encoding.name().toLowerCase(Locale.ROOT));
    facts.put("changed_tensors", delta.changedTensors());
    facts.put("changed_values", delta.changedValues());
    facts.put("unchanged_tensors", delta.unchangedTensors());
    facts.put("max_abs_error", delta.maxError());
    ModelMetadataBuilder out =
        md.toBuilder()
            .encoderFile(base.encoderFile())
            .encoderDelta(new ModelMetadata.EncoderDelta(deltaFile, delta.baseSha256()))
            .tokenizerFile(sameTokenizer ? base.tokenizerFile() : "tokenizer.json")
            .provenance("encoder_delta", facts);
    ModelMetadata.Verifier verifier = md.verifier();
    EncoderDeltas.Delta verifierDelta = null;
    if (verifier != null) {
      if (verifier.delta() != null) {
        throw new QsimException(
            "Cannot pack " + dir + ": its verifier is already a delta; pack what training wrote");
      }
      byte[] skeleton =
          VerifierGraph.skeleton(baseEncoder, "classpath:" + base.encoderFile().substring(1));
      verifierDelta =
          EncoderDeltas.diff(
              skeleton,
              file(dir, verifier.file()),
              encoding,
              "the verifier skeleton of classpath:" + base.encoderFile().substring(1),
              dir + "/" + verifier.file());
      out.verifier(
          verifier.withDelta(
              base.encoderFile(),
              new ModelMetadata.EncoderDelta(VERIFIER_DELTA_FILE, verifierDelta.baseSha256())));
      Map<String, Object> verifierFacts = new LinkedHashMap<>();
      verifierFacts.put("base", "the verifier skeleton of " + base.encoderFile());
      verifierFacts.put("encoding", encoding.name().toLowerCase(Locale.ROOT));
      verifierFacts.put("changed_tensors", verifierDelta.changedTensors());
      verifierFacts.put("changed_values", verifierDelta.changedValues());
      verifierFacts.put("unchanged_tensors", verifierDelta.unchangedTensors());
      verifierFacts.put("max_abs_error", verifierDelta.maxError());
      out.provenance("verifier_delta", verifierFacts);
    }
    EncoderDeltas.Delta packedVerifier = verifierDelta;
    if (md.pairHeadFile() != null) {
      out.pairHead("pair-head.json", md.pairHeadThreshold());
    }
    ModelMetadata written = out.build();
    ModelDirectoryWriter.write(
        target,
        into -> {
          Files.write(into.resolve(deltaFile), delta.delta());
          if (!sameTokenizer) {
            Files.write(into.resolve("tokenizer.json"), tokenizer);
          }
          if (md.pairHeadFile() != null) {
            Files.write(into.resolve("pair-head.json"), file(dir, md.pairHeadFile()));
          }
          if (packedVerifier != null) {
            Files.write(into.resolve(VERIFIER_DELTA_FILE), packedVerifier.delta());
          }
          return written;
        });
    return written;
  }

  private static ModelMetadata baseMetadata(ClassLoader loader, String baseModel) {
    String prefix = baseModel.replaceAll("^/+", "").replaceAll("/+$", "");
    String name = "/" + prefix + "/" + ModelMetadata.FILE_NAME;
    try (Reader reader =
        new InputStreamReader(
            new ByteArrayInputStream(resource(loader, name)), StandardCharsets.UTF_8)) {
      return ModelMetadata.parse(reader, "classpath:" + name.substring(1));
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read classpath:" + name + ": " + e.getMessage(), e);
    }
  }

  private static byte[] resource(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name.substring(1))) {
      if (in == null) {
        throw new ModelLoadException(
            "Model resource missing on the class path: " + name.substring(1));
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read classpath:" + name + ": " + e.getMessage(), e);
    }
  }

  private static byte[] file(Path dir, String name) {
    Path file = dir.resolve(name).normalize();
    if (name.startsWith("/") || !file.startsWith(dir) || !Files.isRegularFile(file)) {
      throw new ModelLoadException(
          "Model file missing: " + file + " (named in " + ModelMetadata.FILE_NAME + ")");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
