/** Labelled-pair readers and evaluation metrics for qsim models. */
module dev.qsim.eval {
  requires transitive dev.qsim.api;
  requires static org.jspecify;

  exports dev.qsim.data;
  exports dev.qsim.eval;
}
