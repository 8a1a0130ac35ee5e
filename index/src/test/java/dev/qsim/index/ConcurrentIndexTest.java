package dev.qsim.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.IndexMatch;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentIndexTest {
  private static final int BATCHES = 12;
  private static final int BATCH = 8;

  @Test
  void searchesRunDuringAddsAndSeeEachAddOnceItReturns(@TempDir Path dir) throws Exception {
    OnnxQuestionSimilarity model = TestData.model();
    List<String> questions = TestData.devQuestions(BATCHES * BATCH);
    Map<String, String> byId = new HashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      byId.put("q" + i, questions.get(i));
    }
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger searches = new AtomicInteger();
    try (LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(dir.resolve("idx")).setModel(model).build()) {
      List<Thread> searchers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Random random = new Random(t);
        Thread searcher =
            new Thread(
                () -> {
                  try {
                    while (writing.get()) {
                      String query = questions.get(random.nextInt(questions.size()));
                      List<IndexMatch> found =
                          random.nextBoolean()
                              ? index.askedBefore(query, 3)
                              : index.nearest(query, 3);
                      for (IndexMatch m : found) {
                        // Every match is a question stored under its id, never a torn document.
                        assertThat(m.question()).isEqualTo(byId.get(m.id()));
                      }
                      searches.incrementAndGet();
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                },
                "index-searcher-" + t);
        searcher.start();
        searchers.add(searcher);
      }
      try {
        for (int b = 0; b < BATCHES; b++) {
          List<String> ids = TestData.ids("q", b * BATCH, BATCH);
          index.addAll(ids, questions.subList(b * BATCH, (b + 1) * BATCH));
          // Near-real-time: visible as soon as addAll returns.
          assertThat(index.size()).isEqualTo((b + 1) * BATCH);
          String last = ids.get(BATCH - 1);
          assertThat(index.nearest(byId.get(last), 1).get(0).id()).isEqualTo(last);
          if (b % 4 == 3) {
            index.commit();
          }
        }
      } finally {
        writing.set(false);
        for (Thread t : searchers) {
          t.join(TimeUnit.MINUTES.toMillis(2));
        }
      }
      assertThat(failures).isEmpty();
      assertThat(searches.get()).isPositive();
      assertThat(index.size()).isEqualTo(BATCHES * BATCH);
    }
  }

  @Test
  void closeWhileOtherThreadsSearchEndsThemWithIllegalStateOnly(@TempDir Path dir)
      throws Exception {
    OnnxQuestionSimilarity model = TestData.model();
    List<String> questions = TestData.devQuestions(40);
    LuceneQuestionIndex index =
        LuceneQuestionIndex.builder().setDirectory(dir.resolve("idx")).setModel(model).build();
    index.addAll(TestData.ids("q", 0, questions.size()), questions);
    int threads = 4;
    CountDownLatch searching = new CountDownLatch(threads);
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger closedSeen = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread thread =
          new Thread(
              () -> {
                Random random = new Random(seed);
                boolean counted = false;
                try {
                  while (true) {
                    String q = questions.get(random.nextInt(questions.size()));
                    assertThat(index.askedBefore(q, 2)).isNotEmpty();
                    assertThat(index.size()).isEqualTo(questions.size());
                    if (!counted) {
                      searching.countDown();
                      counted = true;
                    }
                  }
                } catch (IllegalStateException e) {
                  if (e.getMessage().contains("is closed")) {
                    closedSeen.incrementAndGet();
                  } else {
                    unexpected.add(e);
                  }
                } catch (Throwable e) {
                  unexpected.add(e);
                } finally {
                  if (!counted) {
                    searching.countDown();
                  }
                }
              },
              "index-closer-" + t);
      thread.start();
      all.add(thread);
    }
    assertThat(searching.await(2, TimeUnit.MINUTES)).isTrue();
    index.close();
    for (Thread t : all) {
      t.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(unexpected).isEmpty();
    assertThat(closedSeen.get()).isEqualTo(threads);
  }
}
