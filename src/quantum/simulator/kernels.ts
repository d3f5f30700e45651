// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/kernels
 * The tfjs side of the simulator: a batched state and the few ops that act on it. Pure
 * functions of tensors; no validation (hot path, fed by the planner).
 *
 * State layout. Amplitudes are kept as real float32 numbers (wasm has no complex
 * kernels): a tensor [B, 2^a] whose a axes are the n wires plus, once the state is
 * complex, one real/imaginary axis, in a tracked order (`axes`, most significant first;
 * -1 is the real/imaginary axis, 0 = real). Kernels transpose lazily: a block is applied
 * by bringing its wires (and the real/imaginary axis) to the end only when they are not
 * there already, and the state is put back in standard order only at measurement.
 *
 * Why plain matMul with a custom gradient: on tfjs-backend-wasm, a 2-D matMul without
 * transpose flags runs at ~27 GFLOP/s, while transposed or batched products (which
 * tfjs's own matMul gradient uses) were 13–45× slower when measured here; an explicit
 * transpose (memory-bound) plus a plain product is far cheaper.
 */
import * as tf from "@tensorflow/tfjs";

export interface EngineState {
  /** [B, 2^axes.length] */
  tensor: tf.Tensor2D;
  /** Axis order, most significant first: wire numbers and -1 for real/imaginary. */
  axes: number[];
  batch: number;
}

export const isComplex = (state: EngineState): boolean => state.axes.includes(-1);

type CustomArgs = Array<tf.Tensor | tf.GradSaveFunc>;

const plainProduct = tf.customGrad((...args: CustomArgs) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
    },
  };
});

/** a·b for 2-D tensors, differentiable in both, using only untransposed products. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return plainProduct(a, b) as tf.Tensor2D;
}

/** a·b where b is a constant (no gradient for b: saves a transpose of a and a product). */
export function matMulConstant(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const product = tf.customGrad((...args: CustomArgs) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([b]);
    return {
      value: tf.matMul(x as tf.Tensor2D, b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[0] as tf.Tensor2D))],
    };
  });
  return product(a) as tf.Tensor2D;
}

/** c·x where c is a constant on the left (gradient for x only). */
export function constantMatMul(c: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  const product = tf.customGrad((...args: CustomArgs) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([c]);
    return {
      value: tf.matMul(c, input as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
    };
  });
  return product(x) as tf.Tensor2D;
}

/**
 * Element count above which cos/sin are evaluated by polynomial instead of tf.cos/tf.sin:
 * wasm's Cos/Sin cost ~27 ns per element, the ~30 SIMD mul/adds below ~10 ns. Below it
 * the op count matters more than the per-element cost.
 */
const POLYNOMIAL_TRIG_MIN_ELEMENTS = 1 << 16;
const TWO_PI_HIGH = 6.28125; // exact in float32, so k·TWO_PI_HIGH has no rounding error
const TWO_PI_LOW = 2 * Math.PI - TWO_PI_HIGH;

/** [cos x, sin x], differentiable. */
export function cosSin(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (x.size < POLYNOMIAL_TRIG_MIN_ELEMENTS) return [tf.cos(x), tf.sin(x)];
  // Range reduction to r ∈ [−π, π] (Cody–Waite), then a = r/4 ∈ [−π/4, π/4] where degree
  // 8/9 Taylor series are accurate to ~3e-8, then two double-angle steps.
  const k = tf.round(tf.mul(x, 1 / (2 * Math.PI)));
  const r = tf.sub(tf.sub(x, tf.mul(k, TWO_PI_HIGH)), tf.mul(k, TWO_PI_LOW));
  const a = tf.mul(r, 0.25);
  const a2 = tf.square(a);
  let c = tf.add(tf.mul(a2, 1 / 40320), -1 / 720);
  c = tf.add(tf.mul(c, a2), 1 / 24);
  c = tf.add(tf.mul(c, a2), -1 / 2);
  c = tf.add(tf.mul(c, a2), 1);
  let s = tf.add(tf.mul(a2, 1 / 362880), -1 / 5040);
  s = tf.add(tf.mul(s, a2), 1 / 120);
  s = tf.add(tf.mul(s, a2), -1 / 6);
  s = tf.mul(tf.add(tf.mul(s, a2), 1), a);
  for (let step = 0; step < 2; step++) {
    const doubledSin = tf.mul(tf.mul(s, c), 2);
    c = tf.sub(tf.square(c), tf.square(s));
    s = doubledSin;
  }
  return [c, s];
}

