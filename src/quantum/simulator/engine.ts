// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/engine
 * Runs a plan (plan.ts) on a batch: initial state, then each step, on tfjs tensors.
 * Inputs flow through tfjs ops (so tfjs autodiff gives ∂/∂inputs); weights enter only
 * through dense blocks, whose matrices are built on the host in float64 by a custom-
 * gradient op that returns ∂L/∂weights by the adjoint method (dense.ts). Both gradients
 * therefore work inside tf.variableGrads / optimizer.minimize on every backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { AngleSource } from "../circuit.js";
import type { ComplexMatrix } from "../gates.js";
import { blockAngleGradient, blockUnitary, embedUnitary, unembedGradient, type DenseGate } from "./dense.js";
import { formMatrix, type GateForm } from "./gate-forms.js";
import { amplitudeOp, applyBlock, bringToEnd, complexify, constantMatMul, cosSin, isComplex, transpose2d, type BlockMatrix, type EngineState } from "./kernels.js";
import type { Plan, PrimitiveGate, Step } from "./plan.js";

/** ε added to the squared norm before dividing in amplitude embedding (a zero sample gives the zero vector, not NaN). */
export const AMPLITUDE_NORM_EPSILON = 1e-12;

export interface RunArguments {
  inputs: tf.Tensor2D;
  /** null when the circuit has no weights. */
  weights: tf.Tensor1D | null;
  /** Host copy of the weights (read once per call). */
  weightValues: Float32Array;
}

function angleValue(angle: AngleSource | null, weights: Float32Array): number {
  if (angle === null) return 0;
  if (angle.kind === "constant") return angle.value;
  if (angle.kind === "weight") return weights[angle.index];
  throw new Error("per-sample angle in a dense block");
}

export function runPlan(plan: Plan, args: RunArguments): EngineState {
  let state = initialState(plan, args);
  for (const step of plan.steps) {
    state = step.kind === "dense" ? applyDense(state, step, args) : applySampleGate(state, step.gate, args.inputs);
  }
  return state;
}

function initialState(plan: Plan, args: RunArguments): EngineState {
  const batch = args.inputs.shape[0];
  const n = plan.qubits;
  const size = 1 << n;
  const wires = Array.from({ length: n }, (_, w) => w);
  switch (plan.initial.kind) {
    case "zero": {
      const data = new Float32Array(batch * size);
      for (let b = 0; b < batch; b++) data[b * size] = 1;
      return { tensor: tf.tensor2d(data, [batch, size]), axes: wires, batch };
    }
    case "amplitude": {
      const { start, count, pad, normalize } = plan.initial.embedding;
      return { tensor: amplitudeOp(args.inputs, start, count, size, pad, normalize, AMPLITUDE_NORM_EPSILON), axes: wires, batch };
    }
    case "product":
      return productState(plan.initial.wires, args.inputs, n);
  }
}

/**
 * One component of a one-qubit state, as a function of the batch: a host constant, or a
 * row tensor [1, B] (batch last, so that every op below is a contiguous same-shape or
 * scalar op: on tfjs-backend-wasm, column slices, concatenation along the last axis and
 * broadcasting binary ops are 10-100× slower per element than these).
 */
type Component = number | tf.Tensor2D;

/** Wires whose amplitudes are built row by row (2^k rows); further wires double a stacked tensor. */
const ROW_WIRES = 6;

function scaleComponent(value: Component, factor: number): Component {
  if (factor === 0) return 0;
  if (typeof value === "number") return value * factor;
  return factor === 1 ? value : tf.mul(value, factor);
}

function addComponents(a: Component, b: Component): Component {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "number") return a === 0 ? b : tf.add(b, a);
  if (typeof b === "number") return b === 0 ? a : tf.add(a, b);
  return tf.add(a, b);
}

function multiplyComponents(a: Component, b: Component): Component {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (typeof a === "number") return scaleComponent(b, a);
  if (typeof b === "number") return scaleComponent(a, b);
  return tf.mul(a, b);
}

/** A one-qubit state (re0, re1, im0, im1). */
type WireState = [Component, Component, Component, Component];

/** G·v for a 2×2 complex matrix whose entries are coefficient × per-sample factor. */
function applyWireMatrix(v: WireState, m: ComplexMatrix, factor: Component): WireState {
  const out: WireState = [0, 0, 0, 0];
  for (let a = 0; a < 2; a++) {
    let re: Component = 0, im: Component = 0;
    for (let b = 0; b < 2; b++) {
      const mr = m.real[a * 2 + b], mi = m.imaginary[a * 2 + b];
      re = addComponents(re, addComponents(scaleComponent(v[b], mr), scaleComponent(v[2 + b], -mi)));
      im = addComponents(im, addComponents(scaleComponent(v[2 + b], mr), scaleComponent(v[b], mi)));
    }
    out[a] = multiplyComponents(re, factor);
    out[2 + a] = multiplyComponents(im, factor);
  }
  return out;
}

