package dev.qsim.onnx;

import dev.qsim.QuestionPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of {@link CloseRaceTest}: {@code ROUNDS} times, loads the bundled model, lets 8
 * threads call it without pause, and closes it at a random moment while they are inside calls.
 * Every call must succeed or throw the closed-instance {@link IllegalStateException}, and the
 * native memory must be freed once the last call has returned. Prints {@code OK rounds=...
 * calls=...} and exits 0, or prints what went wrong and exits 1; a native crash ends it with a
 * signal's exit code.
 */
final class CloseRaceChild {
  private static final int THREADS = 8;

  private CloseRaceChild() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    List<String> questions = new ArrayList<>();
    for (String topic : List.of("Java", "cooking rice", "the stock market", "guitar", "Python")) {
      questions.add("How do I learn " + topic + "?");
      questions.add("What is the best way to get started with " + topic + "?");
      questions.add("Why is " + topic + " so hard for beginners like me to understand?");
    }
    AtomicLong calls = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    for (int round = 0; round < rounds; round++) {
      OnnxQuestionSimilarity qsim =
          OnnxQuestionSimilarity.builder()
              .setModelResource(
                  CloseRaceChild.class.getClassLoader(), OnnxQuestionSimilarity.BUNDLED_MODEL)
              .optThreads(2)
              .build();
      AtomicBoolean closeCalled = new AtomicBoolean();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(THREADS);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int worker = t;
        Thread thread =
            new Thread(
                () -> {
                  started.countDown();
                  for (int i = 0; ; i++) {
                    try {
                      call(qsim, questions, worker + i);
                      calls.incrementAndGet();
                    } catch (IllegalStateException e) {
                      if (!closeCalled.get() || !e.getMessage().contains("has been closed")) {
                        unexpected.compareAndSet(null, e);
                      }
                      refused.incrementAndGet();
                      return;
                    } catch (Throwable e) {
                      unexpected.compareAndSet(null, e);
                      return;
                    }
                  }
                },
                "close-race-" + round + "-" + t);
        threads.add(thread);
        thread.start();
      }
      started.await();
      Thread.sleep(random.nextInt(60));
      closeCalled.set(true);
      qsim.close();
      for (Thread thread : threads) {
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (thread.isAlive()) {
          fail("round " + round + ": " + thread.getName() + " still running 2 minutes after close");
        }
      }
      if (unexpected.get() != null) {
        System.out.println("FAIL round " + round + ": a call threw " + unexpected.get());
        unexpected.get().printStackTrace(System.out);
        System.exit(1);
      }
      if (!qsim.isReleased()) {
        fail("round " + round + ": native memory not released after the last call returned");
      }
    }
    System.out.println("OK rounds=" + rounds + " calls=" + calls + " refused=" + refused);
    System.exit(0);
  }

  private static void call(OnnxQuestionSimilarity qsim, List<String> questions, int i) {
    String a = questions.get(i % questions.size());
    String b = questions.get((i * 7 + 3) % questions.size());
    switch (i % 6) {
      case 0:
        check(qsim.similarity(a, b));
        break;
      case 1:
        qsim.embedAll(questions);
        break;
      case 2:
        for (double s : qsim.similarities(List.of(QuestionPair.of(a, b), QuestionPair.of(b, a)))) {
          check(s);
        }
        break;
      case 3:
        qsim.findDuplicates(questions);
        break;
      case 4:
        qsim.mostSimilar(a, questions, 3);
        break;
      default:
        qsim.isDuplicate(a, b);
        qsim.dimension();
    }
  }

  private static void check(double score) {
    if (Double.isNaN(score)) {
      throw new AssertionError("NaN score");
    }
  }

  private static void fail(String message) {
    System.out.println("FAIL " + message);
    System.exit(1);
  }
}
