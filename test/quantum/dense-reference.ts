// An independent float64 truth for the quantum tests: circuits applied as dense 2^n × 2^n
// complex matrices built from gates.ts's numeric matrices (Kronecker expansion by index
// arithmetic), Kraus channels written out from their textbook definitions, and
// measurements from the resulting probabilities. Slow and simple on purpose.
import type { Circuit, Measurement, NoiseChannelName } from "../../src/quantum/circuit.js";
import { GATES, type ComplexMatrix } from "../../src/quantum/gates.js";

export interface Dense {
  d: number;
  re: Float64Array;
  im: Float64Array;
}

const zeros = (d: number, columns = d): Dense => ({ d, re: new Float64Array(d * columns), im: new Float64Array(d * columns) });

/** The n-qubit operator acting as `matrix` on `wires` (first wire = most significant bit of its index). */
export function expand(n: number, matrix: ComplexMatrix, wires: number[]): Dense {
  const d = 2 ** n;
  const out = zeros(d);
  const k = wires.length;
  const bit = (index: number, wire: number): number => (index >> (n - 1 - wire)) & 1;
  const sub = (index: number): number => wires.reduce((acc, wire) => (acc << 1) | bit(index, wire), 0);
  let mask = 0;
  for (const wire of wires) mask |= 1 << (n - 1 - wire);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if ((i & ~mask) !== (j & ~mask)) continue;
      const at = sub(i) * (1 << k) + sub(j);
      out.re[i * d + j] = matrix.real[at];
      out.im[i * d + j] = matrix.imaginary[at];
    }
  }
  return out;
}

export function matmul(a: Dense, b: Dense): Dense {
  const d = a.d;
  const out = zeros(d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const ar = a.re[i * d + k], ai = a.im[i * d + k];
      if (ar === 0 && ai === 0) continue;
      for (let j = 0; j < d; j++) {
        out.re[i * d + j] += ar * b.re[k * d + j] - ai * b.im[k * d + j];
        out.im[i * d + j] += ar * b.im[k * d + j] + ai * b.re[k * d + j];
      }
    }
  }
  return out;
}

export function dagger(a: Dense): Dense {
  const d = a.d;
  const out = zeros(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      out.re[i * d + j] = a.re[j * d + i];
      out.im[i * d + j] = -a.im[j * d + i];
    }
  }
  return out;
}

function add(a: Dense, b: Dense): Dense {
  const out = zeros(a.d);
  for (let i = 0; i < a.re.length; i++) {
    out.re[i] = a.re[i] + b.re[i];
    out.im[i] = a.im[i] + b.im[i];
  }
  return out;
}

const m2 = (entries: [number, number][]): ComplexMatrix => ({
  dimension: 2,
  real: Float64Array.from(entries.map(([re]) => re)),
  imaginary: Float64Array.from(entries.map(([, im]) => im)),
});

/** Kraus operators from their definitions (Nielsen & Chuang §8.3; PennyLane's channels). */
export function kraus(channel: NoiseChannelName, p: number): ComplexMatrix[] {
  const a = Math.sqrt(1 - p);
  switch (channel) {
    case "depolarizing": {
      const b = Math.sqrt(p / 3);
      return [
        m2([[a, 0], [0, 0], [0, 0], [a, 0]]),
        m2([[0, 0], [b, 0], [b, 0], [0, 0]]),
        m2([[0, 0], [0, -b], [0, b], [0, 0]]),
        m2([[b, 0], [0, 0], [0, 0], [-b, 0]]),
      ];
    }
    case "amplitude-damping":
      return [m2([[1, 0], [0, 0], [0, 0], [a, 0]]), m2([[0, 0], [Math.sqrt(p), 0], [0, 0], [0, 0]])];
    case "bit-flip":
      return [m2([[a, 0], [0, 0], [0, 0], [a, 0]]), m2([[0, 0], [Math.sqrt(p), 0], [Math.sqrt(p), 0], [0, 0]])];
    case "phase-flip":
      return [m2([[a, 0], [0, 0], [0, 0], [a, 0]]), m2([[Math.sqrt(p), 0], [0, 0], [0, 0], [-Math.sqrt(p), 0]])];
  }
}

