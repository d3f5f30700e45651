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

/** M ← G·M for a gate G on `local` wires of a k-wire block; M row-major D×D. */
function applyLeft(mr: Float64Array, mi: Float64Array, k: number, g: ComplexMatrix, local: number[]): void {
  const d = 1 << k;
  const gd = g.dimension;
  const shifts = local.map((q) => k - 1 - q);
  let mask = 0;
  for (const s of shifts) mask |= 1 << s;
  const offsets = new Int32Array(gd);
  for (let a = 0; a < gd; a++) {
    let offset = 0;
    for (let t = 0; t < local.length; t++) if ((a >> (local.length - 1 - t)) & 1) offset |= 1 << shifts[t];
    offsets[a] = offset;
  }
  const tr = new Float64Array(gd), ti = new Float64Array(gd);
  const gr = g.real, gi = g.imaginary;
  for (let base = 0; base < d; base++) {
    if (base & mask) continue;
    for (let j = 0; j < d; j++) {
      for (let a = 0; a < gd; a++) {
        const at = (base + offsets[a]) * d + j;
        tr[a] = mr[at];
        ti[a] = mi[at];
      }
      for (let a = 0; a < gd; a++) {
        let sr = 0, si = 0;
        for (let b = 0; b < gd; b++) {
          const xr = gr[a * gd + b], xi = gi[a * gd + b];
          sr += xr * tr[b] - xi * ti[b];
          si += xr * ti[b] + xi * tr[b];
        }
        const at = (base + offsets[a]) * d + j;
        mr[at] = sr;
        mi[at] = si;
      }
    }
  }
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
  const lr = Float64Array.from(gradReal), li = Float64Array.from(gradImaginary);
  for (let j = gates.length - 1; j >= 0; j--) {
    const gate = gates[j];
    const g = formMatrix(gate.form, gate.angle);
    const gDagger = adjoint(g);
    applyLeft(pr, pi, k, gDagger, gate.local);
    if (gate.form.frequency !== null) {
      const qr = Float64Array.from(pr), qi = Float64Array.from(pi);
      applyLeft(qr, qi, k, formDerivative(gate.form, gate.angle), gate.local);
      let sum = 0;
      for (let i = 0; i < qr.length; i++) sum += lr[i] * qr[i] + li[i] * qi[i];
      result[j] = sum;
    }
    if (j > 0) applyLeft(lr, li, k, gDagger, gate.local);
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
