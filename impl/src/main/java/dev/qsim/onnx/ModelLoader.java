package dev.qsim.onnx;

import dev.qsim.ModelLoadException;
import dev.qsim.ProgressListener;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Precision;
import dev.qsim.onnx.internal.DjlSettings;
import java.util.List;

/**
 * Turns an {@link OnnxQuestionSimilarity.Builder}'s settings into a model's loaded parts ({@link
 * LoadedModel}): the model source (its int8 copy from {@link Int8Cache} when int8 is asked of an
 * fp32 model), the encoder (checked against the metadata's dimension), the pair head and verifier
 * the settings keep, and the duplicate decision they make.
 *
 * <p>Stateless; thread-safe. A load that fails frees what it had loaded.
 */
final class ModelLoader {
  private ModelLoader() {}

  /**
   * Loads the model a builder names.
   *
   * @throws IllegalStateException if no model source was set
   * @throws ModelLoadException naming the path or resource and what is wrong
   */
  static LoadedModel load(OnnxQuestionSimilarity.Builder b) {
    if (b.directory == null && b.loader == null) {
      throw new IllegalStateException(
          "No model source: call setModelDirectory(path), setModelResource(classLoader, prefix)"
              + " or setBundledModel(name)");
    }
    ensureOffline();
    ModelSource source =
        b.directory != null
            ? ModelSource.directory(b.directory)
            : ModelSource.classpath(b.loader, b.resourcePrefix);
    ModelMetadata md = source.load();
    if (b.precision != null && b.precision != md.precision()) {
      if (b.precision != Precision.INT8) {
        throw new ModelLoadException(
            "Model "
                + source.describe()
                + " is "
                + md.precision().id()
                + "; it cannot be loaded as "
                + b.precision.id()
                + " (its fp32 weights are not in it): load the fp32 model it was made from");
      }
      source =
          ModelSource.directory(
              Int8Cache.int8Of(source, md, b.directory, b.loader, b.resourcePrefix));
      md = source.load();
    }
    int maxLength = b.maxSequenceLength > 0 ? b.maxSequenceLength : md.maxSequenceLength();
    SentenceEncoder encoder =
        new SentenceEncoder(source, md, maxLength, b.batchSize, b.threads, b.intraOpThreads);
    CrossEncoderVerifier verifier = null;
    try {
      float[][] probe = encoder.encode(List.of("How does this model work?"), ProgressListener.NONE);
      if (probe[0].length != md.dimension()) {
        throw new ModelLoadException(
            "Encoder of "
                + source.describe()
                + " produces "
                + probe[0].length
                + " dimensions but "
                + ModelMetadata.FILE_NAME
                + " says dimension "
                + md.dimension());
      }
      PairDecision pairHead =
          md.pairHeadFile() == null || !b.usePairHead
              ? null
              : PairDecision.pairHead(
                  PairHead.load(source, md.pairHeadFile(), md.dimension()),
                  md.similarityFunction(),
                  md.pairHeadThreshold());
      verifier =
          md.verifier() == null || !b.useVerifier
              ? null
              : CrossEncoderVerifier.load(source, md, b.threads);
      PairDecision verifierDecision =
          verifier == null
              ? null
              : PairDecision.verifier(verifier, md.similarityFunction(), md.verifier().threshold());
      PairDecision decision =
          switch (PairDecision.kindFor(
              pairHead != null,
              verifier != null,
              verifier != null && md.verifier().cascade() != null)) {
            case CASCADE -> cascadeDecision(md, source, pairHead, verifier);
            case VERIFIER -> verifierDecision;
            case PAIR_HEAD -> pairHead;
            default -> similarityDecision(md, source);
          };
      return new LoadedModel(
          md, source, encoder, verifier, decision, pairHead, verifierDecision, b.threads);
    } catch (RuntimeException e) {
      if (verifier != null) {
        verifier.close();
      }
      encoder.close();
      throw e;
    }
  }

  private static PairDecision cascadeDecision(
      ModelMetadata md, ModelSource source, PairDecision pairHead, CrossEncoderVerifier verifier) {
    try {
      return PairDecision.cascade(
          pairHead.head(),
          verifier,
          md.similarityFunction(),
          md.pairHeadThreshold(),
          md.verifier().threshold(),
          md.verifier().cascade());
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          source.describe() + "/" + ModelMetadata.FILE_NAME + ": " + e.getMessage(), e);
    }
  }

  private static PairDecision similarityDecision(ModelMetadata md, ModelSource source) {
    try {
      return PairDecision.similarity(md.similarityFunction(), md.similarityThreshold());
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          source.describe() + "/" + ModelMetadata.FILE_NAME + ": similarity_" + e.getMessage(), e);
    }
  }

  private static void ensureOffline() {
    DjlSettings.offline();
    NativeLibraries.prepare();
  }
}
