// SPDX-License-Identifier: MIT
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { buildLabeller, firstKRenormalised, matchedHiddenWidth, refineDistributions } from "../../src/labels/labeller.js";
import { labellerSchema } from "../../src/labels/schema.js";
import { simulate } from "../../src/quantum/simulate.js";
import { bornCircuit } from "../../src/labels/labeller.js";
import { Random } from "../../src/random.js";

await tf.setBackend("cpu");

const K = 10;
const rowSums = (values: Float32Array, classes: number): number[] => Array.from({ length: values.length / classes }, (_, row) => values.subarray(row * classes, (row + 1) * classes).reduce((a, b) => a + b, 0));

function randomAngles(batch: number, size: number, seed: number): tf.Tensor2D {
  const random = new Random(seed);
  return tf.tensor2d(Array.from({ length: batch * size }, () => (random.uniform() * 2 - 1) * Math.PI), [batch, size]);
}

describe("labellers", () => {
  it("give class distributions that sum to 1 for the Born, paper and classical labellers, exact and with shots", () => {
    const configs = [
      labellerSchema.parse({ kind: "born", encoding: "angle", qubits: 4, layers: 2 }),
      labellerSchema.parse({ kind: "born", encoding: "angle", qubits: 4, layers: 2, mapping: "marginal", template: "basic-entangler" }),
      labellerSchema.parse({ kind: "paper", qubits: 4, layers: 2 }),
      labellerSchema.parse({ kind: "classical", encoding: "angle", qubits: 4, layers: 2 }),
    ];
    for (const config of configs) {
      const inputs = config.kind === "paper" ? 16 : 4;
      const labeller = buildLabeller(config, inputs, K, 7);
      for (const shots of [undefined, 50]) {
        const p = tf.tidy(() => labeller.probabilities(randomAngles(6, inputs, 3), { shots, seed: 11 }).dataSync() as Float32Array);
        for (const sum of rowSums(p, K)) assert.ok(Math.abs(sum - 1) < 1e-5, `${config.kind}/${config.mapping} shots ${shots}: row sums to ${sum}`);
        assert.ok(p.every((v) => v >= 0));
      }
      labeller.dispose();
    }
  });

  it("refined soft labels sum to 1 under temperature, alpha mixing and the M4 confidence gate", () => {
    const random = new Random(5);
    const rows = 50;
    const raw = new Float32Array(rows * K);
    for (let row = 0; row < rows; row++) {
      const logits = Array.from({ length: K }, () => random.normal() * 3);
      const total = logits.reduce((a, b) => a + Math.exp(b), 0);
      logits.forEach((z, k) => (raw[row * K + k] = Math.exp(z) / total));
    }
    const labels = Int32Array.from({ length: rows }, () => random.integer(K));
    for (const settings of [{ temperature: 1, alpha: 0 }, { temperature: 0.05, alpha: 0.3 }, { temperature: 4, alpha: 0, confidence: 0.9 }]) {
      const soft = refineDistributions(raw, labels, K, settings);
      for (const sum of rowSums(soft, K)) assert.ok(Math.abs(sum - 1) < 1e-5, `${JSON.stringify(settings)}: ${sum}`);
    }
    const gated = refineDistributions(raw, labels, K, { temperature: 1, alpha: 0, confidence: 0.9 });
    for (let row = 0; row < rows; row++) {
      const top = Math.max(...raw.subarray(row * K, (row + 1) * K));
      if (top < 0.9) assert.equal(gated[row * K + labels[row]], 1, "below the gate: one-hot");
      else assert.ok(Math.abs(gated[row * K] - raw[row * K]) < 1e-6, "above the gate: the labeller's distribution");
    }
  });

  it("finite-shot labels converge to the exact Born probabilities as shots grow (error within 4 standard errors, shrinking ~1/√N)", () => {
    const config = labellerSchema.parse({ kind: "born", encoding: "angle", qubits: 4, layers: 2, mapping: "marginal" });
    const circuit = bornCircuit(config, 4, K);
    const weights = tf.tensor1d(Array.from({ length: circuit.weightCount }, (_, i) => 0.37 * i + 0.1));
    const inputs = randomAngles(4, 4, 9);
    const exact = simulate(circuit, inputs, weights).dataSync() as Float32Array;
    const FOUR_SIGMA = 4;
    const errors: number[] = [];
    for (const shots of [100, 10_000, 1_000_000]) {
      const estimate = simulate(circuit, inputs, weights, { shots, seed: 21 }).dataSync() as Float32Array;
      let worst = 0;
      exact.forEach((p, i) => {
        const sigma = Math.sqrt(Math.max(p * (1 - p), 1e-12) / shots);
        worst = Math.max(worst, Math.abs(estimate[i] - p) / Math.max(sigma, 1 / shots));
        assert.ok(Math.abs(estimate[i] - p) <= FOUR_SIGMA * sigma + 1 / shots, `shots ${shots}, state ${i}: ${estimate[i]} vs ${p}`);
      });
      errors.push(Math.max(...exact.map((p, i) => Math.abs(estimate[i] - p))));
    }
    assert.ok(errors[2] < errors[0] / 10, `max error ${errors.join(" → ")}`);
    const exactLabels = firstKRenormalised(tf.tensor2d(exact, [4, 16]), K).dataSync();
    const shotLabels = firstKRenormalised(simulate(circuit, inputs, weights, { shots: 1_000_000, seed: 3 }), K).dataSync();
    exactLabels.forEach((p, i) => assert.ok(Math.abs(shotLabels[i] - p) < 0.01, `label ${i}: ${shotLabels[i]} vs ${p}`));
  });

  it("sizes the classical control's hidden layer so its parameters come close to the quantum labeller's", () => {
    const born = labellerSchema.parse({ kind: "classical", matches: "born", encoding: "angle", qubits: 10, layers: 4 });
    const hidden = matchedHiddenWidth(born, 10, K);
    const classicalParameters = 10 * hidden + hidden + hidden * K + K;
    assert.ok(Math.abs(classicalParameters - 120) <= 21, `${classicalParameters} vs 120 circuit weights`);
    const paper = labellerSchema.parse({ kind: "classical", matches: "paper", qubits: 10, layers: 3 });
    const quantum = buildLabeller({ ...paper, kind: "paper" }, 784, K, 3);
    const classical = buildLabeller(paper, 784, K, 3);
    assert.ok(Math.abs(classical.parameters.total / quantum.parameters.total - 1) < 0.01, `${classical.parameters.total} vs ${quantum.parameters.total}`);
    quantum.dispose();
    classical.dispose();
  });
});
