/**
 * The qsim API: {@link dev.qsim.QuestionSimilarity}, the question index, their values and options.
 * No run-time dependencies; nullness is stated with JSpecify ({@code @NullMarked}: no parameter or
 * return value is null unless marked), an annotation read at compile time only.
 */
module dev.qsim.api {
  requires static org.jspecify;

  exports dev.qsim;
}
