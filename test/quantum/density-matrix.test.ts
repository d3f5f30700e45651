import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { CircuitBuilder, type Circuit } from "../../src/quantum/circuit.js";
import { applyReadoutError, densityMatrix, needsDensityMatrix, simulateDensityMatrix } from "../../src/quantum/density-matrix.js";
import { referenceMeasurement } from "./dense-reference.js";
import { randomCircuit, randomValues } from "./random-circuit.js";

const TOL = Number(process.env.QHYBRID_TOL ?? 2e-5);
const TOL_STOCHASTIC = Number(process.env.QHYBRID_TOL_STOCHASTIC ?? 0.03);
const BACKENDS = ["cpu", "wasm"] as const;

before(() => tf.enableProdMode());

function run(circuit: Circuit, x: number[][], w: number[], options = {}): number[][] {
  return tf.tidy(() => {
    const inputs = tf.tensor2d(x.length > 0 ? x : [[]], [x.length || 1, circuit.inputSize]);
    return simulateDensityMatrix(circuit, inputs, tf.tensor1d(w), options).arraySync();
  });
}

function assertClose(actual: number[], expected: number[], tolerance = TOL, what = ""): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((value, index) => assert.ok(Math.abs(value - expected[index]) <= tolerance, `${what}[${index}]: ${value} vs ${expected[index]}`));
}

