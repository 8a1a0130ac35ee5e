package dev.qsim.training.scratch;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * The opset-13 operators that the scratch encoders' graphs need and that Tribuo's {@link
 * ONNXOperators} lacks. Each constant states the inputs, outputs and attributes of the ONNX
 * operator of that name as defined in opset 13 (trailing optional outputs are not produced).
 *
 * <p>Immutable and thread-safe.
 */
enum OnnxOp implements ONNXOperator {
  /** {@code LSTM(X, W, R, [B, sequence_lens, initial_h, initial_c, P]) -> Y}. */
  LSTM(
      "LSTM",
      3,
      5,
      attribute("hidden_size", AttributeType.INT, true),
      attribute("direction", AttributeType.STRING, false),
      attribute("activations", AttributeType.STRINGS, false),
      attribute("activation_alpha", AttributeType.FLOATS, false),
      attribute("activation_beta", AttributeType.FLOATS, false),
      attribute("clip", AttributeType.FLOAT, false),
      attribute("input_forget", AttributeType.INT, false)),
  /** {@code Conv(X, W, [B]) -> Y}. */
  CONV(
      "Conv",
      2,
      1,
      attribute("auto_pad", AttributeType.STRING, false),
      attribute("dilations", AttributeType.INTS, false),
      attribute("group", AttributeType.INT, false),
      attribute("kernel_shape", AttributeType.INTS, false),
      attribute("pads", AttributeType.INTS, false),
      attribute("strides", AttributeType.INTS, false)),
  /** {@code Relu(X) -> Y}. */
  RELU("Relu", 1, 0),
  /** {@code Transpose(data) -> transposed}. */
  TRANSPOSE("Transpose", 1, 0, attribute("perm", AttributeType.INTS, false)),
  /**
   * {@code Reshape(data, shape) -> reshaped} (a 0 in {@code shape} copies that input dimension).
   */
  RESHAPE("Reshape", 2, 0),
  /** {@code Shape(data) -> shape} (int64). */
  SHAPE("Shape", 1, 0),
  /** {@code Range(start, limit, delta) -> output} of scalars. */
  RANGE("Range", 3, 0),
  /** {@code ReduceMax(data) -> reduced}; opset 13 takes the axes as an attribute. */
  REDUCE_MAX(
      "ReduceMax",
      1,
      0,
      attribute("axes", AttributeType.INTS, false),
      attribute("keepdims", AttributeType.INT, false)),
  /** {@code ReduceL2(data) -> reduced}; opset 13 takes the axes as an attribute. */
  REDUCE_L2(
      "ReduceL2",
      1,
      0,
      attribute("axes", AttributeType.INTS, false),
      attribute("keepdims", AttributeType.INT, false)),
  /** Element-wise {@code Max(data_0, ...) -> max} with broadcasting. */
  MAX("Max", ONNXAttribute.VARIADIC_INPUT, 0);

  private final String opName;
  private final int numInputs;
  private final int numOptionalInputs;
  private final Map<String, ONNXAttribute> attributes;
  private final Set<String> mandatoryAttributeNames;

  OnnxOp(String opName, int numInputs, int numOptionalInputs, ONNXAttribute... attributes) {
    this.opName = opName;
    this.numInputs = numInputs;
    this.numOptionalInputs = numOptionalInputs;
    Map<String, ONNXAttribute> byName = new LinkedHashMap<>();
    Set<String> mandatory = new LinkedHashSet<>();
    for (ONNXAttribute attribute : attributes) {
      byName.put(attribute.getName(), attribute);
      if (attribute.isMandatory()) {
        mandatory.add(attribute.getName());
      }
    }
    this.attributes = Collections.unmodifiableMap(byName);
    this.mandatoryAttributeNames = Collections.unmodifiableSet(mandatory);
  }

  private static ONNXAttribute attribute(String name, AttributeType type, boolean mandatory) {
    return new ONNXAttribute(name, type, mandatory);
  }

  @Override
  public String getOpName() {
    return opName;
  }

  @Override
  public int getNumInputs() {
    return numInputs;
  }

  @Override
  public int getNumOptionalInputs() {
    return numOptionalInputs;
  }

  @Override
  public int getNumOutputs() {
    return 1;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return attributes;
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return mandatoryAttributeNames;
  }

  @Override
  public int getOpVersion() {
    return ONNXOperators.getOpsetVersion();
  }

  @Override
  public String getOpDomain() {
    return null;
  }
}
