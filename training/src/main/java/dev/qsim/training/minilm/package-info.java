/**
 * Fine-tuning the bundled transformer (sentence-transformers all-MiniLM-L6-v2) with DJL's PyTorch
 * engine.
 *
 * <p>{@link dev.qsim.training.minilm.MiniLmEncoder} reads the 101 weight tensors of the bundled
 * ONNX file into a DJL block that mirrors Hugging Face BERT, mean pooling and L2 normalisation
 * (equal to ONNX Runtime's output within about 2e-7 on real questions), and after training writes
 * them back into a copy of the same graph, which {@code qsim-impl} then serves with pooling {@code
 * mean}. {@link dev.qsim.training.StepBenchmark} times one training step of {@code qsim-train}.
 */
package dev.qsim.training.minilm;
