package dev.qsim.onnx;

import dev.qsim.ModelLoadException;
import dev.qsim.model.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** Where a model's files come from: a directory on disk, or a folder of class-path resources. */
abstract class ModelSource {

  /** The directory or resource folder, for messages. */
  abstract String describe();

  /** Opens one of the model's files by the name the metadata gives. */
  abstract InputStream open(String file) throws IOException;

  /** The file on disk, if this source is a directory; {@code null} for class-path models. */
  abstract Path path(String file);

  /** Reads and validates {@code qsim-model.json}. */
  abstract ModelMetadata readMetadata();

  /** {@code "sha256:"} and the SHA-256 of one of the model's files, in lower-case hex. */
  final String sha256(String file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256 (every Java 17 JVM must)", e);
    }
    try (InputStream in = open(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot read " + describe() + "/" + file + " to fingerprint it: " + e.getMessage(), e);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
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
    Path path(String file) {
      return null;
    }

    @Override
    InputStream open(String file) throws IOException {
      String name = resource(file);
      InputStream in = loader.getResourceAsStream(name);
      if (in == null) {
        throw new ModelLoadException(
            "Model resource missing on the class path: " + name + " (model " + describe() + ")");
      }
      return in;
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
