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
      return [tf.matMul(g, transpose2d(sb)), tf.matMul(transpose2d(sa), g)];
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
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, transpose2d(saved[0] as tf.Tensor2D))],
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
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(transpose2d(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
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

const TILE = 64;

/**
 * [p, q, r] → [p, r, q] (as a tensor of any shape with that many elements), in two
 * tiled steps when the q×r slices are large: wasm's transpose is ~1 ns per element on
 * cache-sized slices and 4–6 ns on large ones (a [2048, 64] transpose took 0.6 ms, the
 * two tiled steps 0.12 ms).
 */
export function swapLastTwo(x: tf.Tensor, p: number, q: number, r: number): tf.Tensor {
  if (q === 1 || r === 1) return x.reshape([p, r, q]);
  if (q * r > TILE * TILE && q > TILE && q % TILE === 0) {
    const q1 = q / TILE;
    // [p, q1, T, r] → [p, q1, r, T] → [p, r, q1, T]
    const tiles = tf.transpose(x.reshape([p * q1, TILE, r]), [0, 2, 1]);
    return tf.transpose(tiles.reshape([p, q1, r, TILE]), [0, 2, 1, 3]).reshape([p, r, q]);
  }
  if (q * r > TILE * TILE && r > TILE && r % TILE === 0) {
    const r1 = r / TILE;
    // [p, q, r1, T] → [p, r1, q, T] → [p, r1, T, q]
    const rows = tf.transpose(x.reshape([p, q, r1, TILE]), [0, 2, 1, 3]);
    return tf.transpose(rows.reshape([p * r1, q, TILE]), [0, 2, 1]).reshape([p, r, q]);
  }
  return tf.transpose(x.reshape([p, q, r]), [0, 2, 1]);
}

/** 2-D transpose through swapLastTwo. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, columns] = x.shape;
  return swapLastTwo(x, 1, rows, columns).reshape([columns, rows]) as tf.Tensor2D;
}

/**
 * Moves the axes at positions [start, start + length) of `axes` to the end: one rank-3
 * transpose [B·2^before, 2^length, 2^after] → [B·2^before, 2^after, 2^length].
 * Permutations are always done as a few of these: tfjs-backend-wasm has fast transposes
 * only up to rank 5; a rank 6–12 transpose of 131k floats took 10–30 ms here, a rank-3
 * one 0.1 ms.
 */
function moveToEnd(tensor: tf.Tensor2D, batch: number, axes: number[], start: number, length: number): { tensor: tf.Tensor2D; axes: number[] } {
  const after = axes.length - start - length;
  if (after === 0) return { tensor, axes };
  const moved = swapLastTwo(tensor, batch << start, 1 << length, 1 << after).reshape([batch, -1]) as tf.Tensor2D;
  return { tensor: moved, axes: [...axes.slice(0, start), ...axes.slice(start + length), ...axes.slice(start, start + length)] };
}

/** Reorders the binary axes of a state tensor [B, 2^a] from `from` to `to` (same axis ids). */
export function permuteAxes(tensor: tf.Tensor2D, batch: number, from: readonly number[], to: readonly number[]): tf.Tensor2D {
  let current = { tensor, axes: [...from] };
  let i = 0;
  while (i < to.length && current.axes[i] === to[i]) i++;
  // Move the rest of `to`, run by run (axes already adjacent and in order), to the end.
  while (i < to.length) {
    const start = current.axes.indexOf(to[i]);
    let length = 1;
    while (i + length < to.length && current.axes[start + length] === to[i + length]) length++;
    current = moveToEnd(current.tensor, batch, current.axes, start, length);
    i += length;
  }
  return current.tensor;
}

/** Transposes so that `trailing` (as a set) are the last axes; keeps their order if they already are. */
export function bringToEnd(state: EngineState, trailing: readonly number[]): EngineState {
  let current = { tensor: state.tensor, axes: [...state.axes] };
  // Move each run of trailing axes (in their current order) to the end; the block's matrix
  // is built for whatever order they end up in, so no further reordering is needed.
  for (;;) {
    const count = trailing.length;
    const firstOutside = current.axes.findIndex((axis, position) => trailing.includes(axis) && position < current.axes.length - count);
    if (firstOutside < 0) break;
    let length = 1;
    while (firstOutside + length < current.axes.length && trailing.includes(current.axes[firstOutside + length])) length++;
    current = moveToEnd(current.tensor, state.batch, current.axes, firstOutside, length);
  }
  return { tensor: current.tensor, axes: current.axes, batch: state.batch };
}

export interface Move {
  start: number;
  length: number;
  after: number;
}

/** The moveToEnd steps bringToEnd would do, and the resulting axis order (pure). */
export function planBringToEnd(axes: readonly number[], trailing: readonly number[]): { moves: Move[]; axes: number[] } {
  let current = [...axes];
  const moves: Move[] = [];
  for (;;) {
    const count = trailing.length;
    const first = current.findIndex((axis, position) => trailing.includes(axis) && position < current.length - count);
    if (first < 0) break;
    let length = 1;
    while (first + length < current.length && trailing.includes(current[first + length])) length++;
    const after = current.length - first - length;
    moves.push({ start: first, length, after });
    current = [...current.slice(0, first), ...current.slice(first + length), ...current.slice(first, first + length)];
  }
  return { moves, axes: current };
}

function applyMoves(tensor: tf.Tensor, batch: number, moves: readonly Move[]): tf.Tensor {
  let t = tensor;
  for (const { start, length, after } of moves) {
    t = swapLastTwo(t, batch << start, 1 << length, 1 << after);
  }
  return t.reshape([batch, -1]);
}

function undoMoves(tensor: tf.Tensor, batch: number, moves: readonly Move[]): tf.Tensor {
  let t = tensor;
  for (let i = moves.length - 1; i >= 0; i--) {
    const { start, length, after } = moves[i];
    t = swapLastTwo(t, batch << start, 1 << after, 1 << length);
  }
  return t.reshape([batch, -1]);
}

/** A dense block's matrix for given trailing layouts, and how ∂L/∂R maps to ∂L/∂weights. */
export interface BlockMatrix {
  data: Float32Array;
  inSize: number;
  outSize: number;
  /** Present when the matrix depends on weights: ∂L/∂R (host, row-major) → ∂L/∂weights. */
  weightGradient?: (gradR: Float32Array) => Float32Array;
}

function transposedData(m: BlockMatrix): Float32Array {
  const out = new Float32Array(m.data.length);
  for (let i = 0; i < m.inSize; i++) for (let j = 0; j < m.outSize; j++) out[j * m.inSize + i] = m.data[i * m.outSize + j];
  return out;
}

/**
 * Applies a dense block as ONE tfjs op (a custom-gradient op whose inner transposes,
 * reshapes and product are not taped): tfjs saves every taped op's inputs for the
 * backward pass by copying them, which on wasm cost more than the block's arithmetic.
 * Only the block's input rows are saved. `trailing` are the axes the block acts on;
 * `matrixFor` builds R for the layouts they end up in.
 */
export function applyBlock(state: EngineState, trailing: readonly number[], matrixFor: (inAxes: number[], outAxes: number[]) => BlockMatrix, weights: tf.Tensor1D | null): EngineState {
  const { moves, axes: movedAxes } = planBringToEnd(state.axes, trailing);
  const complex = isComplex(state);
  const inAxes = movedAxes.slice(movedAxes.length - trailing.length);
  const outAxes = complex ? inAxes : [-1, ...inAxes];
  const matrix = matrixFor(inAxes, outAxes);
  const batch = state.batch;
  const trainable = weights !== null && matrix.weightGradient !== undefined;
  const op = tf.customGrad((...args: CustomArgs) => {
    const x = args[0] as tf.Tensor;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const rows = applyMoves(x, batch, moves).reshape([-1, matrix.inSize]) as tf.Tensor2D;
    save([rows]);
    const r = tf.tensor2d(matrix.data, [matrix.inSize, matrix.outSize]);
    const value = tf.matMul(rows, r).reshape([batch, -1]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dRows = (dy as tf.Tensor).reshape([-1, matrix.outSize]) as tf.Tensor2D;
        const rT = tf.tensor2d(transposedData(matrix), [matrix.outSize, matrix.inSize]);
        const dx = undoMoves(tf.matMul(dRows, rT), batch, moves);
        if (!trainable) return [dx];
        const dR = tf.matMul(transpose2d(saved[0] as tf.Tensor2D), dRows);
        const gradWeights = matrix.weightGradient!(dR.dataSync() as Float32Array);
        return [dx, tf.tensor1d(gradWeights)];
      },
    };
  });
  const tensor = (trainable ? op(state.tensor, weights!) : op(state.tensor)) as tf.Tensor2D;
  const axes = [...movedAxes.slice(0, movedAxes.length - trailing.length), ...outAxes];
  return { tensor, axes, batch };
}

/**
 * Pauli-Z products as one op: out = (x ⊙ x)·Z, Z [2^a, m] a ±1 table for the state's axes;
 * ∂x = 2x ⊙ (∂out·Zᵀ).
 */
export function expectationOp(state: EngineState, zTable: Float32Array, observables: number): tf.Tensor2D {
  const size = state.tensor.shape[1];
  const op = tf.customGrad((...args: CustomArgs) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([x]);
    const value = tf.matMul(tf.square(x), tf.tensor2d(zTable, [size, observables]));
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const zT = new Float32Array(zTable.length);
        for (let i = 0; i < size; i++) for (let o = 0; o < observables; o++) zT[o * size + i] = zTable[i * observables + o];
        const dSquare = tf.matMul(dy as tf.Tensor2D, tf.tensor2d(zT, [observables, size]));
        return [tf.mul(tf.mul(saved[0], dSquare), 2)];
      },
    };
  });
  return op(state.tensor) as tf.Tensor2D;
}

