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
          "Also write word-order pairs: per question with an asymmetric relation (\"from X to"
              + " Y\", \"X better than Y\", \"can X beat Y\", \"convert X to Y\", \"prefer X over"
              + " Y\"), the question and the same with X and Y swapped, and the swapped question"
              + " against each labelled duplicate of the question, labelled not duplicate; per"
              + " question with \"between X and Y\", the question and the same with X and Y"
              + " swapped, labelled duplicate (order-free).")
  boolean addWordOrder;

  @Option(
      names = "--word-order-check",
      description =
          "Write a word-order check instead of the pairs: each question with an asymmetric"
              + " relation against its swapped copy (label 0), the labelled duplicates of those"
              + " questions (label 1) as the unswapped control, and each question with \"between"
              + " X and Y\" against its order-free reordering (label 1).")
  boolean wordOrderCheck;

  @Spec CommandSpec spec;

  private static final java.util.regex.Pattern LINE_BREAK_OR_TAB =
      java.util.regex.Pattern.compile("[\\t\\n\\r\\u000B\\f\\u0085\\u2028\\u2029]+");

  @Override
  public Integer call() {
    if (data.selection(spec.commandLine()).graded()) {
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
      if (addWordOrder) {
        List<LabelledPair> against = swappedAgainstDuplicates(dataset.pairs());
        pairs.addAll(against);
        added.add(
            String.format(
                Locale.ROOT, "%,d swapped questions against a duplicate", against.size()));
      }
      List<LabelledPair> orderFree = orderFree(dataset.pairs());
      pairs.addAll(orderFree);
      added.add(String.format(Locale.ROOT, "%,d order-free reorderings", orderFree.size()));
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
        data.selection(spec.commandLine()).describe(),
        added.isEmpty() ? "" : "; " + String.join(", ", added),
        out);
    stdout.flush();
    return 0;
  }

  /**
   * Per labelled duplicate A~B, the swapped A against B and A against the swapped B: the order
   * matters even against a paraphrase.
   */
  private static List<LabelledPair> swappedAgainstDuplicates(List<LabelledPair> pairs) {
    List<LabelledPair> out = new ArrayList<>();
    for (LabelledPair p : pairs) {
      if (p.label() != 1) {
        continue;
      }
      String source = "word order against a duplicate, " + p.location();
      WordOrderSwaps.swap(p.first())
          .ifPresent(s -> out.add(new LabelledPair(s, p.second(), 0, source, 0)));
      WordOrderSwaps.swap(p.second())
          .ifPresent(s -> out.add(new LabelledPair(p.first(), s, 0, source, 0)));
    }
    return out;
  }

  /** One order-free reordering per distinct question, labelled duplicate. */
  private static List<LabelledPair> orderFree(List<LabelledPair> pairs) {
    return perQuestion(pairs, WordOrderSwaps::symmetricSwap, 1, "order-free reordering of ");
  }

  /** One word-order negative per distinct question, in the order the questions first appear. */
  private static List<LabelledPair> swaps(List<LabelledPair> pairs) {
    return perQuestion(pairs, WordOrderSwaps::swap, 0, "word order of ");
  }

  /**
   * Per distinct question, in the order the questions first appear, the question against its
   * rewrite, where there is one, with {@code label}.
   */
  private static List<LabelledPair> perQuestion(
      List<LabelledPair> pairs,
      java.util.function.Function<String, java.util.Optional<String>> rewrite,
      int label,
      String what) {
    Set<String> seen = new HashSet<>();
    List<LabelledPair> out = new ArrayList<>();
    for (LabelledPair p : pairs) {
      for (String q : new String[] {p.first(), p.second()}) {
        if (seen.add(q)) {
          rewrite
              .apply(q)
              .ifPresent(s -> out.add(new LabelledPair(q, s, label, what + p.location(), 0)));
        }
      }
    }
    return out;
  }
}
