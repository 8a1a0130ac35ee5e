/**
 * Siamese question encoders trained from scratch over the bundled WordPiece vocabulary: {@link
 * dev.qsim.training.scratch.BiLstmEncoder} (a bidirectional LSTM with masked max or mean pooling)
 * and {@link dev.qsim.training.scratch.CnnEncoder} (1-D convolutions with ReLU and masked max
 * pooling). Both are {@link dev.qsim.training.TrainableEncoder}s: one DJL block (PyTorch engine)
 * embeds both questions of a pair, and {@link
 * dev.qsim.training.TrainableEncoder#exportOnnx(java.nio.file.Path)} writes an opset-13 ONNX graph,
 * built in Java with Tribuo's ONNX builder, that takes {@code input_ids} and {@code attention_mask}
 * and outputs the pooled, L2-normalised embedding ({@code pooling: none} in the model metadata).
 * The exported graph reproduces the DJL block within 1e-4 on padded batches.
 *
 * <p>The training CLI trains them ({@code --encoder bilstm|cnn}); for example, on the shipped Quora
 * pairs (about 26k), from the project root:
 *
 * <pre>
 * java -jar training/target/qsim-train.jar --encoder cnn --loss contrastive --epochs 6 \
 *     --batch-size 64 --lr 3e-3 --train ../shared/data/quora/train.csv \
 *     --train ../shared/data/quora/train-extra.tsv --dev ../shared/data/quora/dev.tsv \
 *     --out /tmp/quora-cnn
 * </pre>
 *
 * <p>(use {@code --encoder bilstm --epochs 5} for the BiLSTM).
 */
package dev.qsim.training.scratch;
