package dev.qsim.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.qsim.QuestionSimilarity;
import dev.qsim.TextRules;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The qsim model that a LangChain4j model of this package runs on: whether that model opened it
 * (and so closes it) or borrowed it from its caller, whether it has been closed, and the checks
 * that turn LangChain4j's segments into qsim questions.
 *
 * <p>Thread-safe: the model is only read after construction, and {@link #close()} acts once.
 */
final class BackingModel {
  private final QuestionSimilarity similarity;
  private final boolean owned;
  private final String owner;
  private final String name;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BackingModel(QuestionSimilarity similarity, boolean owned, String owner) {
    this.similarity = similarity;
    this.owned = owned;
    this.owner = owner;
    this.name =
        similarity instanceof OnnxQuestionSimilarity onnx ? onnx.metadata().name() : "unknown";
  }

  /** Opens the bundled default model, owned: {@link #close()} closes it. */
  static BackingModel bundled(String owner) {
    return new BackingModel(OnnxQuestionSimilarity.bundled(), true, owner);
  }

  /** Runs on the caller's model, which {@link #close()} leaves open. */
  static BackingModel borrowed(QuestionSimilarity similarity, String owner) {
    return new BackingModel(Objects.requireNonNull(similarity, "similarity"), false, owner);
  }

  /**
   * The model, for one call.
   *
   * @throws IllegalStateException if the LangChain4j model was closed
   */
  QuestionSimilarity get() {
    if (closed.get()) {
      throw new IllegalStateException("This " + owner + " is closed");
    }
    return similarity;
  }

  /** The model whether or not this was closed: for tests that check who closes it. */
  QuestionSimilarity similarity() {
    return similarity;
  }

  /**
   * The model's name from its metadata; {@code "unknown"} for a model other than qsim's ONNX one.
   */
  String name() {
    return name;
  }

  /** Refuses later calls and closes the model if it was opened here. Idempotent. */
  void close() {
    if (closed.compareAndSet(false, true) && owned) {
      similarity.close();
    }
  }

  /**
   * The segments' texts, checked by qsim's text rules before anything is embedded.
   *
   * @param segments the segments
   * @param argument the argument's name, for messages ({@code textSegments} names index 3 {@code
   *     textSegments[3]})
   * @return the texts, in order
   * @throws NullPointerException naming the list or the index of a null segment
   * @throws IllegalArgumentException naming the index of a blank segment ({@link
   *     TextRules#isBlankQuestion(CharSequence)})
   */
  static List<String> texts(List<TextSegment> segments, String argument) {
    Objects.requireNonNull(segments, argument);
    List<String> texts = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      TextSegment segment = segments.get(i);
      String name = argument + "[" + i + "]";
      if (segment == null) {
        throw new NullPointerException(name);
      }
      texts.add(TextRules.checkQuestion(segment.text(), name));
    }
    return texts;
  }

  /**
   * Runs a qsim call, naming an unreadable question by the LangChain4j argument that held it.
   *
   * @param call the call into qsim
   * @param rename from qsim's argument name ({@code questions[3]}) to the caller's ({@code
   *     textSegments[3]})
   */
  static <T> T renamingUnreadable(Supplier<T> call, UnaryOperator<String> rename) {
    try {
      return call.get();
    } catch (UnreadableQuestionException e) {
      throw e.withArgument(rename.apply(e.argument()));
    }
  }
}
