/**
 * The qsim API: {@link dev.qsim.QuestionSimilarity}, the question index, their values and options.
 * No dependencies.
 */
module dev.qsim.api {
  exports dev.qsim;
}
