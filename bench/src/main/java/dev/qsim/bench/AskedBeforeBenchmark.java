package dev.qsim.bench;

import dev.qsim.IndexMatch;
import dev.qsim.QsimException;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.index.LuceneQuestionIndex;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How often "has this been asked before?" answers with the right question, on real labelled Quora
 * dev pairs: a seeded sample of {@code --asked-queries} labelled duplicate pairs gives the queries
 * (each pair's first question, never stored); their partners and every other distinct text of the
 * dev file (the first {@code --asked-others}, default all) are stored in a {@link
 * LuceneQuestionIndex} (in a temporary folder, deleted afterwards). Each query asks {@code
 * askedBefore(q, 1)}; its answer is the top match if the model's decision calls it a duplicate, and
 * it is right when that is a labelled duplicate of the query. Reported: the share of queries
 * answered with a labelled duplicate ({@code top_match_right}), the share answered at all ({@code
 * answered}), and the share of answers that are labelled duplicates ({@code right_when_answered}; a
 * stored question may be an unlabelled duplicate, so this is a lower bound). {@code --model} picks
 * the bundled model ({@code default}, {@code cascade}, …) or a model directory.
 *
 * <p>Not thread-safe; one instance per run.
 */
final class AskedBeforeBenchmark {
  static final String NAME = "asked";

  private final int queries;
  private final int others;
  private final long seed;
  private final String model;

  AskedBeforeBenchmark(Options options) {
    this.queries = options.integer("asked-queries", 1000, 1);
    this.others = options.integer("asked-others", Integer.MAX_VALUE, 0);
    this.seed = options.integer("seed", 42, 0);
    this.model = options.string("model", "default");
  }

  void run(Path dataDir, Report report) {
    Path file = dataDir.resolve(Corpus.QUORA_DEV);
    List<LabelledPair> pairs =
        PairReader.read(file, PairFormat.BIMPM, ReadOptions.defaults()).pairs();
    Map<String, Set<String>> duplicatesOf = new HashMap<>();
    Set<String> texts = new LinkedHashSet<>();
    List<LabelledPair> duplicates = new ArrayList<>();
    for (LabelledPair p : pairs) {
      texts.add(p.first());
      texts.add(p.second());
      if (p.label() == 1 && !p.first().equals(p.second())) {
        duplicatesOf.computeIfAbsent(p.first(), k -> new HashSet<>()).add(p.second());
        duplicatesOf.computeIfAbsent(p.second(), k -> new HashSet<>()).add(p.first());
        duplicates.add(p);
      }
    }
    Collections.shuffle(duplicates, new Random(seed));
    // A query is never stored, and its partner always is: no query is another query's partner.
    Set<String> queried = new LinkedHashSet<>();
    Set<String> partners = new HashSet<>();
    for (LabelledPair p : duplicates) {
      if (queried.size() == queries) {
        break;
      }
      if (!queried.contains(p.first())
          && !partners.contains(p.first())
          && !queried.contains(p.second())) {
        queried.add(p.first());
        partners.add(p.second());
      }
    }
    List<String> asked = List.copyOf(queried);
    if (asked.size() < queries) {
      throw new QsimException(file + " has too few duplicate pairs for --asked-queries " + queries);
    }
    List<String> stored = new ArrayList<>(partners);
    Set<String> notOthers = new HashSet<>(queried);
    notOthers.addAll(partners);
    for (String t : texts) {
      if (stored.size() - partners.size() == others) {
        break;
      }
      if (!notOthers.contains(t)) {
        stored.add(t);
      }
    }
    List<String> ids = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      ids.add(Integer.toString(i));
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("qsim-asked-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary index folder", e);
    }
    int right = 0;
    int answered = 0;
    String decision;
    long start = System.nanoTime();
    try (OnnxQuestionSimilarity qsim = open(model);
        LuceneQuestionIndex index =
            LuceneQuestionIndex.builder().setDirectory(dir).setModel(qsim).build()) {
      decision = qsim.decision().toString();
      index.addAll(ids, stored);
      index.commit();
      List<List<IndexMatch>> found = index.askedBeforeAll(asked, 1);
      for (int q = 0; q < asked.size(); q++) {
        List<IndexMatch> top = found.get(q);
        if (!top.isEmpty() && top.get(0).duplicate()) {
          answered++;
          if (duplicatesOf.get(asked.get(q)).contains(top.get(0).question())) {
            right++;
          }
        }
      }
    } finally {
      deleteTree(dir);
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("model", model.replace(' ', '_'));
    f.put("decision", decision);
    f.put("queries", Integer.toString(asked.size()));
    f.put("stored", Integer.toString(stored.size()));
    f.put("top_match_right", (double) right / asked.size());
    f.put("answered", (double) answered / asked.size());
    f.put("right_when_answered", answered == 0 ? 0.0 : (double) right / answered);
    f.put("seconds", (System.nanoTime() - start) / 1e9);
    report.log(
        "asked: %d duplicate queries of %s against %d stored questions",
        asked.size(), file, stored.size());
    report.result(NAME, f);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the temporary index " + dir, e);
    }
  }

  private static OnnxQuestionSimilarity open(String model) {
    Path dir = Path.of(model);
    return Files.isDirectory(dir)
        ? OnnxQuestionSimilarity.builder().setModelDirectory(dir).build()
        : OnnxQuestionSimilarity.builder().setBundledModel(model).build();
  }
}