/** Transposes so that `trailing` (as a set) are the last axes; keeps their order if they already are. */
export function bringToEnd(state: EngineState, trailing: readonly number[]): EngineState {
  const count = trailing.length;
  const tail = state.axes.slice(state.axes.length - count);
  if (tail.every((axis) => trailing.includes(axis))) return state;
  const others = state.axes.filter((axis) => !trailing.includes(axis));
  // Keep the trailing axes in their current relative order (so -1 stays wherever it was).
  const moved = state.axes.filter((axis) => trailing.includes(axis));
  const axes = [...others, ...moved];
  const perm = [0, ...axes.map((axis) => state.axes.indexOf(axis) + 1)];
  const shaped = state.tensor.reshape([state.batch, ...state.axes.map(() => 2)]);
  const tensor = tf.transpose(shaped, perm).reshape([state.batch, -1]) as tf.Tensor2D;
  return { tensor, axes, batch: state.batch };
}

/** Adds a zero imaginary part: axes gain -1 in front. */
export function complexify(state: EngineState): EngineState {
  if (isComplex(state)) return state;
  const tensor = tf.concat([state.tensor, tf.zerosLike(state.tensor)], 1) as tf.Tensor2D;
  return { tensor, axes: [-1, ...state.axes], batch: state.batch };
}

/**
 * Multiplies the trailing axes (which must be the layout `inAxes`) by R [2^in, 2^out];
 * the result's trailing axes are `outAxes`.
 */
export function applyTrailingMatrix(state: EngineState, matrix: tf.Tensor2D, inAxes: readonly number[], outAxes: readonly number[], constant: boolean): EngineState {
  const inSize = 1 << inAxes.length;
  const rows = state.tensor.reshape([-1, inSize]) as tf.Tensor2D;
  const product = constant ? matMulConstant(rows, matrix) : matMul(rows, matrix);
  const axes = [...state.axes.slice(0, state.axes.length - inAxes.length), ...outAxes];
  return { tensor: product.reshape([state.batch, -1]) as tf.Tensor2D, axes, batch: state.batch };
}

/** The state in standard order as [B, 2^n] real and imaginary parts. */
export function standardParts(state: EngineState, qubits: number): { re: tf.Tensor2D; im: tf.Tensor2D } {
  const wires = Array.from({ length: qubits }, (_, w) => w);
  if (!isComplex(state)) {
    const ordered = bringToOrder(state, wires);
    return { re: ordered, im: tf.zerosLike(ordered) };
  }
  const ordered = bringToOrder(state, [-1, ...wires]).reshape([state.batch, 2, 1 << qubits]);
  const [re, im] = tf.unstack(ordered, 1) as tf.Tensor2D[];
  return { re, im };
}

/** The state tensor with axes in exactly this order. */
export function bringToOrder(state: EngineState, order: readonly number[]): tf.Tensor2D {
  if (order.every((axis, i) => state.axes[i] === axis)) return state.tensor;
  const perm = [0, ...order.map((axis) => state.axes.indexOf(axis) + 1)];
  const shaped = state.tensor.reshape([state.batch, ...state.axes.map(() => 2)]);
  return tf.transpose(shaped, perm).reshape([state.batch, -1]) as tf.Tensor2D;
}

/** |amplitude|² per basis state of the wires, summed over the real/imaginary axis: [B, 2^n] in `axes` order without -1. */
export function probabilities(state: EngineState): { tensor: tf.Tensor2D; axes: number[] } {
  const squared = tf.square(state.tensor);
  const c = state.axes.indexOf(-1);
  if (c < 0) return { tensor: squared, axes: state.axes };
  const before = 1 << c;
  const after = 1 << (state.axes.length - c - 1);
  const summed = tf.sum(squared.reshape([state.batch, before, 2, after]), 2).reshape([state.batch, -1]) as tf.Tensor2D;
  return { tensor: summed, axes: state.axes.filter((axis) => axis !== -1) };
}