/**
 * Probabilities of all basis states, as one op, in the order of the state's wire axes
 * (the real/imaginary axis moved first and summed). ∂x = 2x ⊙ (∂p repeated over re/im).
 */
export function probabilitiesOp(state: EngineState): { tensor: tf.Tensor2D; axes: number[] } {
  const wires = state.axes.filter((axis) => axis !== -1);
  if (!isComplex(state)) return { tensor: tf.square(state.tensor), axes: wires };
  const batch = state.batch;
  const size = 1 << wires.length;
  const op = tf.customGrad((...args: CustomArgs) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const ordered = permuteAxes(x, batch, state.axes, [-1, ...wires]);
    save([ordered]);
    const value = tf.sum(tf.square(ordered.reshape([batch, 2, size])), 1);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = (dy as tf.Tensor).reshape([batch, 1, size]);
        const both = tf.concat([g, g], 1).reshape([batch, -1]);
        const dOrdered = tf.mul(tf.mul(saved[0], both), 2) as tf.Tensor2D;
        return [permuteAxes(dOrdered, batch, [-1, ...wires], state.axes)];
      },
    };
  });
  return { tensor: op(state.tensor) as tf.Tensor2D, axes: wires };
}

/**
 * Amplitude embedding as one op: features [start, start+count) of x, padded with `pad` to
 * `size`, divided by sqrt(Σ v² + ε) when `normalize`. ∂v = (∂ψ − ψ·⟨ψ, ∂ψ⟩)/‖v‖ for the
 * normalised case; the padding gets no gradient.
 */
