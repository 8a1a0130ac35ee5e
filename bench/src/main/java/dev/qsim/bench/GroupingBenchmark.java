package dev.qsim.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qsim.DuplicateGroup;
import dev.qsim.Duplicates;
import dev.qsim.QsimException;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * How well duplicate groups separate duplicates from related non-duplicates, on real labelled Quora
 * dev pairs: {@code --pairs} labelled duplicate pairs and as many labelled non-duplicate pairs (a
 * seeded sample, no question used twice) make a list of {@code 4 × pairs} questions, written to
 * {@code --out DIR/questions.txt} in a seeded order. The list is de-duplicated — by {@code
 * findDuplicates} in this JVM with the SDK's defaults, or by reading the groups that {@code qsim
 * dedupe} wrote ({@code --groups FILE}, e.g. from an older qsim) — and two shares are reported: of
 * the duplicate pairs, how many ended in one group ({@code duplicates_grouped}), and of the
 * non-duplicate pairs, how many were merged into one group ({@code non_duplicates_merged}).
 *
 * <p>Not thread-safe; one instance per run.
 */
final class GroupingBenchmark {
  static final String NAME = "grouping";

  private final int pairs;
  private final long seed;
  private final String out;
  private final String groups;

  GroupingBenchmark(Options options) {
    this.pairs = options.integer("grouping-pairs", 500, 1);
    this.seed = options.integer("seed", 42, 0);
    this.out = options.string("out", null);
    this.groups = options.string("groups", null);
    if (out == null) {
      throw new IllegalArgumentException("grouping needs --out DIR (where questions.txt goes)");
    }
  }

  /** One labelled pair of the sample, by 1-based line of questions.txt. */
  record Sampled(int line1, int line2, boolean duplicate) {}

  void run(Path dataDir, Report report) {
    Path file = dataDir.resolve(Corpus.QUORA_DEV);
    List<LabelledPair> all =
        new ArrayList<>(PairReader.read(file, PairFormat.BIMPM, ReadOptions.defaults()).pairs());
    Collections.shuffle(all, new Random(seed));
    List<LabelledPair> chosen = new ArrayList<>();
    Set<String> used = new HashSet<>();
    int dup = 0;
    int non = 0;
    for (LabelledPair p : all) {
      boolean isDup = p.label() == 1;
      if ((isDup ? dup : non) >= pairs
          || used.contains(p.first())
          || used.contains(p.second())
          || p.first().equals(p.second())) {
        continue;
      }
      used.add(p.first());
      used.add(p.second());
      chosen.add(p);
      if (isDup) {
        dup++;
      } else {
        non++;
      }
    }
    if (dup < pairs || non < pairs) {
      throw new QsimException(file + " has too few pairs for --grouping-pairs " + pairs);
    }
    List<String> questions = new ArrayList<>(used);
    Collections.sort(questions);
    Collections.shuffle(questions, new Random(seed + 1));
    Map<String, Integer> lineOf = new HashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      lineOf.put(questions.get(i), i + 1);
    }
    List<Sampled> sample = new ArrayList<>();
    for (LabelledPair p : chosen) {
      sample.add(new Sampled(lineOf.get(p.first()), lineOf.get(p.second()), p.label() == 1));
    }
    Path dir = Path.of(out);
    Path questionsFile = dir.resolve("questions.txt");
    try {
      Files.createDirectories(dir);
      Files.write(questionsFile, questions, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + questionsFile, e);
    }
    report.log(
        "grouping: %d questions from %d duplicate and %d non-duplicate pairs of %s, written to %s",
        questions.size(), dup, non, file, questionsFile);

    Map<Integer, Integer> groupOfLine;
    String source;
    if (groups != null) {
      groupOfLine = readGroups(Path.of(groups));
      source = groups;
    } else {
      try (OnnxQuestionSimilarity qsim = OnnxQuestionSimilarity.bundled()) {
        Duplicates found = qsim.findDuplicates(questions);
        groupOfLine = new HashMap<>();
        int g = 0;
        for (DuplicateGroup group : found.groups()) {
          g++;
          for (int member : group.members()) {
            groupOfLine.put(member + 1, g);
          }
        }
        source = "findDuplicates, SDK defaults (" + found.decision() + ")";
      }
    }
    int grouped = 0;
    int merged = 0;
    for (Sampled s : sample) {
      Integer a = groupOfLine.get(s.line1());
      boolean together = a != null && a.equals(groupOfLine.get(s.line2()));
      if (together && s.duplicate()) {
        grouped++;
      } else if (together) {
        merged++;
      }
    }
    Map<String, String> f = new LinkedHashMap<>();
    f.put("questions", Integer.toString(questions.size()));
    f.put("duplicate_pairs", Integer.toString(dup));
    f.put("non_duplicate_pairs", Integer.toString(non));
    f.put("duplicates_grouped", Report.format((double) grouped / dup));
    f.put("non_duplicates_merged", Report.format((double) merged / non));
    f.put("groups", Long.toString(groupOfLine.values().stream().distinct().count()));
    f.put("source", source.replace(' ', '_'));
    report.log("grouping: %s", Report.resultLine(NAME, f));
  }

  /** Line number to group number, from {@code qsim dedupe}'s JSON Lines. */
  static Map<Integer, Integer> readGroups(Path file) {
    Map<Integer, Integer> out = new HashMap<>();
    try {
      int g = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        g++;
        JsonObject group = JsonParser.parseString(line).getAsJsonObject();
        for (JsonElement q : group.getAsJsonArray("questions")) {
          out.put(q.getAsJsonObject().get("line").getAsInt(), g);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new QsimException(file + " is not qsim dedupe output: " + e.getMessage(), e);
    }
    return out;
  }
}
