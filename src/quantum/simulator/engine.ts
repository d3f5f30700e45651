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
import { applyTrailingMatrix, bringToEnd, complexify, cosSin, isComplex, matMulConstant, type EngineState } from "./kernels.js";
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
      let x: tf.Tensor2D = args.inputs;
      if (start !== 0 || count !== args.inputs.shape[1]) x = tf.slice(x, [0, start], [batch, count]);
      if (count < size) x = tf.pad(x, [[0, 0], [0, size - count]], pad);
      if (normalize) x = tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), AMPLITUDE_NORM_EPSILON)));
      return { tensor: x, axes: wires, batch };
    }
    case "product":
      return productState(plan.initial.wires, args.inputs, n);
  }
}

/** A one-qubit state: host constant, or a tensor [B,2] (real) / [B,4] (re0, re1, im0, im1). */
type WireVector = { kind: "constant"; re: number[]; im: number[] } | { kind: "tensor"; tensor: tf.Tensor2D; complex: boolean };

function applyHost(m: ComplexMatrix, re: number[], im: number[]): { re: number[]; im: number[] } {
  const outRe = [0, 0], outIm = [0, 0];
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      const mr = m.real[a * 2 + b], mi = m.imaginary[a * 2 + b];
      outRe[a] += mr * re[b] - mi * im[b];
      outIm[a] += mr * im[b] + mi * re[b];
    }
  }
  return { re: outRe, im: outIm };
}

const isRealMatrix = (m: ComplexMatrix): boolean => m.imaginary.every((v) => v === 0);

/** v·E(M) for a tensor vector: the real [2,2] Mᵀ when both are real, else the 4×4 embedding. */
function applyConstantToTensor(v: Extract<WireVector, { kind: "tensor" }>, m: ComplexMatrix): Extract<WireVector, { kind: "tensor" }> {
  if (!v.complex && isRealMatrix(m)) {
    const mt = tf.tensor2d([m.real[0], m.real[2], m.real[1], m.real[3]], [2, 2]);
    return { kind: "tensor", tensor: matMulConstant(v.tensor, mt), complex: false };
  }
  const tensor = v.complex ? v.tensor : (tf.concat([v.tensor, tf.zerosLike(v.tensor)], 1) as tf.Tensor2D);
  const e = tf.tensor2d(embedUnitary(m, 1, [-1, 0], [-1, 0]), [4, 4]);
  return { kind: "tensor", tensor: matMulConstant(tensor, e), complex: true };
}

function addVectors(a: Extract<WireVector, { kind: "tensor" }>, b: Extract<WireVector, { kind: "tensor" }>): Extract<WireVector, { kind: "tensor" }> {
  if (a.complex === b.complex) return { kind: "tensor", tensor: tf.add(a.tensor, b.tensor), complex: a.complex };
  const widen = (v: tf.Tensor2D): tf.Tensor2D => tf.concat([v, tf.zerosLike(v)], 1) as tf.Tensor2D;
  return { kind: "tensor", tensor: tf.add(a.complex ? a.tensor : widen(a.tensor), b.complex ? b.tensor : widen(b.tensor)), complex: true };
}

function constantRow(re: number[], im: number[]): Extract<WireVector, { kind: "tensor" }> {
  const complex = im.some((v) => v !== 0);
  return { kind: "tensor", tensor: tf.tensor2d(complex ? [...re, ...im] : re, [1, complex ? 4 : 2]), complex };
}

function scaleVector(v: Extract<WireVector, { kind: "tensor" }>, factor: tf.Tensor2D): Extract<WireVector, { kind: "tensor" }> {
  return { kind: "tensor", tensor: tf.mul(v.tensor, factor), complex: v.complex };
}

/** G(θ)·v with per-sample cos, sin of aθ ([B,1] each). */
function applyPerSample(v: WireVector, form: GateForm, c: tf.Tensor2D, s: tf.Tensor2D): Extract<WireVector, { kind: "tensor" }> {
  if (v.kind === "constant") {
    const a = applyHost(form.alpha, v.re, v.im), b = applyHost(form.beta, v.re, v.im), g = applyHost(form.gamma, v.re, v.im);
    return addVectors(addVectors(constantRow(a.re, a.im), scaleVector(constantRow(b.re, b.im), c)), scaleVector(constantRow(g.re, g.im), s));
  }
  const a = applyConstantToTensor(v, form.alpha), b = applyConstantToTensor(v, form.beta), g = applyConstantToTensor(v, form.gamma);
  return addVectors(addVectors(a, scaleVector(b, c)), scaleVector(g, s));
}