function sumStates(states: WireState[]): WireState {
  return [0, 1, 2, 3].map((i) => states.reduce<Component>((sum, state) => addComponents(sum, state[i]), 0)) as WireState;
}

function productState(wireGates: PrimitiveGate[][], inputs: tf.Tensor2D, n: number): EngineState {
  const batch = inputs.shape[0];
  const features = inputs.shape[1];
  const columns = transpose2d(inputs);
  // One cos/sin evaluation for every per-sample angle of the prefix, on [gates, B].
  const sampleGates = wireGates.flat().filter((gate) => gate.angle?.kind === "input");
  const rows = sampleGates.map((gate) => (gate.angle as Extract<AngleSource, { kind: "input" }>).index);
  const factors = sampleGates.map((gate) => (gate.angle as Extract<AngleSource, { kind: "input" }>).scale * (gate.form.frequency ?? 1));
  // Selecting and scaling the angle rows is one product [G, F]·[F, B]: on wasm a matMul
  // with a one-hot row is ~30× faster than tf.slice of the same row.
  let angles: tf.Tensor2D;
  if (rows.length === features && rows.every((feature, g) => feature === g) && factors.every((f) => f === factors[0])) {
    angles = tf.mul(columns, factors[0]);
  } else {
    const selection = new Float32Array(sampleGates.length * features);
    rows.forEach((feature, g) => (selection[g * features + feature] = factors[g]));
    angles = constantMatMul(tf.tensor2d(selection, [sampleGates.length, features]), columns);
  }
  const [cosAll, sinAll] = cosSin(angles) as [tf.Tensor2D, tf.Tensor2D];
  const row = (t: tf.Tensor2D, i: number): tf.Tensor2D => {
    if (sampleGates.length === 1) return t;
    const pick = new Float32Array(sampleGates.length);
    pick[i] = 1;
    return constantMatMul(tf.tensor2d(pick, [1, sampleGates.length]), t);
  };
  let sampleIndex = 0;
  const states: WireState[] = wireGates.map((gates) => {
    let v: WireState = [1, 0, 0, 0];
    for (const gate of gates) {
      if (gate.angle?.kind === "input") {
        const c = row(cosAll, sampleIndex), s = row(sinAll, sampleIndex);
        sampleIndex++;
        v = sumStates([applyWireMatrix(v, gate.form.alpha, 1), applyWireMatrix(v, gate.form.beta, c), applyWireMatrix(v, gate.form.gamma, s)]);
      } else {
        v = applyWireMatrix(v, formMatrix(gate.form, gate.angle?.kind === "constant" ? gate.angle.value : 0), 1);
      }
    }
    return v;
  });

  // Kronecker product: amplitude j = Π_w v_w[bit_w(j)], one row per amplitude for the
  // first ROW_WIRES wires (wire 0 most significant)...
  const rowWires = Math.min(n, ROW_WIRES);
  let re: Component[] = [1], im: Component[] = [0];
  for (const v of states.slice(0, rowWires)) {
    const nextRe: Component[] = [], nextIm: Component[] = [];
    re.forEach((ar, index) => {
      const ai = im[index];
      for (let bit = 0; bit < 2; bit++) {
        const br = v[bit], bi = v[2 + bit];
        nextRe.push(addComponents(multiplyComponents(ar, br), scaleComponent(multiplyComponents(ai, bi), -1)));
        nextIm.push(addComponents(multiplyComponents(ar, bi), multiplyComponents(ai, br)));
      }
    });
    re = nextRe;
    im = nextIm;
  }
  const ones = tf.ones([1, batch]) as tf.Tensor2D;
  const asRow = (value: Component): tf.Tensor2D => (typeof value === "number" ? (value === 1 ? ones : tf.mul(ones, value)) : value);
  let stackedRe: tf.Tensor2D = tf.concat(re.map(asRow), 0) as tf.Tensor2D;
  let stackedIm: tf.Tensor2D | null = im.some((value) => value !== 0) ? (tf.concat(im.map(asRow), 0) as tf.Tensor2D) : null;
  let axes = Array.from({ length: rowWires }, (_, w) => w);
  // ...then each further wire doubles the stacked [rows, B] tensors as the new most
  // significant axis (the engine tracks axis order, so no reordering is needed).
  for (let w = rowWires; w < n; w++) {
    const v = states[w];
    const times = (t: tf.Tensor2D | null, c: Component): tf.Tensor2D | null => {
      if (t === null || c === 0) return null;
      return typeof c === "number" ? (c === 1 ? t : tf.mul(t, c)) : tf.mul(t, c);
    };
    const combine = (a: tf.Tensor2D | null, b: tf.Tensor2D | null, sign: number): tf.Tensor2D | null => {
      if (b === null) return a;
      const signed = sign < 0 ? tf.neg(b) : b;
      return a === null ? signed : tf.add(a, signed);
    };
    const zerosLike = (): tf.Tensor2D => tf.zerosLike(stackedRe);
    const part = (bit: number): { re: tf.Tensor2D | null; im: tf.Tensor2D | null } => ({
      re: combine(times(stackedRe, v[bit]), times(stackedIm, v[2 + bit]), -1),
      im: combine(times(stackedRe, v[2 + bit]), times(stackedIm, v[bit]), 1),
    });
    const zero = part(0), one = part(1);
    stackedRe = tf.concat([zero.re ?? zerosLike(), one.re ?? zerosLike()], 0) as tf.Tensor2D;
    stackedIm = zero.im === null && one.im === null ? null : (tf.concat([zero.im ?? zerosLike(), one.im ?? zerosLike()], 0) as tf.Tensor2D);
    axes = [w, ...axes];
  }
  if (stackedIm === null) return { tensor: transpose2d(stackedRe), axes, batch };
  return { tensor: transpose2d(tf.concat([stackedRe, stackedIm], 0) as tf.Tensor2D), axes: [-1, ...axes], batch };
}

