package dev.qsim.examples;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.langchain4j.QsimEmbeddingModel;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * qsim swapped into a LangChain4j retrieval pipeline: LangChain4j's ingestor, in-memory store and
 * retriever, unchanged, with {@code new QsimEmbeddingModel()} where the in-process {@code
 * AllMiniLmL6V2EmbeddingModel} was. Stores the first questions of 400 real Quora pairs and asks
 * with the second question of three duplicate pairs. Run it with {@code mvn -q -pl examples
 * exec:java@langchain4j}; the first argument, if any, is the path of the Quora dev file.
 *
 * <p>Not thread-safe (a program, not a library class).
 */
public final class LangChain4jExample {
  private static final int PAIRS = 400;
  private static final long SEED = 21L;
  private static final int QUERIES = 3;

  private LangChain4jExample() {}

  /**
   * Prints the three best stored questions for each query, with LangChain4j's relevance score.
   *
   * @param args optional: the path of the Quora dev file
   */
  public static void main(String[] args) {
    Examples.configureOffline();
    Path file = Examples.quoraDev(args);
    List<LabelledPair> pairs = PairReader.read(file, PairFormat.BIMPM).sample(PAIRS, SEED).pairs();
    Set<String> stored = new LinkedHashSet<>();
    pairs.forEach(p -> stored.add(p.first()));
    List<LabelledPair> asked =
        pairs.stream().filter(LabelledPair::isDuplicate).limit(QUERIES).toList();

    // The switch: was `EmbeddingModel embeddingModel = new AllMiniLmL6V2EmbeddingModel();`
    try (QsimEmbeddingModel embeddingModel = new QsimEmbeddingModel()) {
      InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
      EmbeddingStoreIngestor.builder()
          .embeddingModel(embeddingModel)
          .embeddingStore(store)
          .build()
          .ingest(stored.stream().map(Document::from).toList());
      EmbeddingStoreContentRetriever retriever =
          EmbeddingStoreContentRetriever.builder()
              .embeddingStore(store)
              .embeddingModel(embeddingModel)
              .maxResults(3)
              .build();
      System.out.printf(
          Locale.ROOT,
          "%d questions from %s stored with %s (%d dimensions)%n",
          stored.size(),
          file.normalize(),
          embeddingModel.modelName(),
          embeddingModel.dimension());

      for (LabelledPair pair : asked) {
        System.out.printf(Locale.ROOT, "%nAsked:    %s%n", pair.second());
        for (Content c : retriever.retrieve(Query.from(pair.second()))) {
          String text = c.textSegment().text();
          System.out.printf(
              Locale.ROOT,
              "  %.3f  %s%s%n",
              (Double) c.metadata().get(ContentMetadata.SCORE),
              text,
              text.equals(pair.first()) ? "   <- its labelled duplicate" : "");
        }
      }
    }
  }
}
