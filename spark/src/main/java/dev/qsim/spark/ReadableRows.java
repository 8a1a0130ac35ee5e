package dev.qsim.spark;

import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Keeps the rows of a partition whose question the model can read: the SDK's text rules ({@link
 * QuestionSimilarity#readability(List)}: not null, not blank, not unreadable), the rules {@code
 * qsim dedupe} and the API apply, judged by the executor's shared model in chunks.
 *
 * <p>Immutable; each call returns its own iterator, used by one task thread.
 */
final class ReadableRows implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;

  /** Rows judged per call of the model's tokenizer. */
  static final int CHUNK = 1024;

  private final ModelSpec spec;
  private final int column;

  ReadableRows(ModelSpec spec, int column) {
    this.spec = spec;
    this.column = column;
  }

  /**
   * The verdict for each row's question: {@code null} for a null question, else the model's.
   *
   * @param model the model whose tokenizer judges readability
   * @param rows the rows
   * @param column the question column's position
   * @return one verdict per row
   */
  static Readability[] verdicts(QuestionSimilarity model, List<Row> rows, int column) {
    List<String> texts = new ArrayList<>(rows.size());
    for (Row row : rows) {
      if (!row.isNullAt(column)) {
        texts.add(row.getString(column));
      }
    }
    List<Readability> judged = texts.isEmpty() ? List.of() : model.readability(texts);
    Readability[] out = new Readability[rows.size()];
    int t = 0;
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i).isNullAt(column) ? null : judged.get(t++);
    }
    return out;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return Chunks.map(
        rows,
        CHUNK,
        batch -> {
          Readability[] verdicts = verdicts(ExecutorModels.get(spec), batch, column);
          List<Row> out = new ArrayList<>(batch.size());
          for (int i = 0; i < verdicts.length; i++) {
            if (verdicts[i] == Readability.READABLE) {
              out.add(batch.get(i));
            }
          }
          return out;
        });
  }
}