export function amplitudeOp(x: tf.Tensor2D, start: number, count: number, size: number, pad: number, normalize: boolean, epsilon: number): tf.Tensor2D {
  const [batch, features] = x.shape;
  const op = tf.customGrad((...args: CustomArgs) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    let v: tf.Tensor2D = start === 0 && count === features ? input : tf.slice(input, [0, start], [batch, count]);
    if (count < size) v = tf.pad(v, [[0, 0], [0, size - count]], pad);
    if (!normalize) {
      return { value: v.clone(), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [unembed(dy as tf.Tensor2D)] };
    }
    const inverseNorm = tf.rsqrt(tf.add(tf.sum(tf.square(v), 1, true), epsilon));
    const psi = tf.mul(v, inverseNorm);
    save([psi, inverseNorm]);
    return {
      value: psi,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [p, s] = saved;
        const g = dy as tf.Tensor2D;
        const overlap = tf.sum(tf.mul(g, p), 1, true);
        return [unembed(tf.mul(tf.sub(g, tf.mul(p, overlap)), s) as tf.Tensor2D)];
      },
    };
  });
  const unembed = (g: tf.Tensor2D): tf.Tensor2D => {
    const kept = count < size ? tf.slice(g, [0, 0], [batch, count]) : g;
    return count === features ? kept : (tf.pad(kept, [[0, 0], [start, features - start - count]]) as tf.Tensor2D);
  };
  return op(x) as tf.Tensor2D;
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
  return permuteAxes(state.tensor, state.batch, state.axes, order);
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
