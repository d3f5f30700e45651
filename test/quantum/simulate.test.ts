// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, constant, input, type Circuit } from "../../src/quantum/circuit.js";
import { GATE_NAMES, GATES, multiply, type ComplexMatrix, type GateName } from "../../src/quantum/gates.js";
import { AMPLITUDE_NORM_EPSILON, applyMatrix, simulate, simulateState } from "../../src/quantum/simulate.js";
import { randomCircuit } from "./circuits.js";
import { BACKENDS, TOL, assertClose, fixtureNumbers, referenceMeasure, referenceState, useBackend } from "./reference.js";

const none = (batch = 1): tf.Tensor2D => tf.zeros([batch, 0]);

function run(circuit: Circuit, inputs: number[][] = [[]], weights: number[] = [], maxBlockQubits?: number): number[][] {
  return tf.tidy(() => {
    const x = inputs[0].length === 0 ? none(inputs.length) : tf.tensor2d(inputs);
    const w = weights.length === 0 ? undefined : tf.tensor1d(weights);
    return simulate(circuit, x, w, { maxBlockQubits }).arraySync();
  });
}

for (const backend of BACKENDS) {
  describe(`simulate on ${backend}`, () => {
    before(() => useBackend(backend));

    it("prepares the Bell state (|00⟩ + |11⟩)/√2", () => {
      const bell = new CircuitBuilder(2).gate("H", [0]).gate("CNOT", [0, 1]).probs().build();
      assertClose(run(bell)[0], [0.5, 0, 0, 0.5], TOL, "Bell probabilities");
      const state = simulateState(bell, none());
      assertClose(state.re.dataSync(), [Math.SQRT1_2, 0, 0, Math.SQRT1_2], TOL, "Bell amplitudes");
      assertClose(state.im.dataSync(), [0, 0, 0, 0], TOL, "Bell imaginary parts");
      tf.dispose([state.re, state.im]);
    });

    it("prepares the 3-qubit GHZ state with ⟨Z0 Z1⟩ = ⟨Z1 Z2⟩ = 1 and ⟨Z_i⟩ = 0", () => {
      const ghz = new CircuitBuilder(3).gate("H", [0]).gate("CNOT", [0, 1]).gate("CNOT", [1, 2]);
      assertClose(run(ghz.probs().build())[0], [0.5, 0, 0, 0, 0, 0, 0, 0.5], TOL, "GHZ probabilities");
      assertClose(run(ghz.expval([[0], [1], [2], [0, 1], [1, 2], [0, 1, 2]]).build())[0], [0, 0, 0, 1, 1, 0], TOL, "GHZ expectations");
    });

    it("numbers basis states with wire 0 as the most significant bit", () => {
      const flipFirst = new CircuitBuilder(3).gate("X", [0]).probs().build();
      assert.equal(run(flipFirst)[0].indexOf(1), 4);
      const flipLast = new CircuitBuilder(3).gate("X", [2]).probs().build();
      assert.equal(run(flipLast)[0].indexOf(1), 1);
      const marginal = new CircuitBuilder(3).gate("X", [2]).probs([2, 0]).build();
      assertClose(run(marginal)[0], [0, 0, 1, 0], TOL, "probs([2, 0]) puts wire 2 first");
    });

    it("gives ⟨Z⟩ = cos θ after RX(θ), RY(θ) and cos θ·cos φ after Rot(φ, θ, ω) on |0⟩", () => {
      for (const theta of [0.3, 1.7, -2.4]) {
        for (const gate of ["RX", "RY"] as const) {
          const circuit = new CircuitBuilder(1, 1).gate(gate, [0], [input(0)]).expval().build();
          assertClose(run(circuit, [[theta]])[0], [Math.cos(theta)], TOL, `${gate}(${theta})`);
        }
        const rot = new CircuitBuilder(1).gate("H", [0]).gate("Rot", [0], [constant(0.4), constant(theta), constant(-1.1)]).expval().build();
        // H|0⟩ = |+⟩; RZ(0.4) keeps ⟨X⟩ = cos 0.4 in the equator, RY(θ) turns it: ⟨Z⟩ = −sin θ·cos 0.4.
        assertClose(run(rot)[0], [-Math.sin(theta) * Math.cos(0.4)], TOL, `Rot(0.4, ${theta}, −1.1)`);
      }
    });

    it("matches the dense float64 reference for every gate of the registry on every wire order", () => {
      for (const name of GATE_NAMES) {
        const spec = GATES[name];
        const angles = fixtureNumbers(spec.params, name.length * 7 + 1);
        const wireSets = spec.wires === 1 ? [[0], [1], [2]] : [[0, 1], [1, 0], [0, 2], [2, 1]];
        for (const wires of wireSets) {
          // A generic entangled complex input state, so that every matrix entry matters.
          const builder = new CircuitBuilder(3).gate("RY", [0], [constant(0.7)]).gate("RX", [1], [constant(1.9)]).gate("H", [2]).gate("CRY", [0, 2], [constant(1.1)]).gate("S", [1]);
          const circuit = builder.gate(name, wires, angles.map(constant)).probs().build();
          assertClose(run(circuit)[0], referenceMeasure(circuit, [], []), TOL, `${name} on [${wires}]`);
          const state = simulateState(circuit, none());
          const reference = referenceState(circuit, [], []);
          assertClose(state.re.dataSync(), reference.re, TOL, `${name} on [${wires}] real parts`);
          assertClose(state.im.dataSync(), reference.im, TOL, `${name} on [${wires}] imaginary parts`);
          tf.dispose([state.re, state.im]);
        }
      }
    });

    it("gives BasicEntanglerLayers on 2 and 3 wires the outputs of the dense matrix products of gates.ts", () => {
      for (const n of [2, 3]) {
        const circuit = new CircuitBuilder(n).basicEntanglerLayers({ layers: 2 }).expval().build();
        const weights = fixtureNumbers(circuit.weightCount, 11 + n);
        // Independent of the IR: U = Π_layers (CNOT ring)·(⊗ RX(w_i)), by explicit Kronecker products.
        const kron = (a: ComplexMatrix, b: ComplexMatrix): ComplexMatrix => {
          const da = a.dimension, db = b.dimension, d = da * db;
          const real = new Float64Array(d * d), imaginary = new Float64Array(d * d);
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
            const ar = a.real[Math.floor(i / db) * da + Math.floor(j / db)], ai = a.imaginary[Math.floor(i / db) * da + Math.floor(j / db)];
            const br = b.real[(i % db) * db + (j % db)], bi = b.imaginary[(i % db) * db + (j % db)];
            real[i * d + j] = ar * br - ai * bi;
            imaginary[i * d + j] = ar * bi + ai * br;
          }
          return { dimension: d, real, imaginary };
        };
        const identity = GATES.Z.matrix();
        identity.real.set([1, 0, 0, 1]);
        let u = kron(identity, identity);
        if (n === 3) u = kron(u, identity);
        const ring = n === 2 ? [[0, 1]] : [[0, 1], [1, 2], [2, 0]];
        const cnotFull = (control: number, target: number): ComplexMatrix => {
          const d = 1 << n;
          const real = new Float64Array(d * d);
          for (let col = 0; col < d; col++) {
            const row = (col >> (n - 1 - control)) & 1 ? col ^ (1 << (n - 1 - target)) : col;
            real[row * d + col] = 1;
          }
          return { dimension: d, real, imaginary: new Float64Array(d * d) };
        };
        for (let layer = 0; layer < 2; layer++) {
          let rotations = GATES.RX.matrix([weights[layer * n]]);
          for (let w = 1; w < n; w++) rotations = kron(rotations, GATES.RX.matrix([weights[layer * n + w]]));
          u = multiply(rotations, u);
          for (const [c, t] of ring) u = multiply(cnotFull(c, t), u);
        }
        const d = 1 << n;
        const expected = Array.from({ length: n }, (_, w) => {
          let sum = 0;
          for (let i = 0; i < d; i++) sum += (u.real[i * d] ** 2 + u.imaginary[i * d] ** 2) * ((i >> (n - 1 - w)) & 1 ? -1 : 1);
          return sum;
        });
        assertClose(run(circuit, [[]], weights)[0], expected, TOL, `BasicEntanglerLayers on ${n} wires`);
      }
    });

    it("matches the reference for StronglyEntanglingLayers on 2 and 3 wires with and without amplitude embedding", () => {
      for (const n of [2, 3]) {
        for (const amplitude of [false, true]) {
          const builder = new CircuitBuilder(n, 1 << n);
          if (amplitude) builder.amplitudeEmbedding();
          const circuit = builder.stronglyEntanglingLayers({ layers: 3 }).probs().build();
          const weights = fixtureNumbers(circuit.weightCount, 21 + n);
          const x = fixtureNumbers(1 << n, 5 + n);
          assertClose(run(circuit, [x], weights)[0], referenceMeasure(circuit, x, weights), TOL, `SEL n=${n} amplitude=${amplitude}`);
        }
      }
    });

    it("normalises and pads amplitude embeddings, and maps a zero sample to the zero state without NaN", () => {
      const circuit = new CircuitBuilder(2, 3).amplitudeEmbedding({ pad: 0.5 }).probs().build();
      const [padded, zero] = run(circuit, [[1, 2, 2], [0, 0, 0]]);
      const norm = 1 + 4 + 4 + 0.25;
      assertClose(padded, [1 / norm, 4 / norm, 4 / norm, 0.25 / norm], TOL, "padded, normalised");
      const unpadded = new CircuitBuilder(2, 4).amplitudeEmbedding().probs().build();
      const [zeros] = run(unpadded, [[0, 0, 0, 0]]);
      assertClose(zeros, [0, 0, 0, 0], TOL, `zero sample (ε = ${AMPLITUDE_NORM_EPSILON})`);
      assert.ok(zero.every((p) => Number.isFinite(p)));
    });

    it("agrees with the reference on seeded random circuits for every block size", () => {
      for (let seed = 1; seed <= 6; seed++) {
        const n = 2 + (seed % 3);
        const circuit = randomCircuit(seed, n, 14, { amplitude: seed % 2 === 0, inputSize: 1 << n, probs: seed % 3 === 0 });
        const weights = fixtureNumbers(circuit.weightCount, seed * 13);
        const inputs = [fixtureNumbers(1 << n, seed * 17), fixtureNumbers(1 << n, seed * 19)];
        const expected = inputs.map((x) => referenceMeasure(circuit, x, weights));
        for (let block = 1; block <= n; block++) {
          const actual = run(circuit, inputs, weights, block);
          actual.forEach((row, b) => assertClose(row, expected[b], TOL, `seed ${seed}, block ${block}, sample ${b}`));
        }
      }
    });

    it("simulates wires no gate couples as separate parts with the reference's expectations", () => {
      const builder = new CircuitBuilder(5, 5).angleEmbedding({ rotation: "RY", scale: Math.PI });
      const circuit = builder.gate("RX", [0], [constant(0.4)]).gate("CNOT", [0, 3]).gate("CRZ", [4, 1], [builder.weight()]).gate("RY", [3], [input(2)]).expval([[3], [1, 4], [0], [2], [0, 3]]).build();
      const x = [fixtureNumbers(5, 1, 0, 1), fixtureNumbers(5, 2, 0, 1)];
      const w = [0.7];
      const actual = run(circuit, x, w);
      actual.forEach((row, b) => assertClose(row, referenceMeasure(circuit, x[b], w), TOL, `sample ${b}`));
    });

    it("builds angle-embedded product states on more than six wires like the reference", () => {
      for (const rotation of ["RX", "RY"] as const) {
        const circuit = new CircuitBuilder(8, 8).angleEmbedding({ rotation }).stronglyEntanglingLayers({ layers: 1 }).expval([[0], [6], [7], [1, 7]]).build();
        const x = [fixtureNumbers(8, 31), fixtureNumbers(8, 32)];
        const weights = fixtureNumbers(circuit.weightCount, 33);
        run(circuit, x, weights).forEach((row, b) => assertClose(row, referenceMeasure(circuit, x[b], weights), TOL, `${rotation}, sample ${b}`));
      }
    });

    it("runs 10 qubits with 5-wire blocks like the 2-wire blocks", () => {
      const circuit = new CircuitBuilder(10, 1024).amplitudeEmbedding().stronglyEntanglingLayers({ layers: 2 }).probs([3, 7, 0]).build();
      const x = [fixtureNumbers(1024, 3)];
      const weights = fixtureNumbers(circuit.weightCount, 4);
      assertClose(run(circuit, x, weights)[0], run(circuit, x, weights, 2)[0], TOL, "10-qubit marginal");
    });

    it("applies a gate matrix to a batched state through applyMatrix like the circuit does", () => {
      const circuit = new CircuitBuilder(3).gate("H", [0]).gate("RY", [1], [constant(0.3)]).probs().build();
      const state = simulateState(circuit, none(2));
      const after = applyMatrix(state, GATES.CRX.matrix([0.8]), [2, 0], 3);
      const full = new CircuitBuilder(3).gate("H", [0]).gate("RY", [1], [constant(0.3)]).gate("CRX", [2, 0], [constant(0.8)]).probs().build();
      const reference = referenceState(full, [], []);
      assertClose(after.re.dataSync().slice(8), reference.re, TOL, "real parts of sample 1");
      assertClose(after.im.dataSync().slice(0, 8), reference.im, TOL, "imaginary parts of sample 0");
      tf.dispose([state.re, state.im, after.re, after.im]);
    });

    it("leaks no tensors in a forward pass or a gradient step", () => {
      const circuit = randomCircuit(5, 3, 12);
      const x = tf.tensor2d([fixtureNumbers(3, 1)]);
      const w = tf.variable(tf.tensor1d(fixtureNumbers(circuit.weightCount, 2)));
      simulate(circuit, x, w).dispose();
      const before = tf.memory().numTensors;
      simulate(circuit, x, w).dispose();
      simulate(circuit, x, w, { shots: 10, seed: 3 }).dispose();
      const { value, grads } = tf.variableGrads(() => tf.sum(simulate(circuit, x, w)) as tf.Scalar, [w]);
      tf.dispose([value, grads]);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, w]);
    });

    it("rejects inputs and weights of the wrong shape with the expected shape", () => {
      const circuit = new CircuitBuilder(2, 3).angleEmbedding().basicEntanglerLayers({ layers: 1 }).expval().build();
      assert.throws(() => simulate(circuit, tf.zeros([2, 4]), tf.zeros([2])), /inputs must have shape \[batch, 3\], got \[2, 4\]/);
      assert.throws(() => simulate(circuit, tf.zeros([2, 3]), tf.zeros([3])), /weights must have shape \[2\], got \[3\]/);
    });
  });
}

describe("gate registry completeness", () => {
  it("covers every gate the issue lists", () => {
    const wanted: GateName[] = ["RX", "RY", "RZ", "Rot", "PhaseShift", "H", "X", "Y", "Z", "S", "T", "CNOT", "CZ", "SWAP", "CRX", "CRY", "CRZ"];
    assert.deepEqual([...GATE_NAMES].sort(), [...wanted].sort());
  });
});
