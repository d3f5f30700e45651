// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, input, type Circuit } from "../../src/quantum/circuit.js";
import { parameterShiftGradient, simulate, type ParameterShiftJacobian } from "../../src/quantum/simulate.js";
import { randomCircuit } from "./circuits.js";
import { BACKENDS, TOL, assertClose, fixtureNumbers, referenceMeasure, useBackend } from "./reference.js";

/** Gradients are sums over many float32 terms: a looser, named tolerance. */
const TOL_GRAD = Number(process.env.TOL_GRAD ?? 50 * TOL);

/** ∂(Σ_o c_o·out_o)/∂weights and /∂inputs (per sample) by tfjs autodiff. */
function autodiff(circuit: Circuit, inputs: number[][], weights: number[], coefficients: number[]): { weights: number[]; inputs: number[] } {
  return tf.tidy(() => {
    const c = tf.tensor2d([coefficients]);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(simulate(circuit, x as tf.Tensor2D, w as tf.Tensor1D), c));
    const [gx, gw] = tf.grads(f)([tf.tensor2d(inputs), tf.tensor1d(weights)]);
    return { weights: Array.from(gw.dataSync()), inputs: Array.from(gx.dataSync()) };
  });
}

/** The same by central finite differences of the float64 reference (independent of tfjs). */
function finiteDifferences(circuit: Circuit, inputs: number[][], weights: number[], coefficients: number[]): { weights: number[]; inputs: number[] } {
  const h = 1e-5;
  const value = (x: number[][], w: number[]): number =>
    x.reduce((sum, row) => sum + referenceMeasure(circuit, row, w).reduce((s, o, i) => s + coefficients[i] * o, 0), 0);
  const gw = weights.map((_, j) => {
    const plus = [...weights], minus = [...weights];
    plus[j] += h;
    minus[j] -= h;
    return (value(inputs, plus) - value(inputs, minus)) / (2 * h);
  });
  const gx = inputs.flatMap((row, b) =>
    row.map((_, i) => {
      const plus = inputs.map((r) => [...r]), minus = inputs.map((r) => [...r]);
      plus[b][i] += h;
      minus[b][i] -= h;
      return (value(plus, weights) - value(minus, weights)) / (2 * h);
    }),
  );
  return { weights: gw, inputs: gx };
}

function shiftJacobian(circuit: Circuit, inputs: number[][], weights: number[]): ParameterShiftJacobian {
  const x = inputs[0].length === 0 ? (tf.zeros([inputs.length, 0]) as tf.Tensor2D) : tf.tensor2d(inputs);
  const w = tf.tensor1d(weights);
  const jacobian = parameterShiftGradient(circuit, x, w);
  tf.dispose([x, w]);
  return jacobian;
}

function contract(jacobian: tf.Tensor3D, coefficients: number[]): number[][] {
  return tf.tidy(() => tf.sum(tf.mul(jacobian, tf.tensor3d([coefficients.map((c) => [c])])), 1).arraySync() as number[][]);
}

