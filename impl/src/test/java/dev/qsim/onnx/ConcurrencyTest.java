package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Eight threads making mixed calls on one shared instance get what one thread gets. */
class ConcurrencyTest {

  @Test
  void eightThreadsMatchOneThread() throws Exception {
    OnnxQuestionSimilarity qsim = SharedModel.get();
    List<TestData.Row> rows = TestData.quoraDev(48);
    List<String> questions = TestData.devQuestions(40);
    List<Embedding> expectedEmbeddings = qsim.embedAll(questions);
    double[] expectedSims = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      expectedSims[i] = qsim.similarity(rows.get(i).q1(), rows.get(i).q2());
    }
    var expectedTop = qsim.mostSimilar(questions.get(3), questions, 5);

    ExecutorService pool = Executors.newFixedThreadPool(8, r -> new Thread(r, "qsim-test-worker"));
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int worker = t;
        Callable<Boolean> job =
            () -> {
              for (int round = 0; round < 3; round++) {
                switch ((worker + round) % 3) {
                  case 0:
                    for (int i = worker; i < rows.size(); i += 8) {
                      double s = qsim.similarity(rows.get(i).q1(), rows.get(i).q2());
                      if (Math.abs(s - expectedSims[i]) > 1e-5) {
                        return false;
                      }
                    }
                    break;
                  case 1:
                    List<Embedding> e = qsim.embedAll(questions);
                    for (int i = 0; i < e.size(); i++) {
                      float[] a = e.get(i).vector();
                      float[] b = expectedEmbeddings.get(i).vector();
                      for (int k = 0; k < a.length; k++) {
                        if (Math.abs(a[k] - b[k]) > 1e-5) {
                          return false;
                        }
                      }
                    }
                    break;
                  default:
                    var top = qsim.mostSimilar(questions.get(3), questions, 5);
                    for (int i = 0; i < top.size(); i++) {
                      if (top.get(i).index() != expectedTop.get(i).index()) {
                        return false;
                      }
                    }
                }
              }
              return true;
            };
        results.add(pool.submit(job));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
