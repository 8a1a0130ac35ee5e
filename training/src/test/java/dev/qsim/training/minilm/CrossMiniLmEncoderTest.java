package dev.qsim.training.minilm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.qsim.training.QuestionTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder's DJL block against ONNX Runtime running the exported verifier graph (an
 * independent implementation of the same computation), on real Quora pairs in both orders.
 */
class CrossMiniLmEncoderTest {

  private static final List<String> FIRST =
      List.of(
          "How do I get funding for my web based startup idea ?",
          "Is honey a viable alternative to sugar for diabetics ?",
          "How can I stop my depression ?");
  private static final List<String> SECOND =
      List.of(
          "How do I get seed funding pre product ?",
          "How would you compare the United States ' euthanasia laws to Denmark ?",
          "What can I do to stop being depressed ?");

  @Test
  void exportedVerifierComputesWhatTheBlockComputes(@TempDir Path dir) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Path file = dir.resolve(CrossMiniLmEncoder.VERIFIER_FILE);
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(24);
        CrossMiniLmEncoder encoder = CrossMiniLmEncoder.builder().optSeed(7).build();
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      List<long[]> sequences = new ArrayList<>();
      sequences.addAll(List.of(encoder.encodePairs(tokenizer, FIRST, SECOND)));
      sequences.addAll(List.of(encoder.encodePairs(tokenizer, SECOND, FIRST)));
      // Truncated to 24 tokens, longest question first: still [CLS] ... [SEP] ... [SEP].
      assertThat(sequences).allSatisfy(s -> assertThat(s.length).isLessThanOrEqualTo(24));
      NDList inputs = encoder.inputs(manager, sequences);
      long[] types = inputs.get(2).toLongArray();
      int cols = (int) inputs.get(0).getShape().get(1);
      assertThat(types[0]).isZero();
      assertThat(types[sequences.get(0).length - 1]).isEqualTo(1);
      float[] djl =
          encoder
              .block()
              .forward(new ParameterStore(manager, false), inputs, false)
              .head()
              .toFloatArray();
      encoder.exportOnnx(file);
      assertThat(Files.size(file)).isGreaterThan(80_000_000L);

      Engine.getEngine("OnnxRuntime");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      long[][] ids = rows(inputs.get(0).toLongArray(), cols);
      long[][] mask = rows(inputs.get(1).toLongArray(), cols);
      long[][] typeRows = rows(types, cols);
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          OrtSession session = env.createSession(file.toString(), options);
          OnnxTensor i = OnnxTensor.createTensor(env, ids);
          OnnxTensor m = OnnxTensor.createTensor(env, mask);
          OnnxTensor t = OnnxTensor.createTensor(env, typeRows);
          OrtSession.Result r =
              session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
        float[][] ort = (float[][]) r.get(CrossMiniLmEncoder.OUTPUT).orElseThrow().getValue();
        assertThat(ort).hasNumberOfRows(sequences.size());
        for (int k = 0; k < djl.length; k++) {
          assertThat(ort[k][0]).as("pair sequence %d", k).isCloseTo(djl[k], within(1e-4f));
        }
      }

      // Training that continues from the exported verifier starts from all of it, classifier
      // included, and exports one classifier again, not a second one appended.
      Path again = dir.resolve("again.onnx");
      try (CrossMiniLmEncoder continued =
          CrossMiniLmEncoder.builder().optModelFile(file).optSeed(8).build()) {
        float[] resumed =
            continued
                .block()
                .forward(new ParameterStore(manager, false), inputs, false)
                .head()
                .toFloatArray();
        for (int k = 0; k < djl.length; k++) {
          assertThat(resumed[k]).as("continued, sequence %d", k).isCloseTo(djl[k], within(1e-5f));
        }
        continued.exportOnnx(again);
      }
      ai.onnx.proto.OnnxMl.ModelProto exported = OnnxBertWeights.parse(again);
      assertThat(exported.getGraph().getInitializerList())
          .filteredOn(t -> t.getName().equals(dev.qsim.quantize.VerifierGraph.WEIGHT))
          .hasSize(1);
      assertThat(exported.getGraph().getOutputList())
          .extracting(o -> o.getName())
          .containsExactly(CrossMiniLmEncoder.OUTPUT);
      assertThat(dev.qsim.quantize.VerifierGraph.classifier(exported))
          .containsExactly(dev.qsim.quantize.VerifierGraph.classifier(OnnxBertWeights.parse(file)));
    }
    // A bi-encoder cannot start from a verifier: its export would have no last_hidden_state.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MiniLmEncoder.builder().optModelFile(file).build().close())
        .isInstanceOf(dev.qsim.ModelLoadException.class)
        .hasMessageContaining("verifier")
        .hasMessageContaining(file.toString());
  }

  private static long[][] rows(long[] flat, int cols) {
    long[][] out = new long[flat.length / cols][cols];
    for (int r = 0; r < out.length; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
