package dev.qsim.cli;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SearchMode;
import dev.qsim.duplicates.GroupLines;
import dev.qsim.io.AtomicFiles;
import dev.qsim.io.TextProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qsim dedupe}. Not thread-safe: one instance per invocation. */
@Command(
    name = "dedupe",
    mixinStandardHelpOptions = true,
    description = {
      "Finds groups of duplicate questions in a file with one question per line (UTF-8).",
      "Candidate pairs (similarity >= the candidate threshold) are verified by the model's"
          + " duplicate decision (its pair head, or the similarity threshold); groups never chain:"
          + " every member is a duplicate of the representative and of each other member.",
      "Writes one JSON object per group to the output (JSON Lines), for example:",
      // The example is one JSON line, shown on three so that picocli does not cut it mid-token.
      "  {\"group\":1,\"size\":2,\"representative\":3,\"questions\":[{\"line\":3,\"text\":\"...\"},",
      "   {\"line\":9,\"text\":\"...\",\"similarity\":0.91,\"score\":0.93}],",
      "   \"pairs\":[{\"a\":3,\"b\":9,\"similarity\":0.91,\"score\":0.93}]}",
      "Line numbers are the input's 1-based lines; each member but the representative carries"
          + " its similarity and decision score with the representative. Blank lines are skipped"
          + " and counted. Lines with the same text (invisible characters at the ends and runs of"
          + " them inside aside) are embedded once and always share a group.",
      "A summary goes to standard error."
    })
