package dev.qsim.cli;

import dev.qsim.DuplicateDecision;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.BundledModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qsim models}: the bundled models, each with what its metadata says of it (its model card).
 * Not thread-safe: one instance per invocation.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the models bundled in qsim.jar, by the names --model takes (default, base, cascade):"
          + " each one's size, precision, duplicate decision, licence, training data and the"
          + " figures recorded in its qsim-model.json (metrics). docs/models.md has their cards."
    })
final class ModelsCommand implements Callable<Integer> {
  @Option(
      names = {"-v", "--verbose"},
      description = "Print the stack trace of an error.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    boolean first = true;
    for (BundledModel m : BundledModel.values()) {
      if (!first) {
        out.println();
      }
      first = false;
      print(out, m);
    }
    out.flush();
    return 0;
  }

  private static void print(PrintWriter out, BundledModel m) {
    ModelMetadata md = m.metadata();
    out.printf(Locale.ROOT, "%s: %s%n", m.id(), md.name());
    out.printf(Locale.ROOT, "  resource:      %s (--model %s)%n", m.resource(), m.id());
    long own = 0;
    long shared = 0;
    for (Map.Entry<String, Long> f : m.fileSizes().entrySet()) {
      if (f.getKey().startsWith(m.resource() + "/")) {
        own += f.getValue();
      } else {
        shared += f.getValue();
      }
    }
    out.printf(
        Locale.ROOT,
        "  size:          %s of its own files + %s shared with other models (encoder, tokenizer"
            + " or weights it builds on), %s read in all%n",
        megabytes(own),
        megabytes(shared),
        megabytes(own + shared));
    out.printf(Locale.ROOT, "  precision:     %s%n", md.precision().id());
    out.printf(Locale.ROOT, "  decision:      %s%n", decision(m.decision()));
    out.printf(
        Locale.ROOT, "  licence:       %s%n", md.licence() == null ? "not stated" : md.licence());
    out.println("  training data:" + (md.trainingData().isEmpty() ? " not stated" : ""));
    for (String data : md.trainingData()) {
      out.println("    - " + data);
    }
    out.println("  figures:" + (md.metrics().isEmpty() ? "       none recorded" : ""));
    for (Map.Entry<String, Map<String, Double>> e : md.metrics().entrySet()) {
      out.println("    - " + e.getKey() + ": " + figures(e.getValue()));
    }
  }

  private static String decision(DuplicateDecision d) {
    switch (d) {
      case CASCADE:
        return "cascade (the pair head; a cross-encoder verifier decides the pairs in its band)";
      case VERIFIER:
        return "cross-encoder verifier";
      case PAIR_HEAD:
        return "pair head (a classifier over both embeddings)";
      case SIMILARITY:
        return "cosine similarity and its threshold";
      default:
        return d.name();
    }
  }

  /** The headline figures of one data set: accuracy and average precision, and the pairs. */
  private static String figures(Map<String, Double> m) {
    StringBuilder s = new StringBuilder();
    append(s, m, "accuracy", "accuracy");
    append(s, m, "average_precision", "average precision");
    append(s, m, "similarity_accuracy", "cosine accuracy");
    append(s, m, "pearson", "Pearson");
    append(s, m, "spearman", "Spearman");
    if (m.get("pairs") != null) {
      s.append(String.format(Locale.ROOT, " (%,d pairs)", Math.round(m.get("pairs"))));
    }
    return s.length() == 0 ? String.join(", ", m.keySet()) : s.toString();
  }

  private static void append(StringBuilder s, Map<String, Double> m, String key, String label) {
    Double v = m.get(key);
    if (v != null) {
      s.append(s.length() == 0 ? "" : ", ")
          .append(label)
          .append(' ')
          .append(String.format(Locale.ROOT, "%.4f", v));
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
