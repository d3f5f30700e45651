// SPDX-License-Identifier: MIT
/**
 * @module quantum/qasm
 * OpenQASM 3 export: `OPENQASM 3.0; include "stdgates.inc";`, one `qubit[n] q;`, the gates
 * with their stdgates names (gates.ts `qasm`), and `bit[n] c = measure q;`.
 *
 * - Weights are written as numbers when given, otherwise declared `input float[64] w_i;`.
 *   Inputs are bound from one sample when given, otherwise declared `input float[64] x_j;`
 *   and used as `scale * x_j`.
 * - Rot(φ, θ, ω) = RZ(ω)·RY(θ)·RZ(φ) is written as `rz(φ) q; ry(θ) q; rz(ω) q;` (in
 *   circuit order), its definition; stdgates has no Rot. PhaseShift is `p`.
 * - Amplitude embedding is not expressed: OpenQASM 3 and stdgates have no state
 *   preparation, and an exact decomposition into stdgates (Möttönen et al.) takes
 *   ~2^(n+1) CNOTs and rotations whose angles depend on each sample. Refusing the export
 *   would block its common use (reading the trainable part into another tool), so the
 *   program is written from the prepared state on: a comment says which state the qubits
 *   must hold first (with a bound sample, its 2^n amplitudes), and the export returns a
 *   note the CLI prints on stderr, so nobody runs it on |0…0⟩ unawares.
 * - Noise (channels and the noise model) has no OpenQASM form: written as comments, noted.
 * - Expectations and marginals are computed from the measured bits; a comment lists them.
 */
import type { AngleSource, Circuit, NoiseChannelName, Operation } from "./circuit.js";
import { describeNoiseModel } from "./draw.js";
import { GATES } from "./gates.js";

export interface QasmOptions {
  /** The weight vector to bind (otherwise weights become `input float[64] w_i`). */
  weights?: ArrayLike<number>;
  /** One input sample to bind (otherwise inputs become `input float[64] x_j`). */
  inputs?: ArrayLike<number>;
}

export interface QasmExport {
  text: string;
  /** What the program does not express (amplitude embedding, noise): one line each. */
  notes: string[];
}

/** Shortest text that reads back as the same float64. */
function number(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

function angle(source: AngleSource, options: QasmOptions, used: { inputs: Set<number>; weights: Set<number> }): string {
  switch (source.kind) {
    case "constant":
      return number(source.value);
    case "weight":
      if (options.weights) return number(options.weights[source.index]);
      used.weights.add(source.index);
      return `w_${source.index}`;
    case "input":
      if (options.inputs) return number(source.scale * options.inputs[source.index]);
      used.inputs.add(source.index);
      return source.scale === 1 ? `x_${source.index}` : `${number(source.scale)} * x_${source.index}`;
  }
}

const CHANNEL_NAMES: Record<NoiseChannelName, string> = {
  depolarizing: "depolarizing",
  "amplitude-damping": "amplitude damping",
  "bit-flip": "bit flip",
  "phase-flip": "phase flip",
};

export function exportQasm(circuit: Circuit, options: QasmOptions = {}): QasmExport {
  const used = { inputs: new Set<number>(), weights: new Set<number>() };
  const notes: string[] = [];
  const body: string[] = [];
  const q = (wire: number): string => `q[${wire}]`;
  for (const operation of circuit.operations) body.push(...statements(operation));

  function statements(operation: Operation): string[] {
    switch (operation.kind) {
      case "amplitude-embedding": {
        const source = `features ${operation.start}..${operation.start + operation.count - 1}`;
        const how = `${operation.count < 2 ** circuit.qubits ? `padded with ${number(operation.pad)} to ${2 ** circuit.qubits}, ` : ""}${operation.normalize ? "L2-normalised" : "not normalised"}`;
        notes.push(`amplitude embedding is not expressed in OpenQASM: the program starts from the embedded state, which must be prepared first (see its comment)`);
        const lines = [
          `// AmplitudeEmbedding (not expressed: OpenQASM 3 has no state preparation). Before the gates`,
          `// below, q must hold the state whose amplitudes are the input ${source}, ${how};`,
          `// wire 0 is the most significant bit of the basis index.`,
        ];
        if (options.inputs) {
          const vector = Array.from({ length: 2 ** circuit.qubits }, (_, index) =>
            index < operation.count ? options.inputs![operation.start + index] : operation.pad,
          );
          const norm = operation.normalize ? Math.hypot(...vector) : 1;
          lines.push(`// amplitudes: [${vector.map((value) => number(value / norm)).join(", ")}]`);
        }
        return lines;
      }
      case "noise":
        notes.push(`noise channels are not expressed in OpenQASM: written as comments`);
        return [`// noise (not expressed): ${CHANNEL_NAMES[operation.channel]} ${number(operation.probability)} on ${operation.wires.map(q).join(", ")}`];
      case "gate": {
        const wires = operation.wires.map(q).join(", ");
        const angles = operation.params.map((param) => angle(param, options, used));
        if (operation.gate === "Rot") {
          const [phi, theta, omega] = angles;
          return [`rz(${phi}) ${wires};`, `ry(${theta}) ${wires};`, `rz(${omega}) ${wires};`];
        }
        const name = GATES[operation.gate].qasm;
        return [`${name}${angles.length ? `(${angles.join(", ")})` : ""} ${wires};`];
      }
    }
  }

  const header = ["OPENQASM 3.0;", 'include "stdgates.inc";'];
  const declarations = [
    ...[...used.inputs].sort((a, b) => a - b).map((index) => `input float[64] x_${index};`),
    ...[...used.weights].sort((a, b) => a - b).map((index) => `input float[64] w_${index};`),
  ];
  if (circuit.noise) {
    const description = describeNoiseModel(circuit.noise);
    if (description) {
      notes.push(`the noise model is not expressed in OpenQASM: written as a comment`);
      header.push(`// ${description} (not expressed)`);
    }
  }
  const measurement = circuit.measurement;
  const readout =
    measurement.kind === "probs"
      ? `// result: probabilities of the bits of wires [${measurement.wires.join(", ")}] (c[i] holds wire i)`
      : `// result: ${measurement.observables.map((group) => `<${group.map((wire) => `Z${wire}`).join(" ")}>`).join(", ")} as averages of (-1)^(sum of those bits) (c[i] holds wire i)`;
  const text = [
    ...header,
    "",
    ...(declarations.length ? [...declarations, ""] : []),
    `qubit[${circuit.qubits}] q;`,
    ...body,
    readout,
    `bit[${circuit.qubits}] c = measure q;`,
    "",
  ].join("\n");
  return { text, notes: [...new Set(notes)] };
}
