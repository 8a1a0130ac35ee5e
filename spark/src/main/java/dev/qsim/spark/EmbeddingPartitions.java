package dev.qsim.spark;

import dev.qsim.Embedding;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@link QuestionEmbedder}'s work on one partition: reads rows in chunks, embeds each chunk's
 * questions with one call to the executor's shared model, and appends the vector to each row.
 *
 * <p>Immutable; each call returns its own iterator, used by one task thread.
 */
final class EmbeddingPartitions implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ModelSpec spec;
  private final int column;
  private final String columnName;
  private final String invalid;
  private final int chunk;

  EmbeddingPartitions(ModelSpec spec, int column, String columnName, String invalid, int chunk) {
    this.spec = spec;
    this.column = column;
    this.columnName = columnName;
    this.invalid = invalid;
    this.chunk = chunk;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    long[] seen = {0};
    return Chunks.map(rows, chunk, read -> embed(read, seen));
  }

  /** The rows of one chunk with their vectors; {@code seen} counts the partition's rows read. */
  private List<Row> embed(List<Row> read, long[] seen) {
    // The SDK's text rules: null, blank (no visible character) and unreadable are invalid.
    QuestionSimilarity model = ExecutorModels.get(spec);
    Readability[] verdicts = ReadableRows.verdicts(model, read, column);
    List<Row> batch = new ArrayList<>(read.size());
    List<Boolean> valid = new ArrayList<>(read.size());
    List<String> questions = new ArrayList<>(read.size());
    for (int r = 0; r < read.size(); r++) {
      Row row = read.get(r);
      seen[0]++;
      Readability verdict = verdicts[r];
      if (verdict != Readability.READABLE) {
        if (invalid.equals("skip")) {
          continue;
        }
        if (invalid.equals("error")) {
          throw new IllegalArgumentException(
              (verdict == null ? "Null" : verdict == Readability.BLANK ? "Blank" : "Unreadable")
                  + " question in column '"
                  + columnName
                  + "' (row "
                  + seen[0]
                  + " of partition "
                  + partition()
                  + "); set handleInvalid to 'skip' or 'keep' to allow it");
        }
      } else {
        questions.add(row.getString(column));
      }
      batch.add(row);
      valid.add(verdict == Readability.READABLE);
    }
    List<Embedding> vectors = questions.isEmpty() ? List.of() : model.embedAll(questions);
    List<Row> out = new ArrayList<>(batch.size());
    int v = 0;
    for (int b = 0; b < batch.size(); b++) {
      Row row = batch.get(b);
      Object[] values = new Object[row.length() + 1];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      values[row.length()] = valid.get(b) ? Vectors.dense(toDoubles(vectors.get(v++))) : null;
      out.add(RowFactory.create(values));
    }
    return out;
  }

  static double[] toDoubles(Embedding e) {
    float[] f = e.vector();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static String partition() {
    TaskContext context = TaskContext.get();
    return context == null ? "?" : Integer.toString(context.partitionId());
  }
}
