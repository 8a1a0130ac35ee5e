package dev.qsim.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.qsim.QuestionSimilarity;
import dev.qsim.UnreadableQuestionException;
import dev.qsim.data.LabelledPair;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link QsimEmbeddingModel} in LangChain4j's own ingestion and search (its {@link
 * EmbeddingStoreIngestor} and {@link InMemoryEmbeddingStore}) over real Quora questions, with
 * qsim's own vectors as the reference.
 */
class QsimEmbeddingModelTest {
  private static OnnxQuestionSimilarity qsim;
  private static QsimEmbeddingModel model;

  @BeforeAll
  static void borrowTheSharedModel() {
    qsim = SharedModel.get();
    model = new QsimEmbeddingModel(qsim);
  }

  @Test
  void ingestedQuestionsAreFoundByTheirParaphrases() {
    List<String> stored = QuoraDev.storedQuestions();
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      documents.add(Document.from(stored.get(i), new Metadata().put("index", i)));
    }
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    EmbeddingStoreIngestor.builder()
        .embeddingModel(model)
        .embeddingStore(store)
        .build()
        .ingest(documents);
    assertThat(store.size()).isEqualTo(stored.size());

    List<EmbeddingMatch<TextSegment>> found =
        search(store, model.embed(QuoraDev.PARAPHRASE).content(), 5);
    assertThat(found.get(0).embedded().text()).isEqualTo(QuoraDev.STORED);
    // The store holds qsim's vectors (one batch, as qsim embeds the same list) and scores by
    // LangChain4j's relevance, (cosine + 1) / 2 of qsim's similarity.
    List<dev.qsim.Embedding> reference = qsim.embedAll(stored);
    for (EmbeddingMatch<TextSegment> match : found) {
      int index = match.embedded().metadata().getInteger("index");
      assertVector(match.embedding().vector(), reference.get(index).vector());
      assertThat(match.score())
          .isCloseTo(
              (qsim.similarity(QuoraDev.PARAPHRASE, stored.get(index)) + 1) / 2, within(1e-5));
    }

