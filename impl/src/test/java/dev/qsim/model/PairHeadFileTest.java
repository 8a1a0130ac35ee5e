package dev.qsim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.qsim.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one {@code pair-head.json} codec: the bundled model's head survives a write and a read. */
class PairHeadFileTest {
  private static final String BUNDLED = "dev/qsim/models/all-minilm-l6-v2/pair-head.json";

  private static List<PairHeadFile.Layer> bundled() {
    return PairHeadFile.read(
        () -> {
          InputStream in = PairHeadFileTest.class.getClassLoader().getResourceAsStream(BUNDLED);
          if (in == null) {
            throw new IOException("no resource " + BUNDLED);
          }
          return in;
        },
        384,
        BUNDLED);
  }

  @Test
  void theBundledHeadRoundTripsExactly(@TempDir Path dir) {
    List<PairHeadFile.Layer> layers = bundled();
    assertThat(layers).hasSize(2);
    assertThat(layers.get(0).weights()[0]).hasSize(4 * 384);
    assertThat(layers.get(1).activation()).isEqualTo("softmax");
    Path file = dir.resolve("pair-head.json");
    PairHeadFile.write(file, layers);
    List<PairHeadFile.Layer> back = PairHeadFile.read(() -> Files.newInputStream(file), 384, "x");
    for (int l = 0; l < layers.size(); l++) {
      // Written with 6 significant digits, as the bundled file already is: nothing changes.
      assertThat(back.get(l).weights()).isDeepEqualTo(layers.get(l).weights());
      assertThat(back.get(l).bias()).containsExactly(layers.get(l).bias());
      assertThat(back.get(l).activation()).isEqualTo(layers.get(l).activation());
    }
  }

  @Test
  void weightsAreKeptToSixSignificantDigits(@TempDir Path dir) throws IOException {
    float[][] w = {{0.123456789f, -98765.4321f, 1e-9f, 3f}};
    Path file = dir.resolve("h.json");
    PairHeadFile.write(file, List.of(new PairHeadFile.Layer(w, new float[] {0.5f}, "sigmoid")));
    String json = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(json).contains("[[0.123457,-98765.4,1E-9,3]]").contains("\"bias\":[0.5]");
    float[] back = PairHeadFile.read(() -> Files.newInputStream(file), 1, "h").get(0).weights()[0];
    for (int i = 0; i < back.length; i++) {
      assertThat((double) back[i]).isCloseTo(w[0][i], Percentage.withPercentage(5e-4));
    }
  }

  @Test
  void aMalformedHeadNamesTheFileAndTheProblem() {
    assertThatThrownBy(
            () ->
                PairHeadFile.read(
                    () -> new ByteArrayInputStream("{\"format_version\":2}".getBytes()),
                    1,
                    "dir/pair-head.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Invalid pair head dir/pair-head.json: format_version must be 1");
    assertThatThrownBy(
            () ->
                PairHeadFile.parse(
                    JsonParser.parseString("{\"format_version\":1,\"features\":\"u,v\"}")
                        .getAsJsonObject(),
                    1))
        .hasMessageContaining("unsupported features 'u,v'");
  }
}
