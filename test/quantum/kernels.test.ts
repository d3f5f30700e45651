// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cosSin, permuteAxes, swapLastTwo, transpose2d } from "../../src/quantum/simulator/kernels.js";
import { BACKENDS, TOL, assertClose, fixtureNumbers, useBackend } from "./reference.js";

for (const backend of BACKENDS) {
  describe(`simulator kernels on ${backend}`, () => {
    before(() => useBackend(backend));

    it("swap the last two axes like tf.transpose, in the tiled and the plain paths", () => {
      for (const [p, q, r] of [[1, 2048, 64], [3, 128, 256], [2, 16, 8192], [5, 3, 7], [1, 64, 64], [4, 1, 9]]) {
        const x = tf.tensor(fixtureNumbers(p * q * r, p + q + r), [p, q, r]);
        const expected = tf.transpose(x, [0, 2, 1]).dataSync();
        assertClose(swapLastTwo(x, p, q, r).dataSync(), expected, 0, `[${p}, ${q}, ${r}]`);
        x.dispose();
      }
      const m = tf.tensor2d(fixtureNumbers(4096 * 32, 9), [4096, 32]);
      assertClose(transpose2d(m).dataSync(), tf.transpose(m).dataSync(), 0, "transpose2d [4096, 32]");
    });

    it("permute binary axes of a state like a dense index permutation", () => {
      const batch = 3, axes = [0, 1, 2, 3, 4, 5], order = [4, 0, 5, 2, 1, 3];
      const data = fixtureNumbers(batch * 64, 5);
      const out = permuteAxes(tf.tensor2d(data, [batch, 64]), batch, axes, order).dataSync();
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < 64; j++) {
          // Bit of wire `order[t]` in the new index j sits at position t (most significant first).
          let source = 0;
          order.forEach((wire, t) => (source |= ((j >> (5 - t)) & 1) << (5 - wire)));
          assert.equal(out[b * 64 + j], Math.fround(data[b * 64 + source]));
        }
      }
    });

    it("evaluate cos and sin by polynomial on large tensors to float32 accuracy", () => {
      const angles = fixtureNumbers(70000, 3, -40, 40);
      const [c, s] = cosSin(tf.tensor1d(angles));
      assertClose(c.dataSync(), angles.map(Math.cos), TOL, "cos");
      assertClose(s.dataSync(), angles.map(Math.sin), TOL, "sin");
      tf.dispose([c, s]);
    });
  });
}
