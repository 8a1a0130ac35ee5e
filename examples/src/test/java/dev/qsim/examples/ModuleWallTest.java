package dev.qsim.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walls of qsim's modules, seen by a modular program of a user: with {@code requires
 * dev.qsim.impl} it compiles and runs the README's first call on the module path (bundled model
 * resources included); importing a package that qsim exports only to its own modules does not
 * compile.
 */
class ModuleWallTest {
  private static final String FIRST = "How can I stop my depression?";
  private static final String SECOND = "What can I do to stop being depressed?";

  @Test
  void aModularProgramUsesTheApiOnTheModulePath(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    String errors =
        compile(dir, "QsimCall", "dev.qsim.onnx.OnnxQuestionSimilarity", mainBody(), out);
    assertThat(errors).as("javac output").isEmpty();

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "--module-path",
                out + File.pathSeparator + modulePath(),
                "-m",
                "walltest/walltest.QsimCall")
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();

    double expected;
    try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
      expected = sim.similarity(FIRST, SECOND);
    }
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    assertThat(Double.parseDouble(last)).as(output).isCloseTo(expected, within(1e-6));
  }

  @Test
  void aPackageExportedOnlyToQsimsOwnModulesDoesNotCompile(@TempDir Path dir) throws Exception {
    String errors =
        compile(
            dir,
            "QsimCall",
            "dev.qsim.quantize.Quantizer",
            "System.out.println(Quantizer.class);",
            dir.resolve("out"));
    assertThat(errors)
        .contains("package dev.qsim.quantize is not visible")
        .contains("does not export it to module walltest");
  }

  private static String mainBody() {
    return "try (dev.qsim.QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {"
        + " System.out.println(sim.similarity(\""
        + FIRST
        + "\", \""
        + SECOND
        + "\")); }";
  }

  /** Compiles module {@code walltest} with one class; returns javac's messages ("" if none). */
  private static String compile(Path dir, String name, String imported, String body, Path out)
      throws IOException {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("walltest"));
    Files.writeString(
        src.resolve("module-info.java"), "module walltest { requires dev.qsim.impl; }");
    Path source = src.resolve("walltest").resolve(name + ".java");
    Files.writeString(
        source,
        "package walltest;\nimport "
            + imported
            + ";\npublic class "
            + name
            + " {\n  public static void main(String[] args) throws Exception {\n    "
            + body
            + "\n  }\n}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter messages = new StringWriter();
    List<String> options =
        List.of(
            "--module-path",
            modulePath(),
            // nothing from this test's own class path, which javac would take by default
            "--class-path",
            dir.toString(),
            "-d",
            out.toString(),
            "-Xlint:-module");
    boolean ok =
        javac
            .getTask(
                messages,
                null,
                null,
                options,
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(src.resolve("module-info.java"), source))
            .call();
    String text = messages.toString();
    return ok ? text : text.isEmpty() ? "javac failed" : text;
  }

  /**
   * qsim's modules and their dependencies, as this test's class path has them (jars or classes).
   */
  private static String modulePath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).toString().replace('\\', '/');
      boolean testOnly =
          name.contains("junit")
              || name.contains("assertj")
              || name.contains("opentest4j")
              || name.contains("apiguardian")
              || name.contains("byte-buddy")
              || name.contains("jqwik")
              || name.contains("surefire")
              || name.contains("test-classes")
              || name.contains("examples/target/classes");
      if (!testOnly && !entry.isBlank()) {
        entries.add(entry);
      }
    }
    return entries.stream().collect(Collectors.joining(File.pathSeparator));
  }
}
