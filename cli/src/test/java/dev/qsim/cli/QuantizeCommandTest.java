package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qsim quantize} and {@code --precision}. */
class QuantizeCommandTest {

  @Test
  void anUnknownPrecisionIsAUsageErrorNamingTheOption() {
    CliRun run =
        CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "--precision", "fp16", "How?", "Why?");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--precision").contains("expected fp32 or int8");
  }

  @Test
  void anExistingOutputDirectoryIsRefusedBeforeAnyWork(@TempDir Path tmp) {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "quantize", "--out", tmp.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("qsim quantize: --out " + tmp + " already exists");
  }

  @Test
  @Tag("slow")
  void quantizeWritesAnInt8ModelThatTheCliLoadsAndShows(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("minilm-int8");
    CliRun quantize = CliRun.run("quantize", "--out", out.toString());
    assertThat(quantize.exitCode()).as(quantize.err()).isZero();
    assertThat(quantize.out()).contains("precision int8").contains("36 MatMul/Gemm");
    assertThat(ModelMetadata.read(out.resolve(ModelMetadata.FILE_NAME)).precision())
        .isEqualTo(Precision.INT8);
    assertThat(Files.readString(out.resolve(ModelMetadata.FILE_NAME)))
        .contains("\"precision\": \"int8\"");

    CliRun similarity =
        CliRun.run(
            "similarity",
            "--model",
            out.toString(),
            "How do I learn Java?",
            "What is the best way to learn Java?");
    assertThat(similarity.exitCode()).as(similarity.err()).isZero();
    assertThat(similarity.out())
        .contains("Model:      all-MiniLM-L6-v2 fine-tuned on Quora (int8)");
    assertThat(Double.parseDouble(similarity.lastOutLine())).isGreaterThan(0.7);

    CliRun again =
        CliRun.run("quantize", "--model", out.toString(), "--out", tmp.resolve("x").toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("only fp32 models can be quantised");
  }
}
