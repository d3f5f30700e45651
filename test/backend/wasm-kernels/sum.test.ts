// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../../src/random.js";
import { assertSameOnBothBackends, initBackends, randomTensor } from "./backends.js";

describe("wasm Sum", () => {
  before(initBackends);

  it("matches the cpu backend over leading axes (the matmul path) and every other reduction", () => {
    const random = new Random(81);
    const x = randomTensor(random, [9, 7, 6, 5]);
    const reductions: (number | number[])[] = [[0, 1, 2], [0, 1], 0, [-4, -3], [1, 0, 2], [1, 2], 3, [0, 3], [0, 1, 2, 3]];
    for (const axis of reductions) {
      for (const keepDims of [false, true]) {
        assertSameOnBothBackends([x], (xs) => tf.sum(xs, axis, keepDims), `axis ${JSON.stringify(axis)} keepDims ${keepDims}`);
      }
    }
  });

  it("gives a conv layer's bias gradient the cpu backend's value", () => {
    const random = new Random(82);
    const x = randomTensor(random, [4, 10, 10, 3]);
    const bias = randomTensor(random, [3]);
    assertSameOnBothBackends([x, bias], (xs, b) => tf.grad((c: tf.Tensor) => tf.sum(tf.square(tf.add(xs, c))))(b), "bias gradient");
  });
});
