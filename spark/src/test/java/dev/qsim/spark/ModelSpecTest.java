package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.ModelLoadException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.BundledModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;
import org.junit.jupiter.api.Test;

/** The Spark module's model option takes the bundled names as the CLI does. */
class ModelSpecTest {
  @Test
  void bundledNamesLoadTheBundledModels() {
    SharedSpark.session();
    assertThat(new ModelSpec("", 8, 1).bundledModel()).isEqualTo(BundledModel.DEFAULT);
    assertThat(new ModelSpec("default", 8, 1).bundledModel()).isEqualTo(BundledModel.DEFAULT);
    assertThat(new ModelSpec("cascade", 8, 1).bundledModel()).isEqualTo(BundledModel.CASCADE);
    ModelSpec base = new ModelSpec("base", 8, 1);
    assertThat(base.bundledModel()).isEqualTo(BundledModel.BASE);
    QuestionSimilarity model = ExecutorModels.get(base);
    // sentence-transformers/all-MiniLM-L6-v2's published cosine of this pair.
    assertThat(model.similarity("How do I learn Java?", "What is the best way to learn Java?"))
        .isCloseTo(0.9408, within(1e-4));
  }

  @Test
  void aNameThatIsNotBundledIsADirectoryAndAShippedDirectoryOfABundledNameIsAmbiguous()
      throws Exception {
    SharedSpark.session();
    ModelSpec other = new ModelSpec("Base", 8, 1);
    assertThat(other.bundledModel()).isNull();
    assertThatThrownBy(other::load)
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model directory not found")
        .hasMessageContaining("'Base'");
    Path shipped = Path.of(SparkFiles.getRootDirectory(), "cascade");
    Files.createDirectories(shipped);
    try {
      assertThatThrownBy(() -> new ModelSpec("cascade", 8, 1).bundledModel())
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("'cascade' is ambiguous")
          .hasMessageContaining(shipped.toAbsolutePath().normalize().toString())
          .hasMessageContaining("./cascade");
    } finally {
      Files.delete(shipped);
    }
  }
}
