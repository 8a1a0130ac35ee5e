package dev.qsim.training.scratch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.Embedding;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import dev.qsim.model.Precision;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.quantize.Quantizer;
import dev.qsim.training.QuestionTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scratch encoder's model directory through {@link Quantizer}: the BiLSTM's LSTM becomes ONNX
 * Runtime's {@code DynamicQuantizeLSTM} and both encoders' projection {@code Gemm} becomes {@code
 * MatMulInteger}; the copies load through the public API and agree with fp32. The CNN's
 * convolutions stay fp32 and are named as such.
 */
class QuantizedScratchEncoderTest {

  private static final int MAX_LENGTH = 48;

  /** Smallest cosine between an fp32 and an int8 embedding of the same question. */
  private static final double MIN_COSINE = 0.99;

  private static final List<String> QUESTIONS =
      List.of(
          "How do I learn Java quickly?",
          "What is the fastest way to learn Java?",
          "Why?",
          "Is it safe to eat raw cookie dough, or can the eggs and flour make me sick?",
          "Comment apprendre le français rapidement ?");

  @TempDir Path dir;

  @Test
  void quantisedBiLstmLoadsAndAgreesWithFp32() throws IOException {
    Path fp32;
    try (BiLstmEncoder encoder = BiLstmEncoder.builder().optSeed(5).build()) {
      fp32 = export(encoder);
    }
    Path int8 = dir.resolve("bilstm-int8");
    ModelMetadata md = Quantizer.quantize(fp32, int8);
    assertThat(md.precision()).isEqualTo(Precision.INT8);
    // The LSTM and the projection (a Gemm).
    assertThat(md.provenance().get("quantization").toString())
        .contains("lstm_nodes=1")
        .contains("matmul_nodes=1");
    assertAgrees(fp32, int8);
  }

  private static void assertAgrees(Path fp32, Path int8) {
    try (OnnxQuestionSimilarity a =
            OnnxQuestionSimilarity.builder().setModelDirectory(fp32).build();
        OnnxQuestionSimilarity b =
            OnnxQuestionSimilarity.builder().setModelDirectory(int8).build()) {
      assertThat(b.metadata().precision()).isEqualTo(Precision.INT8);
      List<Embedding> x = a.embedAll(QUESTIONS);
      List<Embedding> y = b.embedAll(QUESTIONS);
      boolean differs = false;
      for (int i = 0; i < QUESTIONS.size(); i++) {
        assertThat(SimilarityFunction.COSINE.compare(x.get(i).vector(), y.get(i).vector()))
            .as("cosine of fp32 and int8 embeddings of question %d", i)
            .isGreaterThanOrEqualTo(MIN_COSINE);
        differs |= !Arrays.equals(x.get(i).vector(), y.get(i).vector());
      }
      assertThat(differs).as("int8 really runs other arithmetic").isTrue();
    }
  }

  @Test
  void quantisedCnnKeepsItsConvolutionsInFp32AndAgrees() throws IOException {
    Path fp32;
    try (CnnEncoder encoder = CnnEncoder.builder().optSeed(5).build()) {
      fp32 = export(encoder);
    }
    Path int8 = dir.resolve("cnn-int8");
    ModelMetadata md = Quantizer.quantize(fp32, int8);
    String facts = md.provenance().get("quantization").toString();
    // Only the projection (a Gemm) is quantised; the convolutions are named as left in fp32.
    assertThat(facts).contains("matmul_nodes=1").contains("lstm_nodes=0").contains("Conv=");
    assertAgrees(fp32, int8);
  }

  private Path export(ScratchEncoder encoder) throws IOException {
    Path model = dir.resolve(encoder.getClass().getSimpleName());
    Files.createDirectories(model);
    encoder.exportOnnx(model.resolve("model.onnx"));
    ModelMetadata.of(
            "test-" + encoder.getClass().getSimpleName(),
            Pooling.fromId(encoder.exportedPooling()),
            encoder.normalize(),
            encoder.dimension(),
            MAX_LENGTH,
            SimilarityFunction.COSINE,
            0.5)
        .write(model.resolve(ModelMetadata.FILE_NAME));
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(MAX_LENGTH)) {
      Files.write(model.resolve("tokenizer.json"), tokenizer.json());
    }
    return model;
  }
}
