// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../../src/random.js";
import { assertSameOnBothBackends, initBackends, randomTensor } from "./backends.js";

describe("wasm BatchMatMul and _FusedMatMul", () => {
  before(initBackends);

  it("match the cpu backend for every transpose combination, batched and broadcast", () => {
    const random = new Random(51);
    const shapes: [number[], number[]][] = [
      [[5, 7], [7, 3]],
      [[4, 5, 7], [4, 7, 3]],
      [[4, 5, 7], [1, 7, 3]],
    ];
    for (const [aShape, bShape] of shapes) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const swap = (shape: number[], flag: boolean) => (flag ? [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]] : shape);
          const a = randomTensor(random, swap(aShape, transposeA));
          const b = randomTensor(random, swap(bShape, transposeB));
          const label = `${a.shape}·${b.shape} tA=${transposeA} tB=${transposeB}`;
          assertSameOnBothBackends([a, b], (x, y) => tf.matMul(x, y, transposeA, transposeB), label);
        }
      }
    }
  });

  it("keep bias and activation of a fused matmul with transposed operands", () => {
    const random = new Random(52);
    const a = randomTensor(random, [6, 4]);
    const b = randomTensor(random, [5, 6]);
    const bias = randomTensor(random, [5]);
    assertSameOnBothBackends([a, b, bias], (x, y, z) => tf.fused.matMul({ a: x, b: y, transposeA: true, transposeB: true, bias: z, activation: "relu" }), "fused");
  });

  it("give a dense layer's gradients (transposed products) the cpu backend's values", () => {
    const random = new Random(53);
    const x = randomTensor(random, [8, 12]);
    const w = randomTensor(random, [12, 5]);
    for (const wrt of [0, 1]) {
      assertSameOnBothBackends([x, w], (xs, ws) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(a, b)))))([xs, ws])[wrt], `grad ${wrt}`);
    }
  });
});
