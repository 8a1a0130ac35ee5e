package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qsim-train --base-model default|base|cascade} and {@code --init-model NAME}. */
class BundledBaseModelTest {
  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TrainCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPairHeadOverTheBundledDefaultKeepsItsFineTunedEncoder() {
    String train = TestPairs.DATA.resolve("quora/train-extra.tsv").toString();
    Path headed = temp.resolve("head-over-default");
    int status =
        run(
            "--train",
            train,
            "--limit",
            "200",
            "--encoder",
            "frozen-minilm",
            "--base-model",
            "default",
            "--head-hidden",
            "8",
            "--epochs",
            "1",
            "--cache-dir",
            temp.resolve("cache").toString(),
            "--out",
            headed.toString(),
            "--quiet");
    assertThat(status).as(stderr()).isZero();
    ModelMetadata md = ModelMetadata.read(headed.resolve(ModelMetadata.FILE_NAME));
    assertThat(md.provenance().get("base_model")).isEqualTo("all-MiniLM-L6-v2 fine-tuned on Quora");
    List<String> questions = List.of("How do I learn Java?", "Why is the sky blue at noon?");
    try (OnnxQuestionSimilarity fineTuned =
            OnnxQuestionSimilarity.builder().setBundledModel("default").build();
        OnnxQuestionSimilarity after =
            OnnxQuestionSimilarity.builder().setModelDirectory(headed).build()) {
      for (String q : questions) {
        assertThat(after.embed(q).vector()).containsExactly(fineTuned.embed(q).vector());
      }
    }
  }

  @Test
  void aValueThatIsNeitherANameNorAPathListsTheNames() {
    String train = TestPairs.DATA.resolve("quora/train-extra.tsv").toString();
    String x = temp.resolve("x").toString();
    assertThat(
            run("--train", train, "--encoder", "frozen-minilm", "--base-model", "Base", "--out", x))
        .isEqualTo(1);
    assertThat(stderr())
        .contains("--base-model Base is neither a model directory nor a bundled model")
        .contains("default, base, cascade");
    assertThat(run("--train", train, "--init-model", "minilm-l6", "--out", x)).isEqualTo(1);
    assertThat(stderr())
        .contains("--init-model minilm-l6 is neither an ONNX file nor a bundled model")
        .contains("default, base, cascade");
    assertThat(temp.resolve("x")).doesNotExist();
  }
}
