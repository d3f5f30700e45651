// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, constant } from "../../src/quantum/circuit.js";
import { simulate } from "../../src/quantum/simulate.js";
import { BACKENDS, TOL, TOL_STOCHASTIC, assertClose, useBackend } from "./reference.js";

const circuit = (measure: "probs" | "expval") => {
  const builder = new CircuitBuilder(3).gate("H", [0]).gate("RY", [1], [constant(1.1)]).gate("CNOT", [0, 2]).gate("RX", [2], [constant(0.6)]);
  return measure === "probs" ? builder.probs([2, 1]).build() : builder.expval([[0], [1], [0, 2]]).build();
};

for (const backend of BACKENDS) {
  describe(`finite shots on ${backend}`, () => {
    before(() => useBackend(backend));

    it("converge to the exact probabilities and expectations", () => {
      for (const measure of ["probs", "expval"] as const) {
        const c = circuit(measure);
        const x = tf.zeros([2, 0]) as tf.Tensor2D;
        const exact = simulate(c, x).arraySync();
        const estimate = simulate(c, x, undefined, { shots: 20000, seed: 7 }).arraySync();
        estimate.forEach((row, b) => assertClose(row, exact[b], TOL_STOCHASTIC / 2, `${measure}, 20000 shots, sample ${b}`));
        x.dispose();
      }
    });

    it("repeat with the same seed and differ with another", () => {
      const c = circuit("probs");
      const x = tf.zeros([1, 0]) as tf.Tensor2D;
      const a = simulate(c, x, undefined, { shots: 100, seed: 1 }).arraySync()[0];
      const b = simulate(c, x, undefined, { shots: 100, seed: 1 }).arraySync()[0];
      const other = simulate(c, x, undefined, { shots: 100, seed: 2 }).arraySync()[0];
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, other);
      assert.ok(a.every((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-4), "frequencies are counts / shots");
      x.dispose();
    });

    it("return the exact gradient of the expectation (shot noise enters the value only)", () => {
      const builder = new CircuitBuilder(2);
      const c = builder.gate("RY", [0], [builder.weight()]).gate("CNOT", [0, 1]).expval([[1]]).build();
      const x = tf.zeros([1, 0]) as tf.Tensor2D;
      const w = tf.tensor1d([0.7]);
      const exactGrad = tf.grad((v: tf.Tensor) => tf.sum(simulate(c, x, v as tf.Tensor1D)))(w).dataSync();
      const shotGrad = tf.grad((v: tf.Tensor) => tf.sum(simulate(c, x, v as tf.Tensor1D, { shots: 50, seed: 4 })))(w).dataSync();
      assertClose(shotGrad, exactGrad, TOL, "gradient with shots");
      assertClose(exactGrad, [-Math.sin(0.7)], TOL, "d cos θ / dθ");
      tf.dispose([x, w]);
    });
  });
}
