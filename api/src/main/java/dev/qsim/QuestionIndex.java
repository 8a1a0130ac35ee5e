package dev.qsim;

import java.util.List;
import java.util.Optional;

/**
 * A persistent collection of questions that answers "has this been asked before?" as new questions
 * arrive, the way a forum, a help desk or an FAQ bot uses qsim.
 *
 * <p>Each question is stored under a caller's id with the embedding of the model the index was
 * built with. {@link #askedBeforeAll(List, int)} finds the nearest stored questions by vector and
 * verifies each with the model's duplicate decision, the same one as {@link
 * QuestionSimilarity#isDuplicate(String, String)}; {@link #nearestAll(List, int)} returns the
 * nearest stored questions without verifying them.
 *
 * <p><b>Visibility and durability.</b> What {@link #addAll(List, List)} and {@link #delete(String)}
 * change is visible to searches as soon as the call returns, and survives a crash of the process
 * (even {@code kill -9}) once {@link #commit()} has returned. Changes not yet committed are lost by
 * a crash; {@link #close()} commits them.
 *
 * <p><b>Thread safety.</b> Implementations are thread-safe: one instance serves any number of
 * threads that search, add and delete at the same time. {@link #close()} may be called while other
 * threads are inside a call: it waits for them, and later calls throw {@link
 * IllegalStateException}.
 */
public interface QuestionIndex extends AutoCloseable {
  /**
   * The largest {@code k} of a lookup: a lookup reads back and verifies up to about twice {@code k}
   * stored questions. A {@code k} above the number of stored questions returns them all.
   */
  int MAX_K = 10_000;

  /**
   * Adds questions, each under its id, replacing any question already stored under that id. The
   * questions are embedded in batches.
   *
   * @param ids the ids, one per question, distinct and none null or blank
   * @param questions the questions; none null or blank
   * @throws NullPointerException if a list or an element is null (naming the index)
   * @throws IllegalArgumentException if the lists differ in size, an element is blank or an id is
   *     repeated (naming the index)
   * @throws IllegalStateException if the index is closed or was opened read-only
   * @throws QsimException if the index cannot be written
   */
  void addAll(List<String> ids, List<String> questions);

  /**
   * Adds one question; see {@link #addAll(List, List)}.
   *
   * @param id the question's id
   * @param question the question
   */
  default void add(String id, String question) {
    addAll(List.of(checkId(id, "id")), List.of(TextRules.checkQuestion(question, "question")));
  }

  /**
   * Deletes the question stored under an id; nothing happens if there is none.
   *
   * @param id the id
   * @return {@code true} if a question was stored under {@code id}
   * @throws IllegalStateException if the index is closed or was opened read-only
   */
  boolean delete(String id);

  /**
   * Makes every change so far durable: after this returns, a crash cannot lose it.
   *
   * @throws IllegalStateException if the index is closed or was opened read-only
   * @throws QsimException if the commit fails
   */
  void commit();

  /**
   * For each query, the stored questions that may have asked the same thing: the nearest candidates
   * by vector (a few more than {@code k}), each at or above the model's {@link
   * QuestionSimilarity#candidateThreshold() candidate threshold} verified by the model's duplicate
   * decision, exactly the pairs and the decision of {@link
   * QuestionSimilarity#findDuplicates(List)}. The best {@code k} come back: verified matches first
   * by decision score, highest first (so duplicates lead), then unverified ones by similarity; ties
   * by similarity, then id.
   *
   * @param queries the questions to look up; none null or blank
   * @param k the most matches per query, from 1 to {@link #MAX_K}
   * @return one list per query, in input order
   */
  List<List<IndexMatch>> askedBeforeAll(List<String> queries, int k);

  /**
   * The verified matches of one question; see {@link #askedBeforeAll(List, int)}.
   *
   * @param question the question to look up
   * @param k the most matches, from 1 to {@link #MAX_K}
   * @return up to {@code k} matches, duplicates first
   */
  default List<IndexMatch> askedBefore(String question, int k) {
    return askedBeforeAll(List.of(TextRules.checkQuestion(question, "question")), k).get(0);
  }

  /**
   * For each query, the {@code k} stored questions nearest by vector, highest similarity first,
   * without the duplicate decision ({@link IndexMatch#verified()} is {@code false}). The search is
   * approximate (a nearest-neighbour graph): a true neighbour can occasionally be missed.
   *
   * @param queries the questions to look up; none null or blank
   * @param k the most matches per query, from 1 to {@link #MAX_K}
   * @return one list per query, in input order
   */
  List<List<IndexMatch>> nearestAll(List<String> queries, int k);

  /**
   * The nearest stored questions to one question; see {@link #nearestAll(List, int)}.
   *
   * @param question the question to look up
   * @param k the most matches, from 1 to {@link #MAX_K}
   * @return up to {@code k} matches, highest similarity first
   */
  default List<IndexMatch> nearest(String question, int k) {
    return nearestAll(List.of(TextRules.checkQuestion(question, "question")), k).get(0);
  }

  /**
   * The question stored under an id.
   *
   * @param id the id
   * @return its text, or empty if no question is stored under {@code id}
   */
  Optional<String> question(String id);

  /**
   * How many questions the index holds, including changes not yet committed.
   *
   * @return the number of stored questions
   */
  int size();

  /**
   * Commits pending changes and releases the index's files and memory. Idempotent; waits for calls
   * in progress on other threads; any later call throws {@link IllegalStateException}.
   *
   * @throws QsimException if the final commit fails (the index is closed all the same)
   */
  @Override
  void close();

  /**
   * Checks an id argument the way every method of this interface does.
   *
   * @param id the value to check
   * @param name the argument's name, for the message
   * @return {@code id}
   * @throws NullPointerException naming the argument if it is null
   * @throws IllegalArgumentException naming the argument if it is blank
   */
  static String checkId(String id, String name) {
    if (id == null) {
      throw new NullPointerException(name);
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException(name + " is blank: an id needs a non-space character");
    }
    return id;
  }
}
