package dev.qsim.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word-order negatives: a question with an asymmetric relation between two short phrases, and the
 * same question with the two phrases swapped, which asks something else ("flights from Paris to
 * Rome" / "from Rome to Paris"). Five relations are swapped, the first that matches:
 *
 * <ol>
 *   <li>{@code from X to Y} (Y ends at punctuation, the end, or a preposition);
 *   <li>{@code convert|translate|transfer|migrate|switch|change X to|into Y};
 *   <li>a comparison {@code X [is|are] better|worse|more A|less A|Aer than Y};
 *   <li>subject and object around a verb of action: {@code (Can|Did|Does|Why did|...) X
 *       beat|defeat|kill|invade|marry|... Y};
 *   <li>a preference: {@code prefer|choose|pick|use|learn|... X over|instead of|rather than Y}.
 * </ol>
 *
 * X and Y are one to three words, differ from each other, and are not pronouns or placeholders
 * ("it", "there", "I", "time"). Symmetric relations ask the same question in either order ("X vs
 * Y", "X or Y"); "between X and Y" is swapped by {@link #symmetricSwap} into order-free
 * reorderings, the positives that keep a verifier from reading every reordering as another
 * question. Stateless and thread-safe.
 */
final class WordOrderSwaps {
  private static final String WORD = "[\\p{L}\\p{N}][\\p{L}\\p{N}'.+#&-]*";
  private static final String PHRASE = "(?:" + WORD + " ){0,2}" + WORD;
  private static final String END =
      "(?=\\s*(?:[?.,!:;]|$| (?:in|on|by|for|with|via|during|using|after|before|within|and|at"
          + "|without|through|than|is|are|was|were|if|when|while|so|because)\\b))";

  private static final Pattern FROM_TO =
      Pattern.compile(
          "\\b(from) (" + PHRASE + ") (to) (" + PHRASE + ")" + END, Pattern.CASE_INSENSITIVE);
  private static final Pattern CONVERT =
      Pattern.compile(
          "\\b(convert|translate|transfer|migrate|switch|change) ("
              + PHRASE
              + ") (to|into) ("
              + PHRASE
              + ")"
              + END,
          Pattern.CASE_INSENSITIVE);
  private static final Pattern COMPARISON =
      Pattern.compile(
          "(\\b(?:is|are|was|were|why|how|does|do|did|will|would|can|could|should|which|what)"
              + " |^)("
              + PHRASE
              + ") ((?:(?:is|are|was|were) )?(?:better|worse|more \\p{L}+|less \\p{L}+"
              + "|\\p{L}{2,}er) than) ("
              + PHRASE
              + ")"
              + END,
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTION =
      Pattern.compile(
          "^((?:why |how |when |where )?(?:can|could|would|will|does|did|do|should|might)) ("
              + PHRASE
              + ") (beat|defeat|kill|invade|marry|love|hate|attack|buy|acquire|influence|fight"
              + "|trust|hire|sue|follow|replace|win against|conquer|betray|fear|rule|own)"
              + " ("
              + PHRASE
              + ")(\\s*[?.!]*\\s*)$",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern PREFER =
      Pattern.compile(
          "\\b(prefer|choose|pick|select|use|recommend|learn|study|buy|take) ("
              + PHRASE
              + ") (over|instead of|rather than) ("
              + PHRASE
              + ")"
              + END,
          Pattern.CASE_INSENSITIVE);

  private static final Pattern BETWEEN =
      Pattern.compile(
          "\\b(between) (" + PHRASE + ") (and) (" + PHRASE + ")" + END, Pattern.CASE_INSENSITIVE);

  /**
   * Questions whose "from X to Y" is symmetric: a distance or travel time is the same both ways.
   */
  private static final Pattern SYMMETRIC_CONTEXT =
      Pattern.compile(
          "\\b(?:distance|how far|how long|how many (?:miles|km|kilometers|hours))\\b",
          Pattern.CASE_INSENSITIVE);

  /** Words that make a swap meaningless or ungrammatical when they stand for X or Y. */
  private static final Set<String> NOT_A_PHRASE =
      Set.of(
          "i",
          "me",
          "my",
          "you",
          "your",
          "he",
          "him",
          "she",
          "her",
          "it",
          "its",
          "we",
          "us",
          "they",
          "them",
          "this",
          "that",
          "these",
          "those",
          "there",
          "here",
          "one",
          "someone",
          "something",
          "anyone",
          "anything",
          "time",
          "scratch",
          "a",
          "an",
          "the",
          "what",
          "which",
          "who",
          "how",
          "why",
          "more",
          "less",
          "than",
          "to",
          "from",
          "and",
          "or",
          "is",
          "are",
          "do",
          "does",
          "can");

  /** Words that belong to the sentence's frame, never inside X or Y. */
  private static final Set<String> STRUCTURE =
      Set.of(
          "than", "to", "from", "into", "is", "are", "was", "were", "do", "does", "did", "why",
          "how", "what", "which", "who", "can", "will", "would", "should", "could", "vs", "vs.",
          "versus", "or", "and", "between", "not", "better", "worse", "more", "less", "in", "on",
          "for", "with", "by", "at", "via", "using", "during", "another", "others");

  /** Words ending in "er" before "than" that are not comparatives. */
  private static final Set<String> NOT_COMPARATIVE =
      Set.of(
          "other",
          "rather",
          "ever",
          "never",
          "whether",
          "further",
          "over",
          "under",
          "after",
          "number",
          "order",
          "water",
          "paper",
          "computer",
          "user",
          "career",
          "summer",
          "winter",
          "matter",
          "power",
          "answer",
          "either",
          "neither",
          "together",
          "another",
          "father",
          "mother",
          "brother",
          "sister",
          "daughter",
          "player",
          "teacher",
          "engineer",
          "manager");

  private WordOrderSwaps() {}

  /**
   * The question with the two sides of its first asymmetric relation swapped, or empty when it has
   * none this generator knows.
   *
   * @param question the question
   * @return the swapped question, which differs from {@code question}
   */
  static Optional<String> swap(String question) {
    if (SYMMETRIC_CONTEXT.matcher(question).find()) {
      return Optional.empty();
    }
    return swapFirst(question, FROM_TO, CONVERT, COMPARISON, ACTION, PREFER);
  }

  /**
   * The question with the two sides of "between X and Y" swapped, which asks the same thing, or
   * empty when it has none.
   *
   * @param question the question
   * @return the reordered question, which differs from {@code question}
   */
  static Optional<String> symmetricSwap(String question) {
    return swapFirst(question, BETWEEN);
  }

  private static Optional<String> swapFirst(String question, Pattern... patterns) {
    for (Pattern pattern : patterns) {
      Matcher m = pattern.matcher(question);
      int from = 0;
      while (from < question.length() && m.find(from)) {
        from = m.start() + 1;
        String x = m.group(2);
        String y = m.group(4);
        if (!usable(x) || !usable(y) || x.equalsIgnoreCase(y)) {
          continue;
        }
        if (pattern == COMPARISON && !comparative(m.group(3))) {
          continue;
        }
        return Optional.of(
            question.substring(0, m.start(2))
                + y
                + question.substring(m.end(2), m.start(4))
                + x
                + question.substring(m.end(4)));
      }
    }
    return Optional.empty();
  }

  /** A comparative before "than" that really is one ("other than", "rather than" are not). */
  private static boolean comparative(String phrase) {
    String[] words = phrase.toLowerCase(Locale.ROOT).split(" ");
    String adjective = words[words.length - 2];
    String before = words.length >= 3 ? words[words.length - 3] : "";
    return before.equals("more")
        || before.equals("less")
        || adjective.equals("better")
        || adjective.equals("worse")
        || !NOT_COMPARATIVE.contains(adjective);
  }

  private static boolean usable(String phrase) {
    String[] words = phrase.toLowerCase(Locale.ROOT).split(" ");
    if (NOT_A_PHRASE.contains(words[0]) && words.length == 1) {
      return false;
    }
    for (String w : words) {
      if (STRUCTURE.contains(w)) {
        return false;
      }
    }
    return !NOT_A_PHRASE.contains(words[words.length - 1]);
  }
}
