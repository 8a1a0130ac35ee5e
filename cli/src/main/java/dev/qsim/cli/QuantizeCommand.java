package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.quantize.Quantizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qsim quantize --model DIR --out DIR}. Not thread-safe: one instance per invocation. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = {
      "Writes an int8 copy of a model directory: the encoder's matrix products with constant"
          + " weights run in int8, the rest stays fp32 (see docs/performance.md).",
      "The copy records \"precision\": \"int8\" in its qsim-model.json; load it with --model."
    })
final class QuantizeCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      paramLabel = "NAME|DIR",
      converter = ModelChoice.Converter.class,
      description = "The fp32 model to quantise. " + ModelChoice.HELP + " Default: default.")
  ModelChoice model;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "The int8 model directory to create; must not exist.")
  Path out;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (Files.exists(out)) {
      throw new QsimException("--out " + out + " already exists; give a new directory");
    }
    ModelMetadata md =
        model == null || model.bundled() != null
            ? Quantizer.quantize(
                OnnxQuestionSimilarity.class.getClassLoader(),
                (model == null ? ModelChoice.DEFAULT : model).bundled().resource(),
                out)
            : Quantizer.quantize(model.directory(), out);
    PrintWriter w = spec.commandLine().getOut();
    Object facts = md.provenance().get("quantization");
    Map<?, ?> q = facts instanceof Map ? (Map<?, ?>) facts : Map.of();
    w.printf(
        Locale.ROOT,
        "Wrote %s (%s, precision %s): %s MatMul/Gemm and %s LSTM nodes in int8, %s weights%n",
        out,
        md.name(),
        md.precision().id(),
        number(q.get("matmul_nodes")),
        number(q.get("lstm_nodes")),
        number(q.get("quantized_weights")));
    w.flush();
    return 0;
  }

  private static String number(Object value) {
    return value instanceof Number
        ? String.format(Locale.ROOT, "%,d", ((Number) value).longValue())
        : "?";
  }
}
