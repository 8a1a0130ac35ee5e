package dev.qsim.onnx;

import dev.qsim.Embedding;
import dev.qsim.QuestionPair;
import dev.qsim.TextRules;
import dev.qsim.duplicates.ExactRepeats;
import java.util.List;
import java.util.Objects;

/**
 * Checks of {@link OnnxQuestionSimilarity}'s arguments and its builder's settings; each message
 * names the argument (and its index) and what is wrong.
 *
 * <p>Stateless; thread-safe.
 */
final class Arguments {
  private Arguments() {}

  /** {@code value}, if it is at least 1. */
  static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + value);
    }
    return value;
  }

  /** {@code value}, if it lies in {@code [min, max]}. */
  static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }

  static void checkTexts(List<String> texts, String argument) {
    Objects.requireNonNull(texts, argument);
    for (int i = 0; i < texts.size(); i++) {
      checkText(texts.get(i), argument, i, "");
    }
  }

  /** {@code text}, if it is a question ({@link TextRules#checkQuestion(String, String)}). */
  static String checkText(String text, String argument, int index, String suffix) {
    return text != null && !TextRules.isBlankQuestion(text)
        ? text
        : TextRules.checkQuestion(text, argument + "[" + index + "]" + suffix);
  }

  /** Checks that no pair is null and both texts of each are questions. */
  static void checkPairs(List<QuestionPair> pairs) {
    Objects.requireNonNull(pairs, "pairs");
    for (int p = 0; p < pairs.size(); p++) {
      final int at = p;
      QuestionPair pair = Objects.requireNonNull(pairs.get(p), () -> "pairs[" + at + "]");
      checkText(pair.first(), "pairs", p, ".first");
      checkText(pair.second(), "pairs", p, ".second");
    }
  }

  /** The first of {@code pairs}' arguments that holds {@code text}, for a message. */
  static String pairArgument(List<QuestionPair> pairs, String text) {
    for (int p = 0; p < pairs.size(); p++) {
      if (pairs.get(p).first().equals(text)) {
        return "pairs[" + p + "].first";
      }
      if (pairs.get(p).second().equals(text)) {
        return "pairs[" + p + "].second";
      }
    }
    return "pairs";
  }

  /** The vectors of caller-held embeddings, checked for count and dimension. */
  static float[][] checkEmbeddings(
      List<Embedding> embeddings, String argument, int expected, int dimension) {
    checkCount(embeddings, argument, expected);
    float[][] out = new float[expected][];
    for (int i = 0; i < expected; i++) {
      out[i] = checkEmbedding(embeddings.get(i), argument, i, dimension);
    }
    return out;
  }

  /** The vector of one caller-held embedding, checked for dimension. */
  static float[] checkEmbedding(Embedding embedding, String argument, int i, int dimension) {
    Embedding e = Objects.requireNonNull(embedding, () -> argument + "[" + i + "]");
    if (e.dimension() != dimension) {
      throw new IllegalArgumentException(
          argument
              + "["
              + i
              + "] has dimension "
              + e.dimension()
              + ", the model's is "
              + dimension);
    }
    return e.vector();
  }

  /**
   * Checks caller-held embeddings, one per question, and copies the first occurrence's of each
   * distinct text into {@code store}, one vector at a time (the heap never holds them all).
   */
  static void copyEmbeddings(List<Embedding> embeddings, ExactRepeats repeats, VectorStore store) {
    int n = checkCount(embeddings, "embeddings", repeats.size());
    for (int i = 0; i < n; i++) {
      float[] v = checkEmbedding(embeddings.get(i), "embeddings", i, store.dimension());
      int d = repeats.distinctOf(i);
      if (repeats.first(d) == i) {
        store.set(d, v);
      }
    }
  }

  private static int checkCount(List<Embedding> embeddings, String argument, int expected) {
    Objects.requireNonNull(embeddings, argument);
    if (embeddings.size() != expected) {
      throw new IllegalArgumentException(
          argument + " has " + embeddings.size() + " embeddings, expected " + expected);
    }
    return expected;
  }
}
