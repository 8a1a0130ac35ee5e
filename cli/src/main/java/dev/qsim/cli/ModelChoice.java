package dev.qsim.cli;

import dev.qsim.onnx.BundledModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The model a command runs on, as {@code --model} names it: one of the bundled models, or a model
 * directory. Immutable and thread-safe.
 *
 * @param bundled the bundled model, or {@code null} for a directory
 * @param directory the model directory, or {@code null} for a bundled model
 */
record ModelChoice(BundledModel bundled, Path directory) {
  /** The model without {@code --model}: the bundled default. */
  static final ModelChoice DEFAULT = new ModelChoice(BundledModel.DEFAULT, null);

  /** The help text of every {@code --model} that takes a name or a directory. */
  static final String HELP =
      "A bundled model (default, base or cascade; `qsim models` describes them) or a qsim model"
          + " directory (docs/model-format.md). A bundled name means the bundled model unless a"
          + " file or directory of that name exists in the working directory: then the value is"
          + " ambiguous and refused, naming both (write ./NAME for the directory).";

  ModelChoice {
    if ((bundled == null) == (directory == null)) {
      throw new IllegalArgumentException("exactly one of bundled and directory");
    }
  }

  /**
   * Reads an option value ({@link BundledModel#forValue}).
   *
   * @throws IllegalArgumentException if the value is ambiguous
   */
  static ModelChoice of(String value) {
    Objects.requireNonNull(value, "value");
    Path asPath = Path.of(value);
    return BundledModel.forValue(value, List.of(asPath))
        .map(m -> new ModelChoice(m, null))
        .orElseGet(() -> new ModelChoice(null, asPath));
  }

  /** For messages: {@code the bundled model base}, or the directory. */
  String describe() {
    return bundled != null ? "the bundled model " + bundled.id() : directory.toString();
  }

  /** Parses {@code --model} values; an ambiguous one is a usage error. Stateless. */
  static final class Converter implements ITypeConverter<ModelChoice> {
    @Override
    public ModelChoice convert(String value) {
      try {
        return of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
