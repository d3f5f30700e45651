// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../../src/random.js";
import { assertSameOnBothBackends, initBackends, randomTensor } from "./backends.js";

describe("wasm MaxPoolGrad", () => {
  before(initBackends);

  it("routes each window's gradient to its first maximum as the cpu backend does, ties included", () => {
    const random = new Random(41);
    const geometries: { size: [number, number]; strides: [number, number]; pad: "same" | "valid" }[] = [
      { size: [2, 2], strides: [2, 2], pad: "valid" },
      { size: [2, 2], strides: [2, 2], pad: "same" },
      { size: [3, 3], strides: [2, 2], pad: "same" },
      { size: [3, 2], strides: [1, 1], pad: "valid" },
      { size: [3, 3], strides: [1, 2], pad: "same" },
    ];
    for (const { size, strides, pad } of geometries) {
      for (const levels of [undefined, 3]) {
        const x = randomTensor(random, [2, 7 + random.integer(4), 6 + random.integer(4), 1 + random.integer(4)], levels);
        const pooledShape = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], size, strides, 1, pad).outShape;
        const weights = randomTensor(random, pooledShape);
        const label = `pool ${size} s${strides} ${pad}${levels ? " with ties" : ""}`;
        const pooledLoss = (input: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, strides, pad), w));
        assertSameOnBothBackends([x, weights], (xs, w) => tf.grad((input: tf.Tensor) => pooledLoss(input, w))(xs), label);
      }
    }
  });
});