for (const backend of BACKENDS) {
  describe(`density-matrix simulation on ${backend}`, () => {
    before(async () => assert.ok(await tf.setBackend(backend)));

    it("depolarising |0⟩ with p leaves ⟨Z⟩ = 1 − 4p/3", () => {
      for (const p of [0, 0.1, 0.75]) {
        const circuit = new CircuitBuilder(1).noiseChannel("depolarizing", p, [0]).expval().build();
        assertClose(run(circuit, [], [])[0], [1 - (4 * p) / 3]);
      }
    });

    it("depolarising one qubit of a Bell state gives the mixture's populations and coherence", () => {
      const p = 0.3;
      const circuit = new CircuitBuilder(2).gate("H", [0]).gate("CNOT", [0, 1]).noiseChannel("depolarizing", p, [0]).probs().build();
      assertClose(run(circuit, [], [])[0], [0.5 - p / 3, p / 3, p / 3, 0.5 - p / 3]);
      const rho = tf.tidy(() => densityMatrix(circuit, tf.zeros([1, 0]), tf.zeros([0])).real.arraySync());
      assert.ok(Math.abs(rho[0][0][3] - (0.5 - (2 * p) / 3)) < TOL, `ρ[00,11] = ${rho[0][0][3]}`);
      // X and Y errors give |Ψ+⟩ and |Ψ−⟩, whose coherences cancel.
      assert.ok(Math.abs(rho[0][1][2]) < TOL, `ρ[01,10] = ${rho[0][1][2]}`);
      assert.ok(Math.abs(rho[0][1][1] - p / 3) < TOL, `ρ[01,01] = ${rho[0][1][1]}`);
    });

    it("amplitude damping of RY(θ)|0⟩ leaves population (1−γ)·sin²(θ/2) and coherence √(1−γ)·sin(θ)/2", () => {
      const gamma = 0.35, theta = 1.1;
      const circuit = new CircuitBuilder(1).gate("RY", [0], [{ kind: "constant", value: theta }]).noiseChannel("amplitude-damping", gamma, [0]).probs().build();
      const expectedOne = (1 - gamma) * Math.sin(theta / 2) ** 2;
      assertClose(run(circuit, [], [])[0], [1 - expectedOne, expectedOne]);
      const rho = tf.tidy(() => densityMatrix(circuit, tf.zeros([1, 0]), tf.zeros([0])).real.arraySync());
      assert.ok(Math.abs(rho[0][0][1] - (Math.sqrt(1 - gamma) * Math.sin(theta)) / 2) < TOL);
    });

    it("bit flip and phase flip act as X and Z mixtures", () => {
      const p = 0.2;
      const flip = new CircuitBuilder(1).noiseChannel("bit-flip", p, [0]).probs().build();
      assertClose(run(flip, [], [])[0], [1 - p, p]);
      // H, phase flip, H: the Z error becomes an X error.
      const phase = new CircuitBuilder(1).gate("H", [0]).noiseChannel("phase-flip", p, [0]).gate("H", [0]).probs().build();
      assertClose(run(phase, [], [])[0], [1 - p, p]);
    });

    it("readout error scales ⟨Z⟩ by 1 − 2p and a product of two by (1 − 2p)²", () => {
      const p = 0.1, theta = 0.7;
      const circuit = new CircuitBuilder(2)
        .gate("RY", [0], [{ kind: "constant", value: theta }])
        .withNoise({ readout: p })
        .expval([[0], [1], [0, 1]])
        .build();
      assert.equal(needsDensityMatrix(circuit), false);
      assertClose(run(circuit, [], [])[0], [(1 - 2 * p) * Math.cos(theta), 1 - 2 * p, (1 - 2 * p) ** 2 * Math.cos(theta)]);
    });

    it("applying readout error to noiseless results agrees with the confusion matrix on probabilities", () => {
      const p = 0.05;
      const values = tf.tidy(() =>
        applyReadoutError({ kind: "probs", wires: [0, 1] }, tf.tensor2d([[0.5, 0, 0, 0.5]]), p).arraySync(),
      );
      const keep = (1 - p) ** 2, one = p * (1 - p), both = p * p;
      assertClose(values[0], [0.5 * keep + 0.5 * both, 0.5 * one + 0.5 * one, 0.5 * one + 0.5 * one, 0.5 * keep + 0.5 * both]);
    });

    it("without noise a random circuit over every gate matches dense float64 matrix products", () => {
      const { build } = randomCircuit({ qubits: 3, gates: 30, seed: 11 });
      const circuit = build();
      const w = randomValues(circuit.weightCount, 12);
      const x = [randomValues(3, 13), randomValues(3, 14)];
      const actual = run(circuit, x, w);
      x.forEach((sample, b) => assertClose(actual[b], referenceMeasurement(circuit, sample, w), TOL, `sample ${b}`));
    });

    it("a noisy random circuit with an amplitude embedding matches the Kraus-sum reference", () => {
      const { builder } = randomCircuit({ qubits: 3, gates: 16, seed: 21, inputs: 6, amplitude: true });
      builder.noiseChannel("amplitude-damping", 0.1, [1]).noiseChannel("bit-flip", 0.05, [0, 2]);
      const circuit = builder.withNoise({ depolarizing: 0.02, amplitudeDamping: 0.03, bitFlip: 0.01, phaseFlip: 0.04, readout: 0.03 }).probs([2, 0]).build();
      const w = randomValues(circuit.weightCount, 22);
      const x = [randomValues(6, 23, 0, 1), randomValues(6, 24, 0, 1)];
      const actual = run(circuit, x, w);
      x.forEach((sample, b) => assertClose(actual[b], referenceMeasurement(circuit, sample, w), TOL, `sample ${b}`));
    });

  // The cpu backend slices element by element (≈ 2 s for this circuit), so this one runs on wasm only.
  it("a 7-qubit noisy circuit, past the size where gates are folded into full operators, matches the reference", { skip: backend === "cpu" && "runs on wasm only: tfjs-cpu slicing makes the 7-qubit density matrix take minutes" }, () => {
    const { builder } = randomCircuit({ qubits: 7, gates: 6, seed: 61, inputs: 2 });
    const circuit = builder.noiseChannel("depolarizing", 0.1, [3]).withNoise({ amplitudeDamping: 0.05, phaseFlip: 0.03, readout: 0.01 }).expval([[0], [6], [2, 5]]).build();
    const w = randomValues(circuit.weightCount, 62);
    const x = randomValues(2, 63);
    assertClose(run(circuit, [x], w)[0], referenceMeasurement(circuit, x, w), TOL);
  });
  });
}

