// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/measure
 * Measurements of a batched state: exact Pauli-Z expectations (of single wires or
 * products of wires) and basis-state probabilities (all wires or a marginal), both
 * differentiable; and finite-shot estimates drawn by the Born rule from a seeded stream.
 */
import * as tf from "@tensorflow/tfjs";
import type { Measurement } from "../circuit.js";
import type { Random } from "../../random.js";
import { expectationOp, permuteAxes, probabilitiesOp, type EngineState } from "./kernels.js";

/** Sign table z[index, o] = Π_{w ∈ group o} (−1)^{bit w of index} for a layout of axes (-1 ignored). */
function zTable(axes: readonly number[], observables: readonly number[][]): Float32Array {
  const size = 1 << axes.length;
  const table = new Float32Array(size * observables.length);
  const positions = observables.map((group) => group.map((wire) => axes.length - 1 - axes.indexOf(wire)));
  for (let index = 0; index < size; index++) {
    positions.forEach((shifts, o) => {
      let parity = 0;
      for (const shift of shifts) parity ^= (index >> shift) & 1;
      table[index * observables.length + o] = parity ? -1 : 1;
    });
  }
  return table;
}

/** Exact measurement: [B, observables] for expval, [B, 2^|wires|] for probs (first listed wire most significant). */
export function measureExact(state: EngineState, measurement: Measurement): tf.Tensor2D {
  if (measurement.kind === "expval") {
    return expectationOp(state, zTable(state.axes, measurement.observables), measurement.observables.length);
  }
  return marginal(probabilitiesOp(state), measurement.wires, state.batch);
}

/** Probabilities of `wires` (in that order) from probabilities over `axes`. */
export function marginal(probs: { tensor: tf.Tensor2D; axes: number[] }, wires: readonly number[], batch: number): tf.Tensor2D {
  const { tensor, axes } = probs;
  if (wires.length === axes.length && wires.every((w, i) => axes[i] === w)) return tensor;
  const rest = axes.filter((axis) => !wires.includes(axis));
  const moved = permuteAxes(tensor, batch, axes, [...wires, ...rest]);
  if (rest.length === 0) return moved;
  return tf.sum(moved.reshape([batch, 1 << wires.length, 1 << rest.length]), 2) as tf.Tensor2D;
}

/**
 * Finite-shot estimate from exact probabilities of all basis states ([B, 2^n] in
 * standard order, host copy): per sample, `shots` basis states drawn by the Born rule, then
 * the empirical marginal probabilities or the empirical means of the Z products (all
 * observables from the same draws, as on hardware). Returns [B, outputs] row-major.
 */
export function sampleEstimate(allProbs: Float32Array, batch: number, qubits: number, measurement: Measurement, shots: number, random: Random): Float32Array {
  const size = 1 << qubits;
  const outputs = measurement.kind === "expval" ? measurement.observables.length : 1 << measurement.wires.length;
  const result = new Float32Array(batch * outputs);
  const cumulative = new Float64Array(size);
  const counts = new Float64Array(size);
  const standard = Array.from({ length: qubits }, (_, w) => w);
  const signs = measurement.kind === "expval" ? zTable(standard, measurement.observables) : null;
  for (let b = 0; b < batch; b++) {
    let total = 0;
    for (let i = 0; i < size; i++) {
      total += Math.max(0, allProbs[b * size + i]);
      cumulative[i] = total;
    }
    counts.fill(0);
    for (let shot = 0; shot < shots; shot++) {
      const u = random.uniform() * total;
      let lo = 0, hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]++;
    }
    for (let i = 0; i < size; i++) {
      if (counts[i] === 0) continue;
      const frequency = counts[i] / shots;
      if (signs) {
        for (let o = 0; o < outputs; o++) result[b * outputs + o] += frequency * signs[i * outputs + o];
      } else if (measurement.kind === "probs") {
        let index = 0;
        for (const wire of measurement.wires) index = index * 2 + ((i >> (qubits - 1 - wire)) & 1);
        result[b * outputs + index] += frequency;
      }
    }
  }
  return result;
}
