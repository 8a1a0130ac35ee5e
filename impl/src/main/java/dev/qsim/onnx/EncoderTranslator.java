package dev.qsim.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.qsim.InferenceException;
import dev.qsim.model.ModelMetadata;
import java.util.List;

/**
 * Feeds a token batch to {@link SentenceEncoder}'s network and pools its output into one vector per
 * row ({@link Pooler}).
 *
 * <p>Thread-safe: it holds only its settings; each call's batch travels in DJL's per-call context.
 */
final class EncoderTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {
  private static final String BATCH = "qsim.batch";

  private final List<String> inputNames;
  private final ModelMetadata metadata;
  private final String source;

  EncoderTranslator(List<String> inputNames, ModelMetadata metadata, String source) {
    this.inputNames = inputNames;
    this.metadata = metadata;
    this.source = source;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
    ctx.setAttachment(BATCH, batch);
    NDManager manager = ctx.getNDManager();
    Shape shape = new Shape(batch.rows, batch.cols);
    NDList list = new NDList(inputNames.size());
    for (String name : inputNames) {
      long[] data =
          name.equals("input_ids")
              ? batch.ids
              : name.equals("attention_mask") ? batch.mask : batch.types;
      NDArray array = manager.create(data, shape);
      array.setName(name);
      list.add(array);
    }
    return list;
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    TokenBatch batch = (TokenBatch) ctx.getAttachment(BATCH);
    NDArray out = metadata.output() == null ? list.get(0) : list.get(metadata.output());
    if (out == null) {
      throw new InferenceException(
          "Encoder of " + source + " has no output named '" + metadata.output() + "'");
    }
    return Pooler.pool(out.toFloatArray(), out.getShape().getShape(), batch, metadata, source);
  }
}