/** The initial density matrix (|0⟩⟨0| or the amplitude-embedded pure state). */
function initialState(circuit: Circuit, x: number[]): Dense {
  const d = 2 ** circuit.qubits;
  const vector = new Float64Array(d);
  const first = circuit.operations[0];
  if (first?.kind === "amplitude-embedding") {
    for (let i = 0; i < d; i++) vector[i] = i < first.count ? x[first.start + i] : first.pad;
    if (first.normalize) {
      const norm = Math.hypot(...vector);
      for (let i = 0; i < d; i++) vector[i] /= norm;
    }
  } else {
    vector[0] = 1;
  }
  const rho = zeros(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) rho.re[i * d + j] = vector[i] * vector[j];
  return rho;
}

const MODEL: [keyof NonNullable<Circuit["noise"]>, NoiseChannelName][] = [
  ["depolarizing", "depolarizing"],
  ["amplitudeDamping", "amplitude-damping"],
  ["bitFlip", "bit-flip"],
  ["phaseFlip", "phase-flip"],
];

function channel(rho: Dense, n: number, name: NoiseChannelName, p: number, wire: number): Dense {
  let sum = zeros(rho.d);
  for (const operator of kraus(name, p)) {
    const k = expand(n, operator, [wire]);
    sum = add(sum, matmul(matmul(k, rho), dagger(k)));
  }
  return sum;
}

/** ρ after the circuit for one sample (readout error excluded). */
export function referenceDensityMatrix(circuit: Circuit, x: number[], w: number[]): Dense {
  const n = circuit.qubits;
  let rho = initialState(circuit, x);
  for (const operation of circuit.operations) {
    if (operation.kind === "amplitude-embedding") continue;
    if (operation.kind === "noise") {
      for (const wire of operation.wires) rho = channel(rho, n, operation.channel, operation.probability, wire);
      continue;
    }
    const angles = operation.params.map((source) =>
      source.kind === "constant" ? source.value : source.kind === "weight" ? w[source.index] : source.scale * x[source.index],
    );
    const u = expand(n, GATES[operation.gate].matrix(angles), operation.wires);
    rho = matmul(matmul(u, rho), dagger(u));
    for (const [key, name] of MODEL) {
      const p = circuit.noise?.[key] ?? 0;
      if (p > 0) for (const wire of operation.wires) rho = channel(rho, n, name, p, wire);
    }
  }
  return rho;
}

/** The measurement for one sample, readout error included, as plain numbers. */
export function referenceMeasurement(circuit: Circuit, x: number[], w: number[]): number[] {
  const rho = referenceDensityMatrix(circuit, x, w);
  const n = circuit.qubits;
  const d = rho.d;
  let probabilities = Array.from({ length: d }, (_, i) => rho.re[i * d + i]);
  const readout = circuit.noise?.readout ?? 0;
  for (let wire = 0; wire < n && readout > 0; wire++) {
    const flip = 1 << (n - 1 - wire);
    probabilities = probabilities.map((p, i) => (1 - readout) * p + readout * probabilities[i ^ flip]);
  }
  return measure(probabilities, n, circuit.measurement);
}

export function measure(probabilities: number[], n: number, measurement: Measurement): number[] {
  const bit = (index: number, wire: number): number => (index >> (n - 1 - wire)) & 1;
  if (measurement.kind === "expval") {
    return measurement.observables.map((group) =>
      probabilities.reduce((sum, p, i) => sum + p * (group.reduce((parity, wire) => parity ^ bit(i, wire), 0) ? -1 : 1), 0),
    );
  }
  const out = new Array<number>(2 ** measurement.wires.length).fill(0);
  probabilities.forEach((p, i) => {
    out[measurement.wires.reduce((acc, wire) => (acc << 1) | bit(i, wire), 0)] += p;
  });
  return out;
}
