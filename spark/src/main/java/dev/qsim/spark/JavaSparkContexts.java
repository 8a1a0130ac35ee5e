package dev.qsim.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;

/** The {@link JavaSparkContext} of a dataset's session. Stateless and thread-safe. */
final class JavaSparkContexts {
  private JavaSparkContexts() {}

  static JavaSparkContext of(Dataset<?> dataset) {
    return JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
  }
}
