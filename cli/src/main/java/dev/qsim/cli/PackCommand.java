package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.quantize.DeltaPacker;
import dev.qsim.quantize.EncoderDeltas;
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

/** {@code qsim pack --model DIR --out DIR}. Not thread-safe: one instance per invocation. */
@Command(
    name = "pack",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a compact copy of a fine-tuned model directory: instead of a full model.onnx, it"
          + " holds only the weights that training changed (encoder-delta.safetensors) and"
          + " builds on the bundled all-MiniLM-L6-v2 encoder when it is loaded.",
      "Load the copy with --model; see docs/model-format.md (encoder_delta)."
    })
final class PackCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "The fp32 model directory to pack; its encoder must be a fine-tune of the"
              + " bundled one (the same graph with other weights).")
  Path model;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "The model directory to create; must not exist.")
  Path out;

  @Option(
      names = "--encoding",
      paramLabel = "E",
      defaultValue = "int8",
      description =
          "How changed tensors are stored: int8 (differences from the base, one scale"
              + " per row; default) or fp32 (exact new values, four times the size).")
  String encoding;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    EncoderDeltas.Encoding e =
        switch (encoding.toLowerCase(Locale.ROOT)) {
          case "int8" -> EncoderDeltas.Encoding.INT8;
          case "fp32" -> EncoderDeltas.Encoding.FP32;
          default ->
              throw new QsimException("--encoding must be int8 or fp32, was '" + encoding + "'");
        };
    if (Files.exists(out)) {
      throw new QsimException("--out " + out + " already exists; give a new directory");
    }
    ModelMetadata md =
        DeltaPacker.pack(
            model,
            OnnxQuestionSimilarity.class.getClassLoader(),
            OnnxQuestionSimilarity.BASE_MODEL,
            e,
            out);
    Map<?, ?> facts = md.provenance().get("encoder_delta") instanceof Map<?, ?> m ? m : Map.of();
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        Locale.ROOT,
        "Wrote %s (%s): %s changed tensors (%s weights) in %s, %s unchanged; %,d bytes;"
            + " largest weight error %s%n",
        out,
        md.name(),
        facts.get("changed_tensors"),
        facts.get("changed_values"),
        facts.get("encoding"),
        facts.get("unchanged_tensors"),
        size(out.resolve(md.encoderDelta().file())),
        facts.get("max_abs_error"));
    w.flush();
    return 0;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
