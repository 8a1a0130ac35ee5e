package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qsim pairs}. Not thread-safe: one instance per invocation. */
@Command(
    name = "pairs",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the labelled pairs that --part, --binarize and --limit select from a file, in the"
          + " bimpm layout (label<TAB>question1<TAB>question2<TAB>source:line) that qsim eval,"
          + " qsim calibrate and qsim-train read.",
      "Use it to hand one part of a shared file to a tool without keeping a copy of the data:"
          + " the selection is a rule, so the output can be recreated at any time."
    })
final class PairsCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The TSV file to write (replaced atomically).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (data.graded()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--format "
              + data.format.id()
              + " has graded scores; the bimpm layout needs 0/1 labels: add --binarize LOW,HIGH");
    }
    AtomicFiles.checkWritable(out, "pairs file");
    PrintWriter err = spec.commandLine().getErr();
    PairDataset dataset = data.read(spec.commandLine(), err);
    for (LabelledPair p : dataset.pairs()) {
      if (p.label() != 0 && p.label() != 1) {
        throw new QsimException(
            p.location() + ": label " + p.label() + " is not 0 or 1; the bimpm layout needs 0/1");
      }
      for (String q : new String[] {p.first(), p.second()}) {
        if (q.indexOf('\t') >= 0 || q.indexOf('\n') >= 0 || q.indexOf('\r') >= 0) {
          throw new QsimException(
              p.location()
                  + ": a question holds a tab or a line break, which the bimpm layout cannot"
                  + " carry");
        }
      }
    }
    AtomicFiles.writeText(
        out,
        "pairs file",
        writer -> {
          for (LabelledPair p : dataset.pairs()) {
            writer
                .append(p.label() == 1 ? "1" : "0")
                .append('\t')
                .append(p.first())
                .append('\t')
                .append(p.second())
                .append('\t')
                .append(p.location().replace('\t', ' '))
                .append('\n');
          }
        });
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(
        Locale.ROOT,
        "Wrote %,d pairs (%,d duplicates) from %s (%s%s) to %s%n",
        dataset.size(),
        dataset.duplicates(),
        data.data,
        data.format.id(),
        data.selection(),
        out);
    stdout.flush();
    return 0;
  }
}
