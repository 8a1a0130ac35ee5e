package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.BundledModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --model default|base|cascade} and {@code qsim models}. */
class BundledModelsCliTest {
  private static final String Q1 = "How do I learn Java?";
  private static final String Q2 = "What is the best way to learn Java?";

  @Test
  void modelBasePrintsThePublishedAllMiniLmCosine() {
    CliRun base = CliRun.run("similarity", "--model", "base", Q1, Q2);
    assertThat(base.exitCode()).as(base.err()).isZero();
    assertThat(base.outLines().get(0)).isEqualTo("Model:      all-MiniLM-L6-v2 (fp32)");
    double cosine = Double.parseDouble(base.lastOutLine());
    // sentence-transformers/all-MiniLM-L6-v2's published cosine of this pair.
    assertThat(cosine).isCloseTo(0.9408, within(1e-4));
    // Without --model the fine-tuned default answers, with another similarity.
    CliRun fineTuned = CliRun.run(SharedModel.FACTORY, "similarity", Q1, Q2);
    assertThat(fineTuned.exitCode()).as(fineTuned.err()).isZero();
    assertThat(Double.parseDouble(fineTuned.lastOutLine())).isNotCloseTo(cosine, within(1e-3));
  }

  @Test
  void modelDefaultIsTheModelWithoutTheOption() {
    CliRun named = CliRun.run(SharedModel.FACTORY, "similarity", "--model", "default", Q1, Q2);
    CliRun plain = CliRun.run(SharedModel.FACTORY, "similarity", Q1, Q2);
    assertThat(named.exitCode()).as(named.err()).isZero();
    assertThat(named.out()).isEqualTo(plain.out());
  }

  @Test
  void aValueThatIsNeitherNameNorDirectoryListsTheNames() {
    CliRun run = CliRun.run("similarity", "--model", "Base", Q1, Q2);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("Model directory not found: Base")
        .contains("default, base, cascade");
  }

  @Test
  void cascadeCalibrationNeedsADirectoryNotABundledName() {
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "calibrate",
            "--model",
            "cascade",
            "--cascade",
            "--data",
            TestData.quoraDev().toString(),
            "--format",
            "bimpm");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cascade needs --model DIR").contains("bundled model cascade");
  }

  @Test
  void modelsListsEveryBundledModelWithItsCard() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "models");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.outLines();
    for (BundledModel m : BundledModel.values()) {
      ModelMetadata md = m.metadata();
      assertThat(lines).contains(m.id() + ": " + md.name());
      assertThat(lines).contains("  licence:       " + md.licence());
      assertThat(lines).contains("  precision:     fp32");
      for (String data : md.trainingData()) {
        assertThat(lines).contains("    - " + data);
      }
    }
    String out = run.out();
    assertThat(out)
        .contains("Apache-2.0")
        .contains("non-commercial")
        .contains("quora-dev: accuracy 0.8484, average precision 0.9101")
        .contains("quora-dev: accuracy 0.8586, average precision 0.9116")
        .contains("quora-dev: accuracy 0.8366, average precision 0.8995")
        .contains("decision:      cascade")
        .contains("decision:      pair head");
    // The sizes come from the resources: the default's own files hold its 7.2 MB encoder delta.
    assertThat(out).containsPattern("(?m)^  size: +1[01]\\.\\d MB of its own files");
  }
}
