// SPDX-License-Identifier: MIT
/**
 * @module quantum/resources
 * Resource counts of a circuit, as PennyLane's `qml.specs` reports them for the expanded
 * circuit: qubits, depth, gate counts by kind (Rot counts as one gate, an amplitude
 * embedding as one state preparation on every wire), two-qubit gates, trainable
 * parameters and input features. Noise channels are counted apart and add no depth.
 *
 * Example: bel4.yaml (amplitude embedding + BasicEntanglerLayers L = 2 on 4 wires) →
 * depth 11, gates {AmplitudeEmbedding: 1, RX: 8, CNOT: 8}, 8 trainable parameters.
 */
import type { Circuit } from "./circuit.js";

export interface CircuitResources {
  qubits: number;
  /** Features per input sample. */
  inputFeatures: number;
  /** Longest chain of operations sharing wires (noise channels excluded). */
  depth: number;
  /** Gates and state preparations, noise channels excluded. */
  gateCount: number;
  /** By kind, in order of first appearance. */
  gates: Record<string, number>;
  twoQubitGates: number;
  /** Entries of the weight vector that training updates. */
  trainableParameters: number;
  /** Entries fixed by their template (RandomLayers with trainable: false). */
  frozenParameters: number;
  /** Gate angles read from input features. */
  inputAngles: number;
  noiseChannels: number;
  measurement: string;
}

export function circuitResources(circuit: Circuit): CircuitResources {
  const level = new Array<number>(circuit.qubits).fill(0);
  const gates: Record<string, number> = {};
  let depth = 0, gateCount = 0, twoQubitGates = 0, inputAngles = 0, noiseChannels = 0;
  for (const operation of circuit.operations) {
    if (operation.kind === "noise") {
      noiseChannels += operation.wires.length;
      continue;
    }
    const wires = operation.kind === "gate" ? operation.wires : level.map((_, wire) => wire);
    const name = operation.kind === "gate" ? operation.gate : "AmplitudeEmbedding";
    const layer = Math.max(...wires.map((wire) => level[wire])) + 1;
    for (const wire of wires) level[wire] = layer;
    depth = Math.max(depth, layer);
    gates[name] = (gates[name] ?? 0) + 1;
    gateCount++;
    if (operation.kind === "gate") {
      if (operation.wires.length === 2) twoQubitGates++;
      inputAngles += operation.params.filter((param) => param.kind === "input").length;
    }
  }
  const size = (shape: number[]): number => shape.reduce((product, extent) => product * extent, 1);
  const trainableParameters = circuit.weightBlocks.filter((block) => block.trainable).reduce((sum, block) => sum + size(block.shape), 0);
  const measurement =
    circuit.measurement.kind === "probs"
      ? `probabilities of ${2 ** circuit.measurement.wires.length} basis states on wires [${circuit.measurement.wires.join(", ")}]`
      : `${circuit.measurement.observables.length} Pauli-Z expectation${circuit.measurement.observables.length === 1 ? "" : "s"}`;
  return {
    qubits: circuit.qubits,
    inputFeatures: circuit.inputSize,
    depth,
    gateCount,
    gates,
    twoQubitGates,
    trainableParameters,
    frozenParameters: circuit.weightCount - trainableParameters,
    inputAngles,
    noiseChannels,
    measurement,
  };
}

/** The text report `qhybrid circuit --resources` prints. */
export function formatResources(resources: CircuitResources): string {
  const gates = Object.entries(resources.gates)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
  return [
    `qubits:               ${resources.qubits}`,
    `input features:       ${resources.inputFeatures}`,
    `depth:                ${resources.depth}`,
    `gates:                ${resources.gateCount}${gates ? ` (${gates})` : ""}`,
    `two-qubit gates:      ${resources.twoQubitGates}`,
    `trainable parameters: ${resources.trainableParameters}${resources.frozenParameters ? ` (+ ${resources.frozenParameters} frozen)` : ""}`,
    `input angles:         ${resources.inputAngles}`,
    ...(resources.noiseChannels ? [`noise channels:       ${resources.noiseChannels}`] : []),
    `measurement:          ${resources.measurement}`,
  ].join("\n");
}
