package dev.qsim.onnx;

import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelChecksums;
import dev.qsim.model.ModelMetadata;
import dev.qsim.quantize.EncoderDeltas;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Where a model's files come from: a directory on disk, or a folder of class-path resources. In
 * both, a file name that starts with {@code /} is a class-path resource (such as the bundled
 * encoder in its carrier jar, which a directory holding only an {@code encoder_delta} builds on).
 */
abstract class ModelSource {

  /** The directory or resource folder, for messages. */
  abstract String describe();

  /** Opens one of the model's files by the name the metadata gives. */
  abstract InputStream open(String file) throws IOException;

  /** The file on disk, if this source is a directory; {@code null} for class-path models. */
  abstract Path path(String file);

  /** Reads and validates {@code qsim-model.json}. */
  abstract ModelMetadata readMetadata();

  /**
   * Class-path models whose files were verified in this process, by class loader: {@code
   * resource=sha256} entries. Resources in a jar do not change while the process runs, so they are
   * hashed once.
   */
  private static final Map<ClassLoader, Set<String>> VERIFIED_RESOURCES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The one way a model is read: {@code qsim-model.json}, then every file it records a checksum of
   * is hashed and compared ({@link ModelChecksums#verify}).
   *
   * @throws ModelLoadException naming the metadata or the damaged file
   */
  final ModelMetadata load() {
    ModelMetadata md = readMetadata();
    if (md.checksums().isEmpty()) {
      return md;
    }
    ClassLoader loader = classLoader();
    String key = describe() + "=" + md.checksums();
    if (loader != null && VERIFIED_RESOURCES.getOrDefault(loader, Set.of()).contains(key)) {
      return md;
    }
    ModelChecksums.verify(md, describe(), this::open);
    if (loader != null) {
      VERIFIED_RESOURCES
          .computeIfAbsent(loader, l -> Collections.synchronizedSet(new java.util.HashSet<>()))
          .add(key);
    }
    return md;
  }

  /** The class loader of a class-path source, whose verified files are remembered; else null. */
  ClassLoader classLoader() {
    return null;
  }

  /** {@code "sha256:"} and the SHA-256 of one of the model's files, in lower-case hex. */
  final String sha256(String file) {
    try (InputStream in = open(file)) {
      return ModelChecksums.sha256(in);
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot read " + describe() + "/" + file + " to fingerprint it: " + e.getMessage(), e);
    }
  }

  /**
   * The encoder's ONNX bytes with the metadata's {@code encoder_delta} applied.
   *
   * @throws ModelLoadException if a file is missing or the delta does not fit its base
   */
  final byte[] encoderWithDelta(ModelMetadata md) {
    ModelMetadata.EncoderDelta delta =
        Objects.requireNonNull(md.encoderDelta(), "the metadata has no encoder_delta");
    return EncoderDeltas.apply(
        readAll(md.encoderFile()),
        readAll(delta.file()),
        delta.baseSha256(),
        describe(md.encoderFile()),
        describe(delta.file()));
  }

  /**
   * The verifier's ONNX bytes rebuilt from its base encoder and {@code verifier.delta}.
   *
   * @throws ModelLoadException if a file is missing or the delta does not fit its base
   */
  final byte[] verifierWithDelta(ModelMetadata.Verifier verifier) {
    ModelMetadata.EncoderDelta delta = verifier.delta();
    return dev.qsim.quantize.VerifierGraph.rebuild(
        readAll(verifier.file()),
        readAll(delta.file()),
        delta.baseSha256(),
        describe(verifier.file()),
        describe(delta.file()));
  }

  private byte[] readAll(String file) {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + describe(file) + ": " + e.getMessage(), e);
    }
  }

  /** One of the model's files, for messages. */
  final String describe(String file) {
    return file.startsWith("/") ? "classpath:" + file.substring(1) : describe() + "/" + file;
  }

  /** Opens a class-path resource named by a file name that starts with {@code /}. */
  static InputStream openResource(ClassLoader loader, String file, String model) {
    String name = file.substring(1);
    InputStream in = loader.getResourceAsStream(name);
    if (in == null) {
      throw new ModelLoadException(
          "Model resource missing on the class path: " + name + " (model " + model + ")");
    }
    return in;
  }

  static ModelSource directory(Path dir) {
    return new DirectorySource(dir);
  }

  static ModelSource classpath(ClassLoader loader, String prefix) {
    return new ClasspathSource(loader, prefix);
  }

  private static final class DirectorySource extends ModelSource {
    private final Path dir;

    DirectorySource(Path dir) {
      this.dir = dir.toAbsolutePath().normalize();
      if (!Files.exists(this.dir)) {
        throw new ModelLoadException("Model directory not found: " + this.dir);
      }
      if (!Files.isDirectory(this.dir)) {
        throw new ModelLoadException("Not a model directory (it is a file): " + this.dir);
      }
    }

    @Override
    String describe() {
      return dir.toString();
    }

    @Override
    Path path(String file) {
      if (file.startsWith("/")) {
        return null;
      }
      Path resolved = dir.resolve(file).normalize();
      if (!resolved.startsWith(dir)) {
        throw new ModelLoadException(
            "Model file '"
                + file
                + "' named in "
                + dir.resolve(ModelMetadata.FILE_NAME)
                + " lies outside "
                + dir);
      }
      if (!Files.isRegularFile(resolved)) {
        throw new ModelLoadException(
            "Model file missing: " + resolved + " (named in " + ModelMetadata.FILE_NAME + ")");
      }
      return resolved;
    }

    @Override
    InputStream open(String file) throws IOException {
      if (file.startsWith("/")) {
        return openResource(ModelSource.class.getClassLoader(), file, describe());
      }
      return Files.newInputStream(path(file));
    }

    @Override
    ModelMetadata readMetadata() {
      Path file = dir.resolve(ModelMetadata.FILE_NAME);
      if (!Files.isRegularFile(file)) {
        throw new ModelLoadException(
            "Not a qsim model directory: " + ModelMetadata.FILE_NAME + " is missing in " + dir);
      }
      return ModelMetadata.read(file);
    }
  }

  private static final class ClasspathSource extends ModelSource {
    private final ClassLoader loader;
    private final String prefix;

    ClasspathSource(ClassLoader loader, String prefix) {
      this.loader = Objects.requireNonNull(loader, "loader");
      String p = Objects.requireNonNull(prefix, "resourcePrefix").trim();
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      this.prefix = p;
    }

    private String resource(String file) {
      if (file.startsWith("/")) {
        return file.substring(1);
      }
      return prefix.isEmpty() ? file : prefix + "/" + file;
    }

    @Override
    String describe() {
      return "classpath:" + prefix;
    }

    @Override
    ClassLoader classLoader() {
      return loader;
    }

    @Override
    Path path(String file) {
      return null;
    }

    @Override
    InputStream open(String file) throws IOException {
      return openResource(loader, "/" + resource(file), describe());
    }

    @Override
    ModelMetadata readMetadata() {
      String name = resource(ModelMetadata.FILE_NAME);
      InputStream in = loader.getResourceAsStream(name);
      if (in == null) {
        throw new ModelLoadException(
            "Not a qsim model on the class path: resource " + name + " not found");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return ModelMetadata.parse(reader, "classpath:" + name);
      } catch (IOException e) {
        throw new ModelLoadException("Cannot read classpath:" + name + ": " + e.getMessage(), e);
      }
    }
  }
}
