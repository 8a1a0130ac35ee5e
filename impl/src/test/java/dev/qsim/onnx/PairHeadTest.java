package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class PairHeadTest {

  @Test
  void logisticHeadMatchesHandComputation() {
    // dimension 1: features [u, v, |u-v|, u*v]; one sigmoid output.
    JsonObject json =
        JsonParser.parseString(
                "{\"format_version\":1,\"features\":\"u,v,|u-v|,u*v\",\"layers\":["
                    + "{\"weights\":[[1.0,-2.0,0.5,3.0]],\"bias\":[0.25],\"activation\":\"sigmoid\"}]}")
            .getAsJsonObject();
    PairHead head = PairHead.parse(json, 1);
    float u = 0.6f;
    float v = -0.2f;
    // p(u,v): z = 0.6 - 2(-0.2) + 0.5*0.8 + 3*(-0.12) + 0.25 = 0.6 + 0.4 + 0.4 - 0.36 + 0.25 = 1.29
    // p(v,u): z = -0.2 - 1.2 + 0.4 - 0.36 + 0.25 = -1.11
    double expected = 0.5 * (1 / (1 + Math.exp(-1.29)) + 1 / (1 + Math.exp(1.11)));
    assertThat(head.probability(new float[] {u}, new float[] {v}))
        .isCloseTo(expected, within(1e-6));
    assertThat(head.probability(new float[] {v}, new float[] {u}))
        .isCloseTo(head.probability(new float[] {u}, new float[] {v}), within(1e-12));
  }

  @Test
  void mlpWithSoftmaxMatchesHandComputation() {
    JsonObject json =
        JsonParser.parseString(
                "{\"format_version\":1,\"layers\":["
                    + "{\"weights\":[[1,0,0,0],[0,0,1,0]],\"bias\":[0,-0.5],\"activation\":\"relu\"},"
                    + "{\"weights\":[[1,0],[0,2]],\"bias\":[0,0],\"activation\":\"softmax\"}]}")
            .getAsJsonObject();
    PairHead head = PairHead.parse(json, 1);
    // u=1, v=0: hidden = [relu(1), relu(1 - 0.5)] = [1, 0.5]; logits [1, 1]; p = 0.5.
    // u=0, v=1: hidden = [relu(0), relu(0.5)] = [0, 0.5]; logits [0, 1]; p = e/(1+e).
    double expected = 0.5 * (0.5 + Math.E / (1 + Math.E));
    assertThat(head.probability(new float[] {1}, new float[] {0}))
        .isCloseTo(expected, within(1e-6));
  }

  @Test
  void rejectsMalformedHeads() {
    assertThatThrownBy(
            () ->
                PairHead.parse(
                    JsonParser.parseString(
                            "{\"format_version\":1,\"layers\":[{\"weights\":[[1,2]],\"bias\":[0],"
                                + "\"activation\":\"sigmoid\"}]}")
                        .getAsJsonObject(),
                    1))
        .hasMessageContaining("has 2 weights, expected 4");
    assertThatThrownBy(
            () ->
                PairHead.parse(
                    JsonParser.parseString(
                            "{\"format_version\":1,\"layers\":[{\"weights\":[[1,2,3,4]],\"bias\":[0],"
                                + "\"activation\":\"relu\"}]}")
                        .getAsJsonObject(),
                    1))
        .hasMessageContaining("last layer");
  }
}
