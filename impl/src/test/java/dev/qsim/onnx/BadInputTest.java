package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateOptions;
import dev.qsim.ModelLoadException;
import dev.qsim.QuestionPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
  private final OnnxQuestionSimilarity qsim = SharedModel.get();

  @Test
  void nullArgumentsNameTheArgument() {
    assertThatThrownBy(() -> qsim.similarity(null, "a"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("q1");
    assertThatThrownBy(() -> qsim.similarity("a", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("q2");
    assertThatThrownBy(() -> qsim.embed(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("question");
    assertThatThrownBy(() -> qsim.embedAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("questions");
    assertThatThrownBy(() -> qsim.embedAll(Arrays.asList("ok", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("questions[1]");
    assertThatThrownBy(() -> qsim.mostSimilar(null, List.of("a"), 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("query");
    assertThatThrownBy(() -> new QuestionPair("a", null)).hasMessage("second");
  }

  @Test
  void aNullPairIsNamedByItsIndex() {
    QuestionPair p = QuestionPair.of("How do I learn Java?", "How can I learn Java?");
    assertThatThrownBy(() -> qsim.similarities(Arrays.asList(p, null, p)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("pairs[1]");
    assertThatThrownBy(() -> qsim.duplicateScores(Arrays.asList(null, p)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("pairs[0]");
  }

  @Test
  void invisibleOnlyQuestionsAreBlank() {
    // Before the one blank rule these embedded to the same vector and scored 1.0 together.
    for (String invisible :
        List.of("\u00a0", "\u200b", "\ufeff", "\u0001", "\u00a0\u200b\u2060 \u3000", "\u202e")) {
      assertThatThrownBy(() -> qsim.similarity(invisible, "\u200b"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("q1 is blank");
      assertThatThrownBy(() -> qsim.embedAll(List.of("fine", invisible)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("questions[1] is blank");
      assertThatThrownBy(() -> qsim.findDuplicates(List.of(invisible, "a question?")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("questions[0] is blank");
      assertThatThrownBy(() -> qsim.mostSimilar("q?", List.of("a", invisible), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("candidates[1] is blank");
    }
    // Visible text around invisible characters is a question.
    assertThat(qsim.similarity("\u00a0Why?\u200b", "Why?")).isBetween(-1.0, 1.0);
  }

  @Test
  void blankQuestionsAreRejectedNamingTheIndex() {
    assertThatThrownBy(() -> qsim.similarity("", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q1 is blank");
    assertThatThrownBy(() -> qsim.embedAll(List.of("fine", "  \t\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("questions[1] is blank");
    assertThatThrownBy(
            () -> qsim.similarities(List.of(QuestionPair.of("a", "b"), QuestionPair.of("c", " "))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs[1].second is blank");
    assertThatThrownBy(() -> qsim.mostSimilar("q", List.of("a"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be >= 1");
  }

  @Test
  void aHundredThousandCharacterQuestionIsTruncatedNotRejected() {
    String prefix = "How do I learn to cook rice properly? ";
    String huge = prefix + "x".repeat(100_000 - prefix.length());
    assertThat(huge).hasSize(100_000);
    double s = qsim.similarity(huge, prefix + "x".repeat(50_000));
    assertThat(s).isBetween(-1.0, 1.0);
    assertThat(qsim.embed(huge).norm()).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void emojiCjkAndControlCharactersAreAccepted() {
    List<String> odd =
        List.of(
            "How do I cook 🍣 at home? 🤔",
            "日本語の勉強はどうすればいいですか",
            "Why\u0000 does\u0007 this\u001b[31m have control characters?",
            "Ça va? Ünïcödé naïve café");
    var embeddings = qsim.embedAll(odd);
    assertThat(embeddings).hasSize(odd.size());
    embeddings.forEach(e -> assertThat(e.norm()).isCloseTo(1.0, within(1e-5)));
    // Emoji alone, and simplified Chinese whose characters are mostly outside the vocabulary
    // (5 of its 6 words are [UNK]), are text the model cannot read: refused, not embedded.
    for (String unreadable : List.of("🙂", "如何学习编程？")) {
      assertThatThrownBy(() -> qsim.embedAll(List.of("Why?", unreadable)))
          .isInstanceOf(dev.qsim.UnreadableQuestionException.class)
          .hasMessageStartingWith("questions[1] is unreadable");
    }
  }

  @Test
  void findDuplicatesRejectsBadOptions() {
    assertThatThrownBy(() -> DuplicateOptions.defaults().withTopKPerQuestion(0))
        .hasMessageContaining("topKPerQuestion");
    assertThatThrownBy(() -> DuplicateOptions.defaults().withThreshold(Double.NaN))
        .hasMessageContaining("threshold");
    assertThat(qsim.findDuplicates(List.of()).pairs()).isEmpty();
    assertThat(qsim.findDuplicates(List.of("only one question?")).groups()).isEmpty();
  }

  @Test
  void missingModelDirectoryIsNamed(@TempDir Path tmp) {
    Path missing = tmp.resolve("no-such-model");
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(missing).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model directory not found")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void directoryWithoutMetadataIsNamed(@TempDir Path tmp) {
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("qsim-model.json is missing")
        .hasMessageContaining(tmp.toString());
  }

  @Test
  void invalidMetadataNamesFileAndKey(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("qsim-model.json"), "{\"format_version\": 1, \"name\": \"x\"}");
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("qsim-model.json")
        .hasMessageContaining("missing required key 'pooling'");
    Files.writeString(tmp.resolve("qsim-model.json"), "{not json");
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void corruptOnnxFileIsNamed(@TempDir Path tmp) throws IOException {
    copyBundledInto(tmp);
    Path onnx = tmp.resolve("model.onnx");
    Files.write(onnx, "this is not an onnx protobuf".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Corrupt or unsupported ONNX encoder")
        .hasMessageContaining("model.onnx");
  }

  @Test
  void missingEncoderFileIsNamed(@TempDir Path tmp) throws IOException {
    copyBundledInto(tmp);
    Files.delete(tmp.resolve("model.onnx"));
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Model file missing")
        .hasMessageContaining("model.onnx");
  }

  @Test
  void wrongDimensionInMetadataIsDetected(@TempDir Path tmp) throws IOException {
    copyBundledInto(tmp);
    Path md = tmp.resolve("qsim-model.json");
    Files.writeString(md, Files.readString(md).replace("\"dimension\": 384", "\"dimension\": 512"));
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("produces 384 dimensions")
        .hasMessageContaining("dimension 512");
  }

  @Test
  void missingClasspathModelIsNamed() {
    assertThatThrownBy(
            () ->
                OnnxQuestionSimilarity.builder()
                    .setModelResource(getClass().getClassLoader(), "no/such/model")
                    .build())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no/such/model/qsim-model.json");
    assertThatThrownBy(() -> OnnxQuestionSimilarity.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No model source");
  }

  @Test
  void useAfterCloseThrowsIllegalState(@TempDir Path tmp) throws IOException {
    copyBundledInto(tmp);
    OnnxQuestionSimilarity own = OnnxQuestionSimilarity.builder().setModelDirectory(tmp).build();
    assertThat(own.similarity("a question?", "a question?")).isCloseTo(1.0, within(1e-6));
    assertThat(own.hasPairHead()).isTrue();
    own.close();
    own.close(); // idempotent
    assertThatThrownBy(() -> own.similarity("a", "b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(own::dimension).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> own.findDuplicates(List.of("a", "b")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void pairHeadCanBeSwitchedOff(@TempDir Path tmp) throws IOException {
    copyBundledInto(tmp);
    try (OnnxQuestionSimilarity plain =
        OnnxQuestionSimilarity.builder().setModelDirectory(tmp).optPairHead(false).build()) {
      assertThat(plain.hasPairHead()).isFalse();
      assertThat(plain.duplicateThreshold()).isEqualTo(plain.similarityThreshold());
      String a = "How do I learn Python fast?";
      String b = "What is the quickest way to learn Python?";
      assertThat(plain.duplicateScore(a, b)).isCloseTo(plain.similarity(a, b), within(1e-12));
    }
  }

  /** Writes the plain base model as a model directory with default file names. */
  static void copyBundledInto(Path dir) throws IOException {
    ClassLoader cl = BadInputTest.class.getClassLoader();
    try (InputStream in = cl.getResourceAsStream("all-minilm-l6-v2.onnx")) {
      Files.copy(in, dir.resolve("model.onnx"));
    }
    try (InputStream in = cl.getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    try (InputStream in =
        cl.getResourceAsStream(OnnxQuestionSimilarity.BASE_MODEL + "/pair-head.json")) {
      Files.copy(in, dir.resolve("pair-head.json"));
    }
    String md;
    try (InputStream in =
        cl.getResourceAsStream(OnnxQuestionSimilarity.BASE_MODEL + "/qsim-model.json")) {
      md =
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .replace("\"/all-minilm-l6-v2.onnx\"", "\"model.onnx\"");
    }
    md = md.replace("\"/all-minilm-l6-v2-tokenizer.json\"", "\"tokenizer.json\"");
    Files.writeString(dir.resolve("qsim-model.json"), md);
  }
}
