package dev.qsim.examples;

/**
 * Runs the examples one after another: {@link SimilarityExample}, {@link MostSimilarExample} and
 * {@link FindDuplicatesExample}. This is the README's demo ({@code mvn -q -pl examples
 * exec:java@demo}).
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs every example.
   *
   * @param args optional: the path of the Quora dev file, for {@link FindDuplicatesExample}
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    System.out.println("== Similarity of question pairs ==");
    SimilarityExample.main(new String[0]);
    System.out.println();
    System.out.println("== FAQ matching ==");
    MostSimilarExample.main(new String[0]);
    System.out.println();
    System.out.println("== Duplicate groups in a list ==");
    FindDuplicatesExample.main(args);
  }
}
