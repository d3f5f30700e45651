// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/gate-forms
 * Every parametrised gate of the registry has entries of the form α + β·cos(aθ) + γ·sin(aθ)
 * (a = 1/2 for the rotations and their controlled versions, a = 1 for PhaseShift). This
 * module derives α, β, γ from the registry's own `matrix()` (so the simulator cannot drift
 * from gates.ts), and gives the derivative dG/dθ the adjoint gradient needs.
 * Rot is not a primitive here: it is expanded to RZ(φ), RY(θ), RZ(ω) (its definition).
 */
import { GATES, type ComplexMatrix, type GateName, type GateSpec } from "../gates.js";

export type PrimitiveGateName = Exclude<GateName, "Rot">;

export interface GateForm {
  /** Matrix dimension: 2 or 4. */
  dimension: number;
  /** null for fixed gates; the frequency a of cos(aθ), sin(aθ) otherwise. */
  frequency: number | null;
  alpha: ComplexMatrix;
  beta: ComplexMatrix;
  gamma: ComplexMatrix;
  /** True when no entry has an imaginary part, for any angle. */
  real: boolean;
}

const forms = new Map<PrimitiveGateName, GateForm>();

function combine(terms: [number, ComplexMatrix][]): ComplexMatrix {
  const d = terms[0][1].dimension;
  const real = new Float64Array(d * d), imaginary = new Float64Array(d * d);
  for (const [factor, m] of terms) {
    for (let i = 0; i < d * d; i++) {
      real[i] += factor * m.real[i];
      imaginary[i] += factor * m.imaginary[i];
    }
  }
  return { dimension: d, real, imaginary };
}

const zeros = (d: number): ComplexMatrix => ({ dimension: d, real: new Float64Array(d * d), imaginary: new Float64Array(d * d) });

export function gateForm(name: PrimitiveGateName): GateForm {
  const cached = forms.get(name);
  if (cached) return cached;
  const spec: GateSpec = GATES[name];
  let form: GateForm;
  if (spec.params === 0) {
    const m = spec.matrix([]);
    form = { dimension: m.dimension, frequency: null, alpha: m, beta: zeros(m.dimension), gamma: zeros(m.dimension), real: m.imaginary.every((v) => v === 0) };
  } else {
    const a = name === "PhaseShift" ? 1 : 0.5;
    const m0 = spec.matrix([0]), m1 = spec.matrix([Math.PI / a]), m2 = spec.matrix([Math.PI / (2 * a)]);
    const alpha = combine([[0.5, m0], [0.5, m1]]);
    const beta = combine([[0.5, m0], [-0.5, m1]]);
    const gamma = combine([[1, m2], [-1, alpha]]);
    // Rounding in cos(π) etc. leaves ~1e-17 residues; clean them so realness is exact.
    for (const m of [alpha, beta, gamma]) {
      for (let i = 0; i < m.real.length; i++) {
        if (Math.abs(m.real[i]) < 1e-12) m.real[i] = 0;
        if (Math.abs(m.imaginary[i]) < 1e-12) m.imaginary[i] = 0;
      }
    }
    const real = [alpha, beta, gamma].every((m) => m.imaginary.every((v) => v === 0));
    form = { dimension: m0.dimension, frequency: a, alpha, beta, gamma, real };
  }
  forms.set(name, form);
  return form;
}

/** G(θ) from the form (θ ignored for fixed gates). */
export function formMatrix(form: GateForm, theta: number): ComplexMatrix {
  if (form.frequency === null) return form.alpha;
  return combine([[1, form.alpha], [Math.cos(form.frequency * theta), form.beta], [Math.sin(form.frequency * theta), form.gamma]]);
}

/** dG/dθ. */
export function formDerivative(form: GateForm, theta: number): ComplexMatrix {
  if (form.frequency === null) return zeros(form.dimension);
  const a = form.frequency;
  return combine([[-a * Math.sin(a * theta), form.beta], [a * Math.cos(a * theta), form.gamma]]);
}
