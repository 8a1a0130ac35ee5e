package dev.qsim.cli;

import dev.qsim.QuestionSimilarity;
import dev.qsim.model.Precision;

/** A model factory for tests that must fail before any model is needed. */
enum ModelFactoryFail implements ModelFactory {
  INSTANCE;

  @Override
  public QuestionSimilarity open(
      ModelChoice model, boolean pairHead, boolean verifier, Precision precision) {
    throw new AssertionError("no model should be opened in this test");
  }
}
