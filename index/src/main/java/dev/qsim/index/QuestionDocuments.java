package dev.qsim.index;

import dev.qsim.Embedding;
import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.SimilarityFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * How a {@link LuceneQuestionIndex} stores a question: one document holding the caller's id, the
 * text and the model's embedding scaled to unit length (dot product). Stateless.
 */
final class QuestionDocuments {
  static final String ID = "id";
  static final String QUESTION = "question";
  static final String VECTOR = "vector";

  private QuestionDocuments() {}

  /** Embeds {@code questions} with {@code model} and makes one document per question. */
  static List<Document> embed(
      QuestionSimilarity model, ModelIdentity identity, List<String> ids, List<String> questions) {
    List<Embedding> embeddings = model.embedAll(questions);
    List<Document> docs = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      float[] vector = unitVector(model, identity, embeddings.get(i), i);
      Document doc = new Document();
      doc.add(new StringField(ID, ids.get(i), Field.Store.YES));
      doc.add(new StoredField(QUESTION, questions.get(i)));
      doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
      docs.add(doc);
    }
    return docs;
  }

  private static float[] unitVector(
      QuestionSimilarity model, ModelIdentity identity, Embedding embedding, int index) {
    float[] v = embedding.vector();
    double norm = embedding.norm();
    if (model.similarityFunction() != SimilarityFunction.COSINE && Math.abs(norm - 1) > 1e-3) {
      throw new QsimException(
          "Model "
              + identity.name()
              + " compares by "
              + model.similarityFunction()
              + " but its embedding of questions["
              + index
              + "] has length "
              + norm
              + "; a question index needs normalised embeddings or cosine similarity");
    }
    if (norm == 0) {
      throw new QsimException(
          "Model " + identity.name() + " embeds questions[" + index + "] as the zero vector");
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }
}
