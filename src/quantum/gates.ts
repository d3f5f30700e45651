// SPDX-License-Identifier: MIT
/**
 * @module quantum/gates
 * The gate registry: each gate's arity, parameter count and unitary as plain numbers.
 * Matrices follow PennyLane exactly (pennylane/ops/qubit/*.py): RX(θ) = exp(−iθX/2),
 * Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ), PhaseShift(φ) = diag(1, e^{iφ}), and for a
 * two-wire gate on wires [a, b] the first wire is the more significant bit of the 4×4
 * matrix's row index (wire a is the control of CNOT, CRX, ...).
 * The simulator builds its own tensor kernels per gate; these numeric matrices are the
 * reference those kernels are tested against, and what the density-matrix path uses.
 */

/** A complex matrix as separate real and imaginary row-major arrays of size d×d. */
export interface ComplexMatrix {
  dimension: number;
  real: Float64Array;
  imaginary: Float64Array;
}

export const GATE_NAMES = [
  "RX", "RY", "RZ", "Rot", "PhaseShift",
  "H", "X", "Y", "Z", "S", "T",
  "CNOT", "CZ", "SWAP", "CRX", "CRY", "CRZ",
] as const;
export type GateName = (typeof GATE_NAMES)[number];

export interface GateSpec {
  wires: 1 | 2;
  params: 0 | 1 | 3;
  /**
   * How the gradient of each parameter is obtained by the parameter-shift rule:
   * "two-term" for gates e^{−iθG/2} with G² = I (shift ±π/2, factor 1/2), "four-term" for the
   * controlled rotations, whose generator has eigenvalues {0, ±1/2} (Wierichs et al. 2022).
   */
  shiftRule?: "two-term" | "four-term";
  /** OpenQASM 3 (stdgates.inc) name; null where the exporter writes a decomposition (Rot). */
  qasm: string | null;
  matrix(angles: readonly number[]): ComplexMatrix;
}

function complexMatrix(dimension: number, entries: [number, number][]): ComplexMatrix {
  const real = new Float64Array(dimension * dimension);
  const imaginary = new Float64Array(dimension * dimension);
  entries.forEach(([re, im], index) => {
    real[index] = re;
    imaginary[index] = im;
  });
  return { dimension, real, imaginary };
}

const rx = (theta: number): [number, number][] => {
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2);
  return [[c, 0], [0, -s], [0, -s], [c, 0]];
};
const ry = (theta: number): [number, number][] => {
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2);
  return [[c, 0], [-s, 0], [s, 0], [c, 0]];
};
const rz = (theta: number): [number, number][] => {
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2);
  return [[c, -s], [0, 0], [0, 0], [c, s]];
};

/** 4×4 controlled version of a 2×2 block: |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U. */
function controlled(block: [number, number][]): ComplexMatrix {
  return complexMatrix(4, [
    [1, 0], [0, 0], [0, 0], [0, 0],
    [0, 0], [1, 0], [0, 0], [0, 0],
    [0, 0], [0, 0], block[0], block[1],
    [0, 0], [0, 0], block[2], block[3],
  ]);
}

export function multiply(a: ComplexMatrix, b: ComplexMatrix): ComplexMatrix {
  const d = a.dimension;
  const real = new Float64Array(d * d), imaginary = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let re = 0, im = 0;
      for (let k = 0; k < d; k++) {
        const ar = a.real[i * d + k], ai = a.imaginary[i * d + k];
        const br = b.real[k * d + j], bi = b.imaginary[k * d + j];
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      real[i * d + j] = re;
      imaginary[i * d + j] = im;
    }
  }
  return { dimension: d, real, imaginary };
}

const SQRT_HALF = Math.SQRT1_2;

export const GATES = {
  RX: { wires: 1, params: 1, shiftRule: "two-term", qasm: "rx", matrix: ([t]) => complexMatrix(2, rx(t)) },
  RY: { wires: 1, params: 1, shiftRule: "two-term", qasm: "ry", matrix: ([t]) => complexMatrix(2, ry(t)) },
  RZ: { wires: 1, params: 1, shiftRule: "two-term", qasm: "rz", matrix: ([t]) => complexMatrix(2, rz(t)) },
  Rot: {
    wires: 1,
    params: 3,
    shiftRule: "two-term",
    qasm: null,
    matrix: ([phi, theta, omega]) =>
      multiply(complexMatrix(2, rz(omega)), multiply(complexMatrix(2, ry(theta)), complexMatrix(2, rz(phi)))),
  },
  PhaseShift: {
    wires: 1,
    params: 1,
    shiftRule: "two-term",
    qasm: "p",
    matrix: ([phi]) => complexMatrix(2, [[1, 0], [0, 0], [0, 0], [Math.cos(phi), Math.sin(phi)]]),
  },
  H: { wires: 1, params: 0, qasm: "h", matrix: () => complexMatrix(2, [[SQRT_HALF, 0], [SQRT_HALF, 0], [SQRT_HALF, 0], [-SQRT_HALF, 0]]) },
  X: { wires: 1, params: 0, qasm: "x", matrix: () => complexMatrix(2, [[0, 0], [1, 0], [1, 0], [0, 0]]) },
  Y: { wires: 1, params: 0, qasm: "y", matrix: () => complexMatrix(2, [[0, 0], [0, -1], [0, 1], [0, 0]]) },
  Z: { wires: 1, params: 0, qasm: "z", matrix: () => complexMatrix(2, [[1, 0], [0, 0], [0, 0], [-1, 0]]) },
  S: { wires: 1, params: 0, qasm: "s", matrix: () => complexMatrix(2, [[1, 0], [0, 0], [0, 0], [0, 1]]) },
  T: { wires: 1, params: 0, qasm: "t", matrix: () => complexMatrix(2, [[1, 0], [0, 0], [0, 0], [SQRT_HALF, SQRT_HALF]]) },
  CNOT: { wires: 2, params: 0, qasm: "cx", matrix: () => controlled([[0, 0], [1, 0], [1, 0], [0, 0]]) },
  CZ: { wires: 2, params: 0, qasm: "cz", matrix: () => controlled([[1, 0], [0, 0], [0, 0], [-1, 0]]) },
  SWAP: {
    wires: 2,
    params: 0,
    qasm: "swap",
    matrix: () =>
      complexMatrix(4, [
        [1, 0], [0, 0], [0, 0], [0, 0],
        [0, 0], [0, 0], [1, 0], [0, 0],
        [0, 0], [1, 0], [0, 0], [0, 0],
        [0, 0], [0, 0], [0, 0], [1, 0],
      ]),
  },
  CRX: { wires: 2, params: 1, shiftRule: "four-term", qasm: "crx", matrix: ([t]) => controlled(rx(t)) },
  CRY: { wires: 2, params: 1, shiftRule: "four-term", qasm: "cry", matrix: ([t]) => controlled(ry(t)) },
  CRZ: { wires: 2, params: 1, shiftRule: "four-term", qasm: "crz", matrix: ([t]) => controlled(rz(t)) },
} as const satisfies Record<GateName, GateSpec>;

export function gateSpec(name: GateName): GateSpec {
  return GATES[name];
}
