package dev.qsim.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The chunked work of a partition: reads the source a chunk at a time, hands each chunk to one call
 * (of the executor's shared model, typically) and yields what it returns, lazily, so a partition
 * never sits in memory whole.
 *
 * <p>Stateless; each returned iterator is used by one task thread.
 */
final class Chunks {
  private Chunks() {}

  /**
   * The outputs of {@code work} over the chunks of {@code source}, in order.
   *
   * @param source the partition's rows
   * @param size the most rows per chunk, at least 1
   * @param work turns a chunk (never empty) into zero or more outputs
   * @return a lazy iterator over all outputs
   */
  static <T, R> Iterator<R> map(Iterator<T> source, int size, Function<List<T>, List<R>> work) {
    if (size < 1) {
      throw new IllegalArgumentException("chunk size must be >= 1, was " + size);
    }
    return new Iterator<>() {
      private List<R> out = List.of();
      private int next;

      @Override
      public boolean hasNext() {
        while (next == out.size() && source.hasNext()) {
          List<T> chunk = new ArrayList<>(size);
          while (chunk.size() < size && source.hasNext()) {
            chunk.add(source.next());
          }
          out = work.apply(chunk);
          next = 0;
        }
        return next < out.size();
      }

      @Override
      public R next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }
}
