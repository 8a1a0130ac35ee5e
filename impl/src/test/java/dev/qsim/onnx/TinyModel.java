package dev.qsim.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small real model directory for tests that load, quantise or damage models quickly: a word
 * embedding table (the bundled WordPiece vocabulary, 32 values a token) and one MatMul to 24
 * dimensions, mean-pooled; written by the one model writer.
 */
final class TinyModel {
  private static final int VOCAB = 30522;
  private static final int IN = 32;
  private static final int OUT = 24;

  private TinyModel() {}

  /** Writes the model directory {@code target} (must not exist). */
  static Path write(Path target) {
    return ModelDirectoryWriter.write(
        target,
        dir -> {
          Files.write(dir.resolve("model.onnx"), graph().toByteArray());
          try (InputStream in =
              TinyModel.class
                  .getClassLoader()
                  .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            if (in == null) {
              throw new IOException("the bundled tokenizer is not on the test class path");
            }
            Files.copy(in, dir.resolve("tokenizer.json"));
          }
          return ModelMetadata.builder()
              .name("tiny")
              .pooling(Pooling.MEAN)
              .dimension(OUT)
              .maxSequenceLength(32)
              .similarityFunction(SimilarityFunction.COSINE)
              .similarityThreshold(0.5)
              .output("out")
              .build();
        });
  }

  private static ModelProto graph() {
    Random r = new Random(7);
    TypeProto ids =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.INT64_VALUE)
                    .setShape(
                        TensorShapeProto.newBuilder()
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"))))
            .build();
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int i = 0; i < 3; i++) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
    }
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("tiny")
            .addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(ids))
            .addInitializer(floats("table", r, VOCAB, IN))
            .addNode(node("Gather", "embed", List.of("table", "input_ids"), "emb"))
            .addInitializer(floats("w", r, IN, OUT))
            .addInitializer(floats("b", r, OUT))
            .addNode(node("MatMul", "mm", List.of("emb", "w"), "h"))
            .addNode(node("Add", "bias", List.of("h", "b"), "out"))
            .addOutput(
                ValueInfoProto.newBuilder()
                    .setName("out")
                    .setType(
                        TypeProto.newBuilder()
                            .setTensorType(
                                TypeProto.Tensor.newBuilder()
                                    .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                    .setShape(shape))));
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("qsim-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(g)
        .build();
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static TensorProto floats(String name, Random r, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < n; i++) {
      b.putFloat((float) r.nextGaussian());
    }
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