for (const backend of BACKENDS) {
  describe(`gradients on ${backend}`, () => {
    before(() => useBackend(backend));

    it("match parameter shift and finite differences on seeded random circuits with every gate", () => {
      for (let seed = 1; seed <= 5; seed++) {
        const n = 2 + (seed % 3);
        const circuit = randomCircuit(100 + seed, n, 16, { probs: seed % 2 === 0 });
        const outputs = circuit.measurement.kind === "expval" ? circuit.measurement.observables.length : 1 << circuit.measurement.wires.length;
        const coefficients = fixtureNumbers(outputs, seed * 3, -1, 1);
        const inputs = [fixtureNumbers(n, seed * 5), fixtureNumbers(n, seed * 7)];
        const weights = fixtureNumbers(circuit.weightCount, seed * 11);
        const auto = autodiff(circuit, inputs, weights, coefficients);
        const fd = finiteDifferences(circuit, inputs, weights, coefficients);
        const shift = shiftJacobian(circuit, inputs, weights);
        const shiftWeights = contract(shift.weights, coefficients).reduce((sum, row) => sum.map((s, j) => s + row[j]), new Array<number>(circuit.weightCount).fill(0));
        const shiftInputs = contract(shift.inputs, coefficients).flat();
        tf.dispose([shift.weights, shift.inputs]);
        assertClose(auto.weights, fd.weights, TOL_GRAD, `seed ${seed}: autodiff vs finite differences (weights)`);
        assertClose(auto.inputs, fd.inputs, TOL_GRAD, `seed ${seed}: autodiff vs finite differences (inputs)`);
        assertClose(shiftWeights, fd.weights, TOL_GRAD, `seed ${seed}: parameter shift vs finite differences (weights)`);
        assertClose(shiftInputs, fd.inputs, TOL_GRAD, `seed ${seed}: parameter shift vs finite differences (inputs)`);
      }
    });

    it("use the four-term shift rule correctly for CRX, CRY and CRZ", () => {
      for (const gate of ["CRX", "CRY", "CRZ"] as const) {
        const builder = new CircuitBuilder(2, 0).gate("H", [0]).gate("RY", [1], [{ kind: "constant", value: 0.4 }]);
        const circuit = builder.gate(gate, [0, 1], [builder.weight()]).gate("H", [1]).expval([[1], [0, 1]]).build();
        const weights = [0.9];
        const fd = finiteDifferences(circuit, [[]], weights, [1, 0.5]);
        const shift = shiftJacobian(circuit, [[]], weights);
        assertClose(contract(shift.weights, [1, 0.5])[0], fd.weights, TOL_GRAD, `${gate} four-term`);
        tf.dispose([shift.weights, shift.inputs]);
      }
    });

    it("flow through amplitude embedding to the inputs", () => {
      const circuit = new CircuitBuilder(3, 6).amplitudeEmbedding({ pad: 0.3 }).stronglyEntanglingLayers({ layers: 2 }).probs([1, 2]).build();
      const inputs = [fixtureNumbers(6, 1), fixtureNumbers(6, 2)];
      const weights = fixtureNumbers(circuit.weightCount, 3);
      const coefficients = [0.3, -1, 0.7, 0.2];
      const auto = autodiff(circuit, inputs, weights, coefficients);
      const fd = finiteDifferences(circuit, inputs, weights, coefficients);
      assertClose(auto.inputs, fd.inputs, TOL_GRAD, "∂/∂inputs");
      assertClose(auto.weights, fd.weights, TOL_GRAD, "∂/∂weights");
    });

    it("flow through an angle embedding on more than six wires to the inputs", () => {
      const circuit = new CircuitBuilder(7, 7).angleEmbedding({ rotation: "RX" }).basicEntanglerLayers({ layers: 1 }).expval([[0], [6]]).build();
      const inputs = [fixtureNumbers(7, 41)];
      const weights = fixtureNumbers(circuit.weightCount, 42);
      const auto = autodiff(circuit, inputs, weights, [1, -0.5]);
      const fd = finiteDifferences(circuit, inputs, weights, [1, -0.5]);
      assertClose(auto.inputs, fd.inputs, TOL_GRAD, "∂/∂inputs");
      assertClose(auto.weights, fd.weights, TOL_GRAD, "∂/∂weights");
    });

    it("train a circuit with an optimizer: the loss decreases", () => {
      const circuit = new CircuitBuilder(2, 2).angleEmbedding({ rotation: "RY" }).stronglyEntanglingLayers({ layers: 1 }).gate("RY", [0], [input(1, 0.5)]).expval([[0]]).build();
      const x = tf.tensor2d([[0.1, 0.9], [1.2, -0.4]]);
      const target = tf.tensor2d([[0.8], [-0.5]]);
      const w = tf.variable(tf.tensor1d(fixtureNumbers(circuit.weightCount, 9)));
      const optimizer = tf.train.adam(0.1);
      const loss = () => tf.mean(tf.squaredDifference(simulate(circuit, x, w), target)) as tf.Scalar;
      const first = tf.tidy(() => loss().dataSync()[0]);
      for (let step = 0; step < 30; step++) tf.dispose(optimizer.minimize(loss, true) ?? []);
      const last = tf.tidy(() => loss().dataSync()[0]);
      assert.ok(last < first / 4, `loss ${first} → ${last}`);
      tf.dispose([x, target, w]);
      optimizer.dispose();
    });
  });
}
