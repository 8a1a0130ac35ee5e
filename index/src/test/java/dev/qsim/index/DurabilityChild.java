package dev.qsim.index;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link KillDurabilityTest} kills: adds batches of real questions to an index and
 * commits after each, printing {@code committed B} once batch {@code B}'s commit has returned,
 * until it is killed.
 *
 * <p>Arguments: the index directory and a prefix for the ids. Not thread-safe (a program).
 */
final class DurabilityChild {
  static final int BATCH = 8;

  private DurabilityChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    String prefix = args[1];
    List<String> questions = TestData.devQuestions(400);
    try (OnnxQuestionSimilarity model = OnnxQuestionSimilarity.bundled();
        LuceneQuestionIndex index =
            LuceneQuestionIndex.builder().setDirectory(dir).setModel(model).build()) {
      System.out.println("opened " + index.size());
      System.out.flush();
      for (int b = 0; ; b++) {
        int from = (b * BATCH) % (questions.size() - BATCH);
        index.addAll(ids(prefix, b), questions.subList(from, from + BATCH));
        index.commit();
        System.out.println("committed " + b);
        System.out.flush();
      }
    }
  }

  static List<String> ids(String prefix, int batch) {
    return TestData.ids(prefix + "-b" + batch + "-", 0, BATCH);
  }
}
