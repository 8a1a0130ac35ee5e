package dev.qsim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void resultLinesRoundTrip() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("impl", "qsim");
    f.put("questions", 2000);
    f.put("median_s", 1.23456789);
    f.put("tiny", 0.000012345678);
    String line = Report.resultLine("throughput", f);
    assertThat(line)
        .isEqualTo("RESULT throughput impl=qsim questions=2000 median_s=1.23457 tiny=0.0000123457");
    assertThat(Report.parseResult(line, "throughput"))
        .containsExactly(
            Map.entry("impl", "qsim"),
            Map.entry("questions", "2000"),
            Map.entry("median_s", "1.23457"),
            Map.entry("tiny", "0.0000123457"));
    assertThat(Report.parseResult(line, "dedupe")).isNull();
    assertThat(Report.parseResult("ratio qsim/langchain4j = 2.0", "throughput")).isNull();
  }

  @Test
  void valuesWithSpacesAreRejected() {
    assertThatThrownBy(() -> Report.resultLine("x", Map.of("k", "a b")))
        .hasMessageContaining("field k");
  }

  @Test
  void tableAlignsColumns() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new Report.Table("name", "value").row("a", 12345.6).row("longer", 0.5).print(out);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "   name     value", "   ------  ------", "   a       12,346", "   longer   0.500");
    assertThatThrownBy(() -> new Report.Table("a", "b").row("only one"))
        .hasMessageContaining("1 cells");
  }
}