describe("density-matrix gradients and sampling", () => {
  before(async () => assert.ok(await tf.setBackend("cpu")));

  it("gradients with respect to weights and inputs match central finite differences of the float64 reference", () => {
    const { build } = randomCircuit({ qubits: 2, gates: 12, seed: 31 });
    const circuit: Circuit = { ...build(), noise: { depolarizing: 0.05, amplitudeDamping: 0.02, readout: 0.01 } };
    const w = randomValues(circuit.weightCount, 32);
    const x = randomValues(circuit.inputSize, 33);
    // A fixed linear read-out of the measurement as the scalar to differentiate.
    const coefficients = randomValues(3, 34, -1, 1);
    const loss = (xs: number[], ws: number[]): number => referenceMeasurement(circuit, xs, ws).reduce((sum, value, index) => sum + coefficients[index] * value, 0);
    const [gradX, gradW] = tf.tidy(() => {
      const f = (inputs: tf.Tensor, weights: tf.Tensor) =>
        simulateDensityMatrix(circuit, inputs as tf.Tensor2D, weights as tf.Tensor1D).mul(tf.tensor2d([coefficients])).sum();
      return tf.grads(f)([tf.tensor2d([x]), tf.tensor1d(w)]).map((g) => Array.from(g.dataSync()));
    });
    const h = 1e-5;
    const difference = (values: number[], index: number, at: (v: number[]) => number): number => {
      const plus = [...values], minus = [...values];
      plus[index] += h;
      minus[index] -= h;
      return (at(plus) - at(minus)) / (2 * h);
    };
    assert.ok(circuit.weightCount > 0 && circuit.inputSize > 0);
    gradW.forEach((g, i) => assert.ok(Math.abs(g - difference(w, i, (v) => loss(x, v))) < 1e-4, `∂/∂w${i}: ${g}`));
    gradX.forEach((g, i) => assert.ok(Math.abs(g - difference(x, i, (v) => loss(v, w))) < 1e-4, `∂/∂x${i}: ${g}`));
  });

  it("shot estimates are reproducible for a seed and close to the exact probabilities", () => {
    const circuit = new CircuitBuilder(2).gate("RY", [0], [{ kind: "constant", value: 1 }]).gate("CNOT", [0, 1]).withNoise({ depolarizing: 0.1 }).probs().build();
    const exact = run(circuit, [], [])[0];
    const first = run(circuit, [], [], { shots: 4000, seed: 7 })[0];
    assert.deepEqual(run(circuit, [], [], { shots: 4000, seed: 7 })[0], first);
    assert.notDeepEqual(run(circuit, [], [], { shots: 4000, seed: 8 })[0], first);
    assertClose(first, exact, TOL_STOCHASTIC);
    assert.ok(Math.abs(first.reduce((a, b) => a + b) - 1) < 1e-5);
  });

  it("more than 10 qubits is refused with the reason", () => {
    const circuit = new CircuitBuilder(11).noiseChannel("bit-flip", 0.1, [0]).probs().build();
    assert.throws(() => simulateDensityMatrix(circuit, tf.zeros([1, 0]), tf.zeros([0])), {
      name: "UsageError",
      message: /at most 10 qubits .* this circuit has 11/,
    });
  });

  it("a batch split into chunks gives each sample its own result", () => {
    const circuit = new CircuitBuilder(3, 1)
      .gate("RY", [0], [{ kind: "input", index: 0, scale: 1 }])
      .gate("CNOT", [0, 2])
      .withNoise({ bitFlip: 0.1 })
      .expval([[0], [2]])
      .build();
    const angles = [0, 0.5, 1, 1.5, 2];
    // 128 entries per chunk: two 8×8 density matrices at a time.
    const actual = run(circuit, angles.map((a) => [a]), [], { chunkEntries: 128 });
    angles.forEach((angle, b) => assertClose(actual[b], referenceMeasurement(circuit, [angle], []), TOL, `sample ${b}`));
  });

  it("leaves no tensors behind", () => {
    const circuit: Circuit = { ...randomCircuit({ qubits: 2, gates: 8, seed: 41 }).build(), noise: { depolarizing: 0.1 } };
    const inputs = tf.tensor2d([randomValues(2, 42)]);
    const weights = tf.tensor1d(randomValues(circuit.weightCount, 43));
    const before = tf.memory().numTensors;
    simulateDensityMatrix(circuit, inputs, weights, { shots: 10, seed: 3 }).dispose();
    const rho = densityMatrix(circuit, inputs, weights);
    tf.dispose([rho.real, rho.imaginary]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([inputs, weights]);
  });
});
