package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

  @Option(
      names = "--add-closure",
      description =
          "Also write the pairs the labels imply: A~B and B~C give A~C (duplicate), A~B and B!~C"
              + " give A!~C (not; at most 4 per labelled non-duplicate). Pairs already labelled"
              + " are not repeated.")
  boolean addClosure;

  @Option(
      names = "--add-word-order",
      description =
          "Also write one word-order negative per question that has an asymmetric relation"
              + " (\"from X to Y\", \"X better than Y\", \"can X beat Y\", \"convert X to Y\"):"
              + " the question and the same with X and Y swapped, labelled not duplicate.")
  boolean addWordOrder;

  @Option(
      names = "--word-order-check",
      description =
          "Write a word-order check instead of the pairs: each question with an asymmetric"
              + " relation against its swapped copy (label 0), and the labelled duplicates of"
              + " those questions (label 1) as the unswapped control.")
  boolean wordOrderCheck;

  @Spec CommandSpec spec;

  private static final java.util.regex.Pattern LINE_BREAK_OR_TAB =
      java.util.regex.Pattern.compile("[\\t\\n\\r\\u000B\\f\\u0085\\u2028\\u2029]+");

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
    if (wordOrderCheck && (addClosure || addWordOrder)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--word-order-check writes a check of its own: leave out --add-*");
    }
    List<LabelledPair> pairs = new ArrayList<>(wordOrderCheck ? List.of() : dataset.pairs());
    List<String> added = new ArrayList<>();
    if (addClosure) {
      DuplicateClosure.Result closure = DuplicateClosure.of(dataset.pairs(), 4);
      pairs.addAll(closure.duplicates());
      pairs.addAll(closure.nonDuplicates());
      added.add(
          String.format(
              Locale.ROOT,
              "%,d implied duplicates and %,d implied non-duplicates (%,d contradicting labels"
                  + " left alone)",
              closure.duplicates().size(),
              closure.nonDuplicates().size(),
              closure.conflicts()));
    }
    if (addWordOrder || wordOrderCheck) {
      List<LabelledPair> swaps = swaps(dataset.pairs());
      if (wordOrderCheck) {
        Set<String> swapped = new HashSet<>();
        for (LabelledPair p : swaps) {
          swapped.add(p.first());
        }
        for (LabelledPair p : dataset.pairs()) {
          if (p.label() == 1 && (swapped.contains(p.first()) || swapped.contains(p.second()))) {
            pairs.add(p);
          }
        }
        added.add(String.format(Locale.ROOT, "%,d unswapped duplicates", pairs.size()));
      }
      pairs.addAll(swaps);
      added.add(String.format(Locale.ROOT, "%,d word-order negatives", swaps.size()));
    }
    int flattened = 0;
    for (int i = 0; i < pairs.size(); i++) {
      LabelledPair p = pairs.get(i);
      if (p.label() != 0 && p.label() != 1) {
        throw new QsimException(
            p.location() + ": label " + p.label() + " is not 0 or 1; the bimpm layout needs 0/1");
      }
      String first = LINE_BREAK_OR_TAB.matcher(p.first()).replaceAll(" ");
      String second = LINE_BREAK_OR_TAB.matcher(p.second()).replaceAll(" ");
      if (!first.equals(p.first()) || !second.equals(p.second())) {
        // The bimpm layout cannot carry them; the tokenizer reads any whitespace as a space.
        pairs.set(i, new LabelledPair(first, second, p.label(), p.source(), p.line()));
        flattened++;
      }
    }
    if (flattened > 0) {
      added.add(
          String.format(
              Locale.ROOT, "%,d pairs with tabs or line breaks written with spaces", flattened));
    }
    AtomicFiles.writeText(
        out,
        "pairs file",
        writer -> {
          for (LabelledPair p : pairs) {
            writer
                .append(p.label() == 1 ? "1" : "0")
                .append('\t')
                .append(p.first())
                .append('\t')
                .append(p.second())
                .append('\t')
                .append((p.line() == 0 ? p.source() : p.location()).replace('\t', ' '))
                .append('\n');
          }
        });
    PrintWriter stdout = spec.commandLine().getOut();
    long duplicates = pairs.stream().filter(p -> p.label() == 1).count();
    stdout.printf(
        Locale.ROOT,
        "Wrote %,d pairs (%,d duplicates) from %s (%s%s%s) to %s%n",
        pairs.size(),
        duplicates,
        data.data,
        data.format.id(),
        data.selection(),
        added.isEmpty() ? "" : "; " + String.join(", ", added),
        out);
    stdout.flush();
    return 0;
  }

  /** One word-order negative per distinct question, in the order the questions first appear. */
  private static List<LabelledPair> swaps(List<LabelledPair> pairs) {
    Set<String> seen = new HashSet<>();
    List<LabelledPair> swaps = new ArrayList<>();
    for (LabelledPair p : pairs) {
      for (String q : new String[] {p.first(), p.second()}) {
        if (seen.add(q)) {
          WordOrderSwaps.swap(q)
              .ifPresent(
                  s -> swaps.add(new LabelledPair(q, s, 0, "word order of " + p.location(), 0)));
        }
      }
    }
    return swaps;
  }
}
