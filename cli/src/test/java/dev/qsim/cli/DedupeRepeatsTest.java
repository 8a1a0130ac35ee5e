package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qsim dedupe} on a file full of exact repeats: one group, every line in it. */
class DedupeRepeatsTest {

  @Test
  void threeThousandIdenticalQuestionsAreOneGroupWithTheirLineNumbers(@TempDir Path dir)
      throws IOException {
    String[] spellings = {
      "How do I learn Java?", "  How do I learn  Java?", "How do I learn\u00A0Java?\t"
    };
    List<String> lines = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      if (i % 500 == 250) {
        lines.add("   ");
        lines.add("What is the capital of Peru?");
      }
      lines.add(spellings[i % 3]);
      expected.add((long) lines.size());
    }
    Path input = Files.write(dir.resolve("q.txt"), lines, StandardCharsets.UTF_8);
    Path output = dir.resolve("groups.jsonl");
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "dedupe",
            "-i",
            input.toString(),
            "-o",
            output.toString(),
            "--no-progress");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> groups = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(groups).hasSize(2);
    JsonObject java = JsonParser.parseString(groups.get(0)).getAsJsonObject();
    assertThat(java.get("size").getAsInt()).isEqualTo(3_000);
    assertThat(java.get("representative").getAsLong()).isEqualTo(expected.get(0));
    JsonArray questions = java.getAsJsonArray("questions");
    List<Long> got = new ArrayList<>();
    for (JsonElement q : questions) {
      got.add(q.getAsJsonObject().get("line").getAsLong());
      if (q.getAsJsonObject().has("similarity")) {
        assertThat(q.getAsJsonObject().get("similarity").getAsDouble()).isEqualTo(1.0);
      }
    }
    assertThat(got).isEqualTo(expected);
    JsonObject peru = JsonParser.parseString(groups.get(1)).getAsJsonObject();
    assertThat(peru.get("size").getAsInt()).isEqualTo(6);
    assertThat(run.err()).contains("Verified 3,004 of 3,004 candidate pairs");
  }
}
