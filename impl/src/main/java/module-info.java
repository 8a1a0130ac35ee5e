/**
 * The ONNX Runtime implementation of the qsim API and its bundled models. A user sees {@code
 * dev.qsim.onnx} (the builder, the bundled models) and {@code dev.qsim.model} (precision, pooling,
 * the model metadata); the tooling that qsim's own modules share (quantising and packing models,
 * grouping, atomic files and caches, progress text, graph building) is exported to them only.
 */
@SuppressWarnings({"module", "requires-automatic"}) // qsim's tools are not named modules yet
module dev.qsim.impl {
  requires transitive dev.qsim.api;
  requires static org.jspecify;
  requires ai.djl.api;
  requires ai.djl.tokenizers;
  requires com.microsoft.onnxruntime;
  requires com.google.gson;
  requires com.google.protobuf;
  requires org.tribuo.util.onnx;
  // DJL logs through SLF4J but, as an automatic module, cannot say so: on the module path the
  // explicit org.slf4j module is resolved only when a named module requires it.
  requires org.slf4j;

  exports dev.qsim.onnx;
  exports dev.qsim.model;
  exports dev.qsim.duplicates to
      dev.qsim.cli,
      dev.qsim.spark;
  exports dev.qsim.quantize to
      dev.qsim.cli,
      dev.qsim.training;
  exports dev.qsim.onnx.internal to
      dev.qsim.training,
      dev.qsim.bench;
  exports dev.qsim.io to
      dev.qsim.index,
      dev.qsim.cli,
      dev.qsim.training,
      dev.qsim.bench,
      dev.qsim.spark;
}