    // Every duplicate pair of the sample: its second question, embedded in one batch with the
    // others, finds its first at the top.
    List<LabelledPair> duplicates =
        QuoraDev.sample().stream().filter(LabelledPair::isDuplicate).toList();
    List<Embedding> queries =
        model.embedAll(segments(duplicates.stream().map(LabelledPair::second).toList())).content();
    int foundFirst = 0;
    for (int i = 0; i < duplicates.size(); i++) {
      String top = search(store, queries.get(i), 1).get(0).embedded().text();
      foundFirst += top.equals(duplicates.get(i).first()) ? 1 : 0;
    }
    // Measured: all 107 duplicate pairs of this seeded sample (200 pairs spread over the file).
    assertThat(duplicates).hasSize(107);
    assertThat(foundFirst).isGreaterThanOrEqualTo(104);
  }

  @Test
  void vectorsAreQsimsOwnAndEmbedAllEqualsEmbedOneByOne() {
    List<String> texts = QuoraDev.storedQuestions().subList(0, 24);
    List<Embedding> batch = model.embedAll(segments(texts)).content();
    List<dev.qsim.Embedding> own = qsim.embedAll(texts);
    assertThat(batch).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      assertVector(batch.get(i).vector(), own.get(i).vector());
      assertVector(model.embed(texts.get(i)).content().vector(), batch.get(i).vector());
      assertVector(
          model.embed(TextSegment.from(texts.get(i))).content().vector(), own.get(i).vector());
    }
    assertThat(model.embedAll(List.of()).content()).isEmpty();
  }

  @Test
  void dimensionAndModelNameAreTheModelsOwn() {
    assertThat(model.dimension()).isEqualTo(384).isEqualTo(qsim.dimension());
    assertThat(model.embed("How do I learn Java?").content().dimension()).isEqualTo(384);
    assertThat(model.modelName())
        .isEqualTo(qsim.metadata().name())
        .isEqualTo("all-MiniLM-L6-v2 fine-tuned on Quora");
    // LangChain4j's request API goes through the same batch and reports the name.
    EmbeddingResponse response =
        model.embed(
            EmbeddingRequest.builder()
                .textSegments(segments(List.of("How do I learn Java?", "Is Java hard?")))
                .build());
    assertThat(response.embeddings()).hasSize(2);
    assertThat(response.metadata().modelName()).isEqualTo(qsim.metadata().name());
  }

  @Test
  void badSegmentsAreRefusedNamingTheirIndex() {
    assertThatThrownBy(() -> model.embedAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("textSegments");
    assertThatThrownBy(() -> model.embedAll(Arrays.asList(TextSegment.from("Why?"), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("textSegments[1]");
    // Zero-width space and word joiner: LangChain4j's TextSegment accepts them, qsim's blank rule
    // does not.
    assertThatThrownBy(
            () -> model.embedAll(segments(List.of("Why?", "How?", "\u200B\u2060", "Who?"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("textSegments[2] is blank: a question needs at least one visible character");
    assertThatThrownBy(() -> model.embedAll(segments(List.of("Why?", "🙂"))))
        .isInstanceOf(UnreadableQuestionException.class)
        .hasMessageStartingWith("textSegments[1] is unreadable")
        .satisfies(
            e ->
                assertThat(((UnreadableQuestionException) e).argument())
                    .isEqualTo("textSegments[1]"));
    assertThatThrownBy(() -> new QsimEmbeddingModel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("similarity");
  }

  @Test
  void closingABorrowingModelLeavesTheModelOpen() {
    QsimEmbeddingModel borrowing = new QsimEmbeddingModel(qsim);
    borrowing.close();
    borrowing.close();
    assertThatThrownBy(() -> borrowing.embed("Is this still open?"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This QsimEmbeddingModel is closed");
    assertThatThrownBy(borrowing::dimension).isInstanceOf(IllegalStateException.class);
    assertThat(qsim.embed("Is this still open?").dimension()).isEqualTo(384);
    assertThat(model.embed("Is this still open?").content().dimension()).isEqualTo(384);
  }

  @Test
  void theDefaultConstructorOpensTheBundledModelAndClosesItUnderCallers() throws Exception {
    String q = QuoraDev.STORED;
    QsimEmbeddingModel own = new QsimEmbeddingModel();
    QuestionSimilarity opened = own.model.similarity();
    assertThat(opened).isNotSameAs(qsim);
    assertThat(own.modelName()).isEqualTo(qsim.metadata().name());
    assertVector(own.embed(q).content().vector(), qsim.embed(q).vector());

    // Closed while two threads embed: every call returns whole results or refuses with
    // IllegalStateException, and the model it opened is closed once they are out.
    List<TextSegment> batch = segments(QuoraDev.storedQuestions().subList(0, 16));
    AtomicInteger calls = new AtomicInteger();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread caller =
          new Thread(
              () -> {
                while (true) {
                  try {
                    int n = own.embedAll(batch).content().size();
                    if (n != batch.size()) {
                      unexpected.add(new AssertionError(n + " embeddings for " + batch.size()));
                    }
                    calls.incrementAndGet();
                  } catch (IllegalStateException closed) {
                    return;
                  } catch (Throwable e) {
                    unexpected.add(e);
                    return;
                  }
                }
              },
              "langchain4j-close-race-" + t);
      callers.add(caller);
      caller.start();
    }
    while (calls.get() < 2 && unexpected.isEmpty()) {
      Thread.sleep(5);
    }
    own.close();
    own.close();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(unexpected).isEmpty();
    assertThatThrownBy(() -> own.embed(q))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This QsimEmbeddingModel is closed");
    assertThatThrownBy(() -> opened.embed(q)).isInstanceOf(IllegalStateException.class);
  }

  private static List<EmbeddingMatch<TextSegment>> search(
      InMemoryEmbeddingStore<TextSegment> store, Embedding query, int k) {
    return store
        .search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(k).build())
        .matches();
  }

  static List<TextSegment> segments(List<String> texts) {
    return texts.stream().map(TextSegment::from).toList();
  }

  private static void assertVector(float[] actual, float[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("component %d", k).isCloseTo(expected[k], within(1e-6f));
    }
  }
}
