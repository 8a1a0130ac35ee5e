package dev.qsim.langchain4j;

import dev.qsim.onnx.OnnxQuestionSimilarity;

/**
 * One bundled model for all tests of a JVM: loading it takes seconds. Never closed by tests that
 * share it; the LangChain4j models the tests build over it borrow it.
 */
final class SharedModel {
  private static OnnxQuestionSimilarity instance;

  private SharedModel() {}

  static synchronized OnnxQuestionSimilarity get() {
    if (instance == null) {
      instance = OnnxQuestionSimilarity.bundled();
    }
    return instance;
  }
}
