// SPDX-License-Identifier: MIT
/**
 * @module test/quantum/reference
 * An independent float64 reference for the simulator tests: every gate is expanded to a
 * dense 2^n×2^n matrix from gates.ts (entry by entry, from the bits of row and column,
 * wire 0 most significant) and multiplied into the state vector one by one. Slow and
 * obvious on purpose; for n ≤ 6 only. Also the shared test helpers: tolerances, backends.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { AngleSource, Circuit } from "../../src/quantum/circuit.js";
import { GATES } from "../../src/quantum/gates.js";

/** Tolerance for exact (analytic) float32 results; override with TOL. */
export const TOL = Number(process.env.TOL ?? 2e-5);
/** Tolerance for shot-based estimates; override with TOL_STOCHASTIC. */
export const TOL_STOCHASTIC = Number(process.env.TOL_STOCHASTIC ?? 0.05);
export const BACKENDS = ["cpu", "wasm"] as const;

export async function useBackend(name: string): Promise<void> {
  tf.enableProdMode();
  if (tf.getBackend() !== name) {
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  }
  await tf.ready();
}

export interface ReferenceState {
  re: Float64Array;
  im: Float64Array;
}

function angle(source: AngleSource, inputs: readonly number[], weights: readonly number[]): number {
  if (source.kind === "constant") return source.value;
  if (source.kind === "weight") return weights[source.index];
  return source.scale * inputs[source.index];
}

/** Final state of one sample. */
export function referenceState(circuit: Circuit, inputs: readonly number[], weights: readonly number[]): ReferenceState {
  const n = circuit.qubits;
  const size = 1 << n;
  let re = new Float64Array(size), im = new Float64Array(size);
  re[0] = 1;
  for (const op of circuit.operations) {
    if (op.kind === "amplitude-embedding") {
      re = new Float64Array(size).fill(op.pad);
      im = new Float64Array(size);
      for (let i = 0; i < op.count; i++) re[i] = inputs[op.start + i];
      if (op.normalize) {
        const norm = Math.sqrt(re.reduce((sum, x) => sum + x * x, 0));
        re = re.map((x) => x / norm);
      }
      continue;
    }
    if (op.kind !== "gate") throw new Error("reference: no noise");
    const m = GATES[op.gate].matrix(op.params.map((p) => angle(p, inputs, weights)));
    const k = op.wires.length;
    const nextRe = new Float64Array(size), nextIm = new Float64Array(size);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        // Dense entry: gate entry on the gate's wires' bits, identity elsewhere.
        let same = true, gRow = 0, gCol = 0;
        for (let w = 0; w < n; w++) {
          const rb = (row >> (n - 1 - w)) & 1, cb = (col >> (n - 1 - w)) & 1;
          const position = op.wires.indexOf(w);
          if (position < 0) {
            if (rb !== cb) same = false;
          } else {
            gRow |= rb << (k - 1 - position);
            gCol |= cb << (k - 1 - position);
          }
        }
        if (!same) continue;
        const mr = m.real[gRow * (1 << k) + gCol], mi = m.imaginary[gRow * (1 << k) + gCol];
        nextRe[row] += mr * re[col] - mi * im[col];
        nextIm[row] += mr * im[col] + mi * re[col];
      }
    }
    re = nextRe;
    im = nextIm;
  }
  return { re, im };
}

/** The circuit's measurement of one sample from the reference state. */
export function referenceMeasure(circuit: Circuit, inputs: readonly number[], weights: readonly number[]): number[] {
  const n = circuit.qubits;
  const { re, im } = referenceState(circuit, inputs, weights);
  const probs = Array.from(re, (r, i) => r * r + im[i] * im[i]);
  const bit = (index: number, wire: number): number => (index >> (n - 1 - wire)) & 1;
  const m = circuit.measurement;
  if (m.kind === "expval") {
    return m.observables.map((group) => probs.reduce((sum, p, i) => sum + p * group.reduce((sign, w) => sign * (bit(i, w) ? -1 : 1), 1), 0));
  }
  const out = new Array<number>(1 << m.wires.length).fill(0);
  probs.forEach((p, i) => {
    let index = 0;
    for (const w of m.wires) index = index * 2 + bit(i, w);
    out[index] += p;
  });
  return out;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      throw new Error(`${what}: entry ${i} is ${actual[i]}, expected ${expected[i]} (±${tolerance})`);
    }
  }
}

/** Deterministic pseudo-random numbers for test fixtures. */
export function fixtureNumbers(count: number, seed: number, low = -Math.PI, high = Math.PI): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return low + ((state % 1_000_003) / 1_000_003) * (high - low);
  });
}
