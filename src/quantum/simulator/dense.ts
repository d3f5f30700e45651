// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/dense
 * Pure float64 kernels for the small unitaries the simulator folds gate runs into: the
 * product U of a block of gates on k wires (2^k ≤ a few dozen), its embedding as the real
 * matrix R that the batched state is multiplied by, and the adjoint (reverse-mode)
 * gradient of a loss with respect to the gates' angles given ∂L/∂R.
 *
 * Conventions: U acts on column vectors, U = G_K ⋯ G_1 (G_1 applied first); inside a
 * block, local wire 0 is the most significant bit of U's row/column index. A layout lists
 * the tensor axes the matrix R contracts, most significant first: -1 is the real/imaginary
 * axis (0 = real part), q ≥ 0 is the block's local wire q. A state row x (real
 * coordinates in the input layout) becomes x·R (output layout).
 * No validation: these are hot-path internals fed by the planner.
 */
import type { ComplexMatrix } from "../gates.js";
import { formDerivative, formMatrix, type GateForm } from "./gate-forms.js";

export interface DenseGate {
  form: GateForm;
  /** Local wire positions in the block (0 = most significant). */
  local: number[];
  /** Angle of the gate (unused for fixed gates). */
  angle: number;
}

export interface DenseUnitary {
  /** 2^k */
  dimension: number;
  /** Row-major D×D. */
  real: Float64Array;
  imaginary: Float64Array;
}

/**
 * M ← G·M for a gate G on `local` wires of a k-wire block (M row-major D×D); or, with
 * `dual`, returns Re⟨Λ, G·M⟩ = Σ Λr·(GM)r + Λi·(GM)i without changing M (the adjoint
 * method's contraction, no temporary matrix). Unrolled for 2×2 and 4×4 gates: this runs
 * once per gate per batch, and is the host-side cost of every dense block.
 */
function applyLeft(mr: Float64Array, mi: Float64Array, k: number, g: ComplexMatrix, local: readonly number[], dual?: { re: Float64Array; im: Float64Array }): number {
  return g.dimension === 2 ? applyLeft1(mr, mi, k, g, local[0], dual) : applyLeft2(mr, mi, k, g, local, dual);
}

function applyLeft1(mr: Float64Array, mi: Float64Array, k: number, g: ComplexMatrix, wire: number, dual?: { re: Float64Array; im: Float64Array }): number {
  const d = 1 << k;
  const stride = 1 << (k - 1 - wire);
  const [ar, br, cr, dr] = g.real, [ai, bi, ci, di] = g.imaginary;
  let sum = 0;
  for (let base = 0; base < d; base++) {
    if (base & stride) continue;
    const r0 = base * d, r1 = (base | stride) * d;
    for (let j = 0; j < d; j++) {
      const xr = mr[r0 + j], xi = mi[r0 + j], yr = mr[r1 + j], yi = mi[r1 + j];
      const or0 = ar * xr - ai * xi + br * yr - bi * yi;
      const oi0 = ar * xi + ai * xr + br * yi + bi * yr;
      const or1 = cr * xr - ci * xi + dr * yr - di * yi;
      const oi1 = cr * xi + ci * xr + dr * yi + di * yr;
      if (dual) {
        sum += dual.re[r0 + j] * or0 + dual.im[r0 + j] * oi0 + dual.re[r1 + j] * or1 + dual.im[r1 + j] * oi1;
      } else {
        mr[r0 + j] = or0;
        mi[r0 + j] = oi0;
        mr[r1 + j] = or1;
        mi[r1 + j] = oi1;
      }
    }
  }
  return sum;
}

function applyLeft2(mr: Float64Array, mi: Float64Array, k: number, g: ComplexMatrix, local: readonly number[], dual?: { re: Float64Array; im: Float64Array }): number {
  const d = 1 << k;
  const high = 1 << (k - 1 - local[0]), low = 1 << (k - 1 - local[1]);
  const mask = high | low;
  // Most two-wire gates are sparse (CNOT, CZ, SWAP: one entry per row; controlled
  // rotations: six of sixteen), so only the non-zero entries are visited.
  const entries: { a: number; b: number; re: number; im: number }[] = [];
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const re = g.real[a * 4 + b], im = g.imaginary[a * 4 + b];
      if (re !== 0 || im !== 0) entries.push({ a, b, re, im });
    }
  }
  const rows = [0, 0, 0, 0];
  const xr = [0, 0, 0, 0], xi = [0, 0, 0, 0];
  const sr = [0, 0, 0, 0], si = [0, 0, 0, 0];
  let sum = 0;
  for (let base = 0; base < d; base++) {
    if (base & mask) continue;
    rows[0] = base * d;
    rows[1] = (base | low) * d;
    rows[2] = (base | high) * d;
    rows[3] = (base | high | low) * d;
    for (let j = 0; j < d; j++) {
      for (let b = 0; b < 4; b++) {
        xr[b] = mr[rows[b] + j];
        xi[b] = mi[rows[b] + j];
        sr[b] = 0;
        si[b] = 0;
      }
      for (const { a, b, re, im } of entries) {
        sr[a] += re * xr[b] - im * xi[b];
        si[a] += re * xi[b] + im * xr[b];
      }
      for (let a = 0; a < 4; a++) {
        const at = rows[a] + j;
        if (dual) {
          sum += dual.re[at] * sr[a] + dual.im[at] * si[a];
        } else {
          mr[at] = sr[a];
          mi[at] = si[a];
        }
      }
    }
  }
  return sum;
}