function applyDense(state: EngineState, step: Extract<Step, { kind: "dense" }>, args: RunArguments): EngineState {
  const k = step.wires.length;
  const gates: DenseGate[] = step.gates.map((gate) => ({
    form: gate.form,
    local: gate.wires.map((w) => step.wires.indexOf(w)),
    angle: angleValue(gate.angle, args.weightValues),
  }));
  const u = blockUnitary(gates, k);
  const trainable = step.gates.some((gate) => gate.angle?.kind === "weight");
  const weightCount = args.weightValues.length;
  const local = (axis: number): number => (axis === -1 ? -1 : step.wires.indexOf(axis));
  const trailing = isComplex(state) ? [-1, ...step.wires] : step.wires;
  return applyBlock(
    state,
    trailing,
    (inAxes, outAxes) => {
      const inLayout = inAxes.map(local), outLayout = outAxes.map(local);
      const matrix: BlockMatrix = {
        data: embedUnitary(u, k, inLayout, outLayout),
        inSize: 1 << inLayout.length,
        outSize: 1 << outLayout.length,
      };
      if (trainable) {
        matrix.weightGradient = (gradR) => {
          const gradU = unembedGradient(gradR, k, inLayout, outLayout);
          const perGate = blockAngleGradient(gates, k, u, gradU.real, gradU.imaginary);
          const gradWeights = new Float32Array(weightCount);
          step.gates.forEach((gate, j) => {
            if (gate.angle?.kind === "weight") gradWeights[gate.angle.index] += perGate[j];
          });
          return gradWeights;
        };
      }
      return matrix;
    },
    args.weights,
  );
}

function applySampleGate(state: EngineState, gate: PrimitiveGate, inputs: tf.Tensor2D): EngineState {
  const angle = gate.angle as Extract<AngleSource, { kind: "input" }>;
  const moved = bringToEnd(complexify(state), [-1, ...gate.wires]);
  const k = gate.wires.length;
  const layout = moved.axes.slice(moved.axes.length - k - 1).map((axis) => (axis === -1 ? -1 : gate.wires.indexOf(axis)));
  const size = 1 << (k + 1);
  const embed = (m: ComplexMatrix): tf.Tensor => tf.tensor4d(embedUnitary(m, k, layout, layout), [1, 1, size, size]);
  const batch = moved.batch;
  const theta = tf.mul(tf.slice(inputs, [0, angle.index], [batch, 1]), angle.scale * (gate.form.frequency ?? 1));
  const [c, s] = cosSin(theta).map((t) => t.reshape([batch, 1, 1, 1]));
  const r = tf.add(tf.add(embed(gate.form.alpha), tf.mul(c, embed(gate.form.beta))), tf.mul(s, embed(gate.form.gamma)));
  const rows = moved.tensor.reshape([batch, -1, size, 1]);
  const out = tf.sum(tf.mul(rows, r), 2).reshape([batch, -1]) as tf.Tensor2D;
  return { tensor: out, axes: moved.axes, batch };
}
