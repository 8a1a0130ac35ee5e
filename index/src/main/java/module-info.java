/** The persistent "asked before?" index of qsim, on Apache Lucene. */
module dev.qsim.index {
  requires transitive dev.qsim.impl;
  requires static org.jspecify;
  requires org.apache.lucene.core;

  exports dev.qsim.index;
}
