// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { conv2dReluMaxPool, createTrainStep, dense, imageBatch } from "../../src/backend/train-step.js";
import { Random } from "../../src/random.js";
import { assertClose, initBackends, randomTensor, runOn, type HostTensor } from "./wasm-kernels/backends.js";

/** The same block from plain tfjs ops, differentiated by tfjs itself. */
function referenceBlock(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, pad: "valid" | "same", strides: number): tf.Tensor4D {
  return tf.maxPool(tf.relu(tf.add(tf.conv2d(x, filter, strides, pad), bias)), 2, 2, "valid");
}

function blockGradients(backend: "wasm" | "cpu", inputs: HostTensor[], fused: boolean, pad: "valid" | "same", strides: number): HostTensor[] {
  return [0, 1, 2, 3].map((which) =>
    runOn(backend, inputs, (x, filter, bias, weights) => {
      const block = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        fused ? conv2dReluMaxPool(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, { pool: 2, pad, strides }) : referenceBlock(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, pad, strides);
      if (which === 3) return block(x, filter, bias);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(block(a, b, c), weights)))([x, filter, bias])[which];
    }),
  );
}

describe("conv2dReluMaxPool", () => {
  before(initBackends);

  it("gives the output and the x, filter and bias gradients of maxPool(relu(conv2d + bias)) on wasm and cpu", () => {
    const random = new Random(71);
    for (const [pad, strides, size] of [["valid", 1, 11], ["same", 1, 8], ["same", 2, 13]] as const) {
      const x = randomTensor(random, [3, size, size, 2]);
      const filter = randomTensor(random, [3, 3, 2, 5]);
      const bias = randomTensor(random, [5]);
      const convSize = pad === "valid" ? size - 2 : Math.ceil(size / strides);
      const weights = randomTensor(random, [3, Math.floor(convSize / 2), Math.floor(convSize / 2), 5]);
      const expected = blockGradients("cpu", [x, filter, bias, weights], false, pad, strides);
      for (const backend of ["wasm", "cpu"] as const) {
        const actual = blockGradients(backend, [x, filter, bias, weights], true, pad, strides);
        ["dx", "dfilter", "dbias", "output"].forEach((name, index) => assertClose(actual[index], expected[index], `${backend} ${pad} s${strides} ${name}`, 1e-4));
      }
    }
  });

  it("gives zeros for x's gradient when told that nothing upstream needs it", () => {
    const random = new Random(72);
    const inputs = [randomTensor(random, [2, 6, 6, 1]), randomTensor(random, [3, 3, 1, 4]), randomTensor(random, [4])];
    const dx = runOn("wasm", inputs, (x, filter, bias) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(conv2dReluMaxPool(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, { pool: 2, inputGradient: false })))([x, filter, bias])[0],
    );
    assert.ok(dx.values.every((value) => value === 0));
  });
});

describe("createTrainStep", () => {
  before(initBackends);

  it("lowers the loss of a small CNN on a fixed batch and leaks no tensors", () => {
    const random = new Random(73);
    const images = Uint8Array.from({ length: 16 * 10 * 10 }, () => random.integer(256));
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 3);
    const c1 = tf.variable(tf.initializers.heNormal({ seed: 74 }).apply([3, 3, 1, 4]) as tf.Tensor);
    const b1 = tf.variable(tf.zeros([4]));
    const d1 = tf.variable(tf.initializers.heNormal({ seed: 75 }).apply([16 * 4, 3]) as tf.Tensor);
    const e1 = tf.variable(tf.zeros([3]));
    const optimizer = tf.train.adam(1e-2);
    const step = createTrainStep({
      variables: [c1, b1, d1, e1],
      optimizer,
      loss: (x, y) => {
        const h = conv2dReluMaxPool(x as tf.Tensor4D, c1 as tf.Tensor4D, b1 as tf.Tensor1D, { pool: 2, inputGradient: false });
        return tf.losses.softmaxCrossEntropy(y, dense(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D, d1 as tf.Tensor2D, e1 as tf.Tensor1D, "linear")) as tf.Scalar;
      },
    });
    const x = imageBatch(images, Int32Array.from({ length: 16 }, (_, i) => i), [10, 10, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), 3);
    const first = step(x, y);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = step(x, y);
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(last < first / 2, `loss ${first} → ${last}`);
    tf.dispose([x, y, c1, b1, d1, e1]);
    optimizer.dispose();
  });
});

describe("imageBatch", () => {
  before(initBackends);

  it("gathers the chosen rows of uint8 HWC images as float32 on the [0, 1] scale", () => {
    const images = Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 10, 20, 30, 40]);
    const batch = imageBatch(images, [2, 0], [2, 1, 2]);
    assert.deepEqual(batch.shape, [2, 2, 1, 2]);
    assert.deepEqual(Array.from(batch.dataSync()), [10, 20, 30, 40, 0, 255, 51, 102].map((v) => Math.fround(v / 255)));
    batch.dispose();
  });
});
