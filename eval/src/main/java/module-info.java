/** Labelled-pair readers and evaluation metrics for qsim models. */
module dev.qsim.eval {
  requires transitive dev.qsim.api;

  exports dev.qsim.data;
  exports dev.qsim.eval;
}