function productState(wireGates: PrimitiveGate[][], inputs: tf.Tensor2D, n: number): EngineState {
  const batch = inputs.shape[0];
  // One cos/sin evaluation for every per-sample angle of the prefix.
  const sampleGates = wireGates.flat().filter((gate) => gate.angle?.kind === "input");
  const columns = sampleGates.map((gate) => (gate.angle as Extract<AngleSource, { kind: "input" }>).index);
  const factors = sampleGates.map((gate) => (gate.angle as Extract<AngleSource, { kind: "input" }>).scale * (gate.form.frequency ?? 1));
  const contiguous = columns.every((column, i) => column === columns[0] + i);
  let angles: tf.Tensor2D;
  if (contiguous) {
    angles = columns.length === inputs.shape[1] ? inputs : tf.slice(inputs, [0, columns[0]], [batch, columns.length]);
  } else {
    angles = tf.concat(columns.map((column) => tf.slice(inputs, [0, column], [batch, 1])), 1) as tf.Tensor2D;
  }
  const sameFactor = factors.every((f) => f === factors[0]);
  angles = tf.mul(angles, sameFactor ? factors[0] : tf.tensor1d(factors));
  const [cosAll, sinAll] = cosSin(angles) as [tf.Tensor2D, tf.Tensor2D];
  const column = (t: tf.Tensor2D, i: number): tf.Tensor2D => (sampleGates.length === 1 ? t : tf.slice(t, [0, i], [batch, 1]));

  let sampleIndex = 0;
  const vectors: WireVector[] = wireGates.map((gates) => {
    let v: WireVector = { kind: "constant", re: [1, 0], im: [0, 0] };
    for (const gate of gates) {
      if (gate.angle?.kind === "input") {
        v = applyPerSample(v, gate.form, column(cosAll, sampleIndex), column(sinAll, sampleIndex));
        sampleIndex++;
      } else {
        const m = formMatrix(gate.form, gate.angle?.kind === "constant" ? gate.angle.value : 0);
        v = v.kind === "constant" ? { kind: "constant", ...applyHost(m, v.re, v.im) } : applyConstantToTensor(v, m);
      }
    }
    return v;
  });

  // Kronecker product, wire 0 most significant; real and imaginary parts kept apart.
  type Parts = { re: tf.Tensor2D; im: tf.Tensor2D | null };
  const parts = (v: WireVector): Parts => {
    if (v.kind === "constant") {
      return { re: tf.tensor2d(v.re, [1, 2]), im: v.im.some((x) => x !== 0) ? tf.tensor2d(v.im, [1, 2]) : null };
    }
    if (!v.complex) return { re: v.tensor, im: null };
    const rows = v.tensor.shape[0];
    return { re: tf.slice(v.tensor, [0, 0], [rows, 2]), im: tf.slice(v.tensor, [0, 2], [rows, 2]) };
  };
  const outer = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D => {
    const width = a.shape[1];
    return tf.mul(a.reshape([a.shape[0], width, 1]), b.reshape([b.shape[0], 1, 2])).reshape([-1, width * 2]) as tf.Tensor2D;
  };
  let acc = parts(vectors[0]);
  for (let w = 1; w < n; w++) {
    const next = parts(vectors[w]);
    let re = outer(acc.re, next.re);
    let im: tf.Tensor2D | null = null;
    if (acc.im && next.im) re = tf.sub(re, outer(acc.im, next.im));
    if (acc.im) im = outer(acc.im, next.re);
    if (next.im) {
      const cross = outer(acc.re, next.im);
      im = im ? tf.add(im, cross) : cross;
    }
    acc = { re, im };
  }
  const wires = Array.from({ length: n }, (_, w) => w);
  const broadcast = (t: tf.Tensor2D): tf.Tensor2D => (t.shape[0] === batch ? t : (tf.tile(t, [batch, 1]) as tf.Tensor2D));
  if (acc.im === null) return { tensor: broadcast(acc.re), axes: wires, batch };
  return { tensor: tf.concat([broadcast(acc.re), broadcast(acc.im)], 1) as tf.Tensor2D, axes: [-1, ...wires], batch };
}

function applyDense(state: EngineState, step: Extract<Step, { kind: "dense" }>, args: RunArguments): EngineState {
  const complex = isComplex(state);
  const moved = bringToEnd(state, complex ? [-1, ...step.wires] : step.wires);
  const width = step.wires.length + (complex ? 1 : 0);
  const inGlobal = moved.axes.slice(moved.axes.length - width);
  const outGlobal = complex ? inGlobal : [-1, ...inGlobal];
  const local = (axis: number): number => (axis === -1 ? -1 : step.wires.indexOf(axis));
  const inLayout = inGlobal.map(local), outLayout = outGlobal.map(local);
  const k = step.wires.length;
  const gates: DenseGate[] = step.gates.map((gate) => ({
    form: gate.form,
    local: gate.wires.map((w) => step.wires.indexOf(w)),
    angle: angleValue(gate.angle, args.weightValues),
  }));
  const inSize = 1 << inLayout.length, outSize = 1 << outLayout.length;
  const trainable = args.weights !== null && step.gates.some((gate) => gate.angle?.kind === "weight");
  if (!trainable) {
    const r = tf.tensor2d(embedUnitary(blockUnitary(gates, k), k, inLayout, outLayout), [inSize, outSize]);
    return applyTrailingMatrix(moved, r, inGlobal, outGlobal, true);
  }
  const weightCount = args.weightValues.length;
  const build = tf.customGrad(() => {
    const u = blockUnitary(gates, k);
    return {
      value: tf.tensor2d(embedUnitary(u, k, inLayout, outLayout), [inSize, outSize]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const gradU = unembedGradient((dy as tf.Tensor).dataSync(), k, inLayout, outLayout);
        const perGate = blockAngleGradient(gates, k, u, gradU.real, gradU.imaginary);
        const gradWeights = new Float32Array(weightCount);
        step.gates.forEach((gate, j) => {
          if (gate.angle?.kind === "weight") gradWeights[gate.angle.index] += perGate[j];
        });
        return [tf.tensor1d(gradWeights)];
      },
    };
  });
  const r = build(args.weights as tf.Tensor1D) as tf.Tensor2D;
  return applyTrailingMatrix(moved, r, inGlobal, outGlobal, false);
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