final class DedupeCommand implements Callable<Integer> {
  /** Lists at least this long get a progress bar. */
  static final int PROGRESS_MIN_QUESTIONS = 2_000;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "Questions, one per line.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE.jsonl",
      description = "Where to write the duplicate groups (replaced atomically).")
  Path output;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description =
          "Decision score a pair must reach (the pair head's probability, or the similarity"
              + " with --no-pair-head). Default: the model's calibrated threshold.")
  Double threshold;

  @Option(
      names = "--candidate-threshold",
      paramLabel = "S",
      description =
          "Similarity a candidate pair must reach before it is verified. Default: the model's"
              + " calibrated candidate threshold.")
  Double candidateThreshold;

  @Option(
      names = "--search",
      paramLabel = "MODE",
      description =
          "How candidates are found: exact (every pair), approximate (clustered) or auto"
              + " (exact up to "
              + DuplicateOptions.AUTO_EXACT_LIMIT
              + " questions). Default: ${DEFAULT-VALUE}.")
  String search = "auto";

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description =
          "Candidates kept per question, from 1 to "
              + DuplicateOptions.MAX_TOP_K
              + " (more than the questions less one is the same as that). Default:"
              + " ${DEFAULT-VALUE}.")
  int topK = DuplicateOptions.DEFAULT_TOP_K;

  @Option(
      names = "--max-pairs",
      paramLabel = "N",
      description =
          "Most verified pairs kept, the highest-scoring; the summary says how many were"
              + " dropped. Default: no cap (there are at most --top-k per question).")
  Integer maxPairs;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Mixin ModelOptions model;

  @ParentCommand QsimCli parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    DuplicateOptions options = options();
    PrintWriter err = spec.commandLine().getErr();
    AtomicFiles.checkNotInput(output, input, "output");
    QuestionFile read = QuestionFile.read(input);
    AtomicFiles.checkWritable(output, "output");
    QuestionFile file;
    Duplicates found;
    try (QuestionSimilarity sim = model.open(parent.models())) {
      checkCandidateThreshold(sim);
      file = read.readable(sim);
      err.printf(
          Locale.ROOT,
          "Read %,d questions from %s (%,d lines, %,d blank lines skipped, %,d unreadable lines"
              + " skipped)%n",
          file.questions().size(),
          input,
          file.totalLines(),
          file.blankLines(),
          file.unreadableLines());
      err.flush();
      found = find(sim, file, options, err);
    }

    Duplicates result = found;
    QuestionFile kept = file;
    AtomicFiles.writeText(output, "output", writer -> writeGroups(writer, kept, result));

    long inGroups = result.groups().stream().mapToLong(g -> g.members().size()).sum();
    err.printf(
        Locale.ROOT,
        "Verified %,d of %,d candidate pairs (similarity >= %.4f) with the %s decision"
            + " (score >= %.4f): %,d groups (%,d questions)%n",
        result.verified(),
        result.candidates(),
        result.candidateThreshold(),
        decisionName(result.decision()),
        result.threshold(),
        result.groups().size(),
        inGroups);
    if (maxPairs == null) {
      err.printf(
          Locale.ROOT,
          "Kept all %,d verified pairs (no --max-pairs cap), dropped %,d%n",
          result.pairs().size(),
          result.dropped());
    } else {
      err.printf(
          Locale.ROOT,
          "Kept %,d of the %,d verified pairs (--max-pairs %d), dropped %,d%n",
          result.pairs().size(),
          result.verified(),
          maxPairs,
          result.dropped());
    }
    err.printf(Locale.ROOT, "Wrote %,d groups to %s%n", result.groups().size(), output);
    err.flush();
    return 0;
  }

  private Duplicates find(
      QuestionSimilarity sim, QuestionFile file, DuplicateOptions options, PrintWriter err) {
    TextProgress progress =
        new TextProgress(err, !noProgress && file.questions().size() >= PROGRESS_MIN_QUESTIONS);
    try {
      if (file.questions().size() < 2) {
        return Duplicates.none(
            file.questions().size(),
            sim.decision(),
            options.threshold().orElse(sim.duplicateThreshold()),
            options.candidateThreshold().orElse(sim.candidateThreshold()));
      }
      return sim.findDuplicates(file.questions(), options, progress);
    } finally {
      progress.finish();
    }
  }

  /** Refuses a --candidate-threshold outside the range of the model's similarity function. */
  private void checkCandidateThreshold(QuestionSimilarity sim) {
    if (candidateThreshold != null && !sim.similarityFunction().inRange(candidateThreshold)) {
      throw new ParameterException(
          spec.commandLine(),
          "--candidate-threshold must be in "
              + sim.similarityFunction().range()
              + ", the range of the model's "
              + sim.similarityFunction().id()
              + " similarity; was "
              + candidateThreshold);
    }
  }

  private DuplicateOptions options() {
    if (topK < 1) {
      throw new ParameterException(spec.commandLine(), "--top-k must be >= 1, was " + topK);
    }
    if (topK > DuplicateOptions.MAX_TOP_K) {
      throw new ParameterException(
          spec.commandLine(),
          String.format(
              Locale.ROOT,
              "--top-k must be at most %,d (candidates kept per question), was %d",
              DuplicateOptions.MAX_TOP_K,
              topK));
    }
    if (maxPairs != null && maxPairs < 1) {
      throw new ParameterException(spec.commandLine(), "--max-pairs must be >= 1, was " + maxPairs);
    }
    DuplicateOptions options =
        DuplicateOptions.defaults()
            .withTopKPerQuestion(topK)
            .withMaxPairs(maxPairs == null ? DuplicateOptions.DEFAULT_MAX_PAIRS : maxPairs);
    if (threshold != null) {
      if (!Double.isFinite(threshold)) {
        throw new ParameterException(
            spec.commandLine(), "--threshold must be a finite number, was " + threshold);
      }
      options = options.withThreshold(threshold);
    }
    if (candidateThreshold != null) {
      if (!Double.isFinite(candidateThreshold)) {
        throw new ParameterException(
            spec.commandLine(),
            "--candidate-threshold must be a finite number, was " + candidateThreshold);
      }
      options = options.withCandidateThreshold(candidateThreshold);
    }
    try {
      options = options.withSearch(SearchMode.valueOf(search.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--search must be exact, approximate or auto, was '" + search + "'");
    }
    return options;
  }

  private static String decisionName(DuplicateDecision decision) {
    return switch (decision) {
      case PAIR_HEAD -> "pair head";
      case SIMILARITY -> "similarity";
      default -> decision.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  /** One JSON object per group, in the order the model returned them (largest first). */
  static void writeGroups(Writer writer, QuestionFile file, Duplicates duplicates)
      throws IOException {
    GroupLines.write(writer, duplicates.groups(), file::lineOf, file.questions()::get);
  }
}
