package dev.qsim.langchain4j;

import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real Quora question pairs from {@code quora/dev.tsv} of the shared data, read with qsim's own
 * reader (PTB tokenisation undone): a seeded sample spread over the whole file, and the questions
 * that the file pairs with both a duplicate and a non-duplicate.
 */
final class QuoraDev {
  /** How many pairs {@link #sample()} holds. */
  static final int SAMPLE_SIZE = 200;

  private static final long SEED = 21L;
  private static PairDataset all;

  private QuoraDev() {}

  /** A query with one question the file labels its duplicate and one it labels not. */
  record Contrast(String query, String duplicate, String nonDuplicate) {}

  static synchronized PairDataset all() {
    if (all == null) {
      Path dir = Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
      all = PairReader.read(dir.resolve("quora/dev.tsv"), PairFormat.BIMPM);
    }
    return all;
  }

  /** {@value #SAMPLE_SIZE} pairs drawn uniformly with a fixed seed, in file order. */
  static List<LabelledPair> sample() {
    return all().sample(SAMPLE_SIZE, SEED).pairs();
  }

  /** A duplicate pair of the file (its third row): the stored question and its paraphrase. */
  static final String STORED = "How can I stop my depression?";

  static final String PARAPHRASE = "What can I do to stop being depressed?";

  /**
   * The questions a test stores: the first question of each {@link #sample()} pair, once each, and
   * {@link #STORED}.
   */
  static List<String> storedQuestions() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (LabelledPair p : sample()) {
      out.add(p.first());
    }
    out.add(STORED);
    return List.copyOf(out);
  }

  /** Every question of the file with both a labelled duplicate and a labelled non-duplicate. */
  static List<Contrast> contrasts() {
    Map<String, String> duplicateOf = new HashMap<>();
    Map<String, String> nonDuplicateOf = new LinkedHashMap<>();
    for (LabelledPair p : all().pairs()) {
      Map<String, String> into = p.isDuplicate() ? duplicateOf : nonDuplicateOf;
      into.putIfAbsent(p.first(), p.second());
      into.putIfAbsent(p.second(), p.first());
    }
    List<Contrast> out = new ArrayList<>();
    nonDuplicateOf.forEach(
        (q, unlike) -> {
          String dup = duplicateOf.get(q);
          if (dup != null && !dup.equals(unlike)) {
            out.add(new Contrast(q, dup, unlike));
          }
        });
    return out;
  }
}
