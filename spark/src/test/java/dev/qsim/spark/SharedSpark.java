package dev.qsim.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One {@code local[2]} Spark session for all tests of this module (starting one takes seconds). It
 * runs in the test JVM, so the executors' {@link ExecutorModels} are this JVM's.
 */
final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("qsim-spark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop, "stop-test-spark"));
    }
    return session;
  }
}