function adjoint(g: ComplexMatrix): ComplexMatrix {
  const d = g.dimension;
  const real = new Float64Array(d * d), imaginary = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      real[i * d + j] = g.real[j * d + i];
      imaginary[i * d + j] = -g.imaginary[j * d + i];
    }
  }
  return { dimension: d, real, imaginary };
}

function identity(d: number): DenseUnitary {
  const real = new Float64Array(d * d);
  for (let i = 0; i < d; i++) real[i * d + i] = 1;
  return { dimension: d, real, imaginary: new Float64Array(d * d) };
}

/** U = G_K ⋯ G_1 for the block's gates in order. */
export function blockUnitary(gates: readonly DenseGate[], k: number): DenseUnitary {
  const u = identity(1 << k);
  for (const gate of gates) applyLeft(u.real, u.imaginary, k, formMatrix(gate.form, gate.angle), gate.local);
  return u;
}

/**
 * dL/dθ for every gate (0 for fixed gates) given U and Ḡ = ∂L/∂Re U + i ∂L/∂Im U, by the
 * adjoint method: dL/dθ_j = Re⟨G_{j+1}^†⋯G_K^† Ḡ, G_j'·G_{j−1}⋯G_1⟩. O(K·D²), no D³ products.
 */
export function blockAngleGradient(gates: readonly DenseGate[], k: number, u: DenseUnitary, gradReal: Float64Array, gradImaginary: Float64Array): Float64Array {
  const result = new Float64Array(gates.length);
  const pr = Float64Array.from(u.real), pi = Float64Array.from(u.imaginary);
  const lambda = { re: Float64Array.from(gradReal), im: Float64Array.from(gradImaginary) };
  for (let j = gates.length - 1; j >= 0; j--) {
    const gate = gates[j];
    const gDagger = adjoint(formMatrix(gate.form, gate.angle));
    applyLeft(pr, pi, k, gDagger, gate.local);
    if (gate.form.frequency !== null) result[j] = applyLeft(pr, pi, k, formDerivative(gate.form, gate.angle), gate.local, lambda);
    if (j > 0) applyLeft(lambda.re, lambda.im, k, gDagger, gate.local);
  }
  return result;
}

/** Index of (c, basis state i of the block) in a layout. */
function layoutIndexTable(layout: readonly number[], k: number): Int32Array {
  const d = 1 << k;
  const table = new Int32Array(2 * d).fill(-1);
  for (let c = 0; c < 2; c++) {
    if (c === 1 && !layout.includes(-1)) break;
    for (let i = 0; i < d; i++) {
      let index = 0;
      for (const axis of layout) {
        const bit = axis === -1 ? c : (i >> (k - 1 - axis)) & 1;
        index = index * 2 + bit;
      }
      table[c * d + i] = index;
    }
  }
  return table;
}

/**
 * R with x_out = x_in·R for y = U·x: rows in `inLayout` (without -1 when the input is
 * real), columns in `outLayout` (always with -1). Float32 for the tensor.
 */
export function embedUnitary(u: DenseUnitary, k: number, inLayout: readonly number[], outLayout: readonly number[]): Float32Array {
  const d = u.dimension;
  const inIdx = layoutIndexTable(inLayout, k), outIdx = layoutIndexTable(outLayout, k);
  const inSize = inLayout.includes(-1) ? 2 * d : d;
  const outSize = 2 * d;
  const r = new Float32Array(inSize * outSize);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) {
      const ur = u.real[j * d + i], ui = u.imaginary[j * d + i];
      // y_j = Σ_i U[j,i] x_i: real in → (re, im) out; imaginary in → (−Im U, Re U).
      r[inIdx[i] * outSize + outIdx[j]] = ur;
      r[inIdx[i] * outSize + outIdx[d + j]] = ui;
      if (inIdx[d + i] >= 0) {
        r[inIdx[d + i] * outSize + outIdx[j]] = -ui;
        r[inIdx[d + i] * outSize + outIdx[d + j]] = ur;
      }
    }
  }
  return r;
}

/** ∂L/∂Re U and ∂L/∂Im U from ∂L/∂R (the adjoint of embedUnitary). */
export function unembedGradient(gradR: ArrayLike<number>, k: number, inLayout: readonly number[], outLayout: readonly number[]): { real: Float64Array; imaginary: Float64Array } {
  const d = 1 << k;
  const inIdx = layoutIndexTable(inLayout, k), outIdx = layoutIndexTable(outLayout, k);
  const outSize = 2 * d;
  const real = new Float64Array(d * d), imaginary = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) {
      let gr = gradR[inIdx[i] * outSize + outIdx[j]];
      let gi = gradR[inIdx[i] * outSize + outIdx[d + j]];
      if (inIdx[d + i] >= 0) {
        gi -= gradR[inIdx[d + i] * outSize + outIdx[j]];
        gr += gradR[inIdx[d + i] * outSize + outIdx[d + j]];
      }
      real[j * d + i] = gr;
      imaginary[j * d + i] = gi;
    }
  }
  return { real, imaginary };
}
