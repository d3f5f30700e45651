import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CircuitBuilder } from "../../src/quantum/circuit.js";
import { loadCircuitFile } from "../../src/quantum/circuit-file.js";
import { circuitResources, formatResources } from "../../src/quantum/resources.js";

const CIRCUITS = new URL("../../configs/circuits/", import.meta.url).pathname;

describe("circuit resources", () => {
  it("bel4.yaml: the embedding, 8 RX and two CNOT rings give depth 11 and 8 trainable parameters", () => {
    // Layer 1: RX on every wire (1), ring 0→1 (2), 1→2 (3), 2→3 (4), 3→0 (5); layer 2 starts
    // on wire 0 at 6 and the ring ends at 10; the embedding adds one.
    const resources = circuitResources(loadCircuitFile(`${CIRCUITS}bel4.yaml`));
    assert.deepEqual(resources, {
      qubits: 4,
      inputFeatures: 16,
      depth: 11,
      gateCount: 17,
      gates: { AmplitudeEmbedding: 1, RX: 8, CNOT: 8 },
      twoQubitGates: 8,
      trainableParameters: 8,
      frozenParameters: 0,
      inputAngles: 0,
      noiseChannels: 0,
      measurement: "4 Pauli-Z expectations",
    });
  });

  it("two strongly entangling layers on 3 wires (ranges 1 then 2) have depth 8", () => {
    // Layer 1: Rot (1), CNOT 0→1 (2), 1→2 (3), 2→0 (4). Layer 2: Rot at 5, 4, 5;
    // CNOT 0→2 (6), 1→0 (7), 2→1 (8).
    const circuit = new CircuitBuilder(3).stronglyEntanglingLayers({ layers: 2 }).probs().build();
    const resources = circuitResources(circuit);
    assert.equal(resources.depth, 8);
    assert.deepEqual(resources.gates, { Rot: 6, CNOT: 6 });
    assert.equal(resources.trainableParameters, 18);
  });

  it("quanv4.yaml has depth 4, four input angles and no parameters", () => {
    const resources = circuitResources(loadCircuitFile(`${CIRCUITS}quanv4.yaml`));
    assert.equal(resources.depth, 4);
    assert.equal(resources.inputAngles, 4);
    assert.equal(resources.trainableParameters, 0);
    assert.equal(resources.twoQubitGates, 2);
  });

  it("frozen random layers count apart from trainable parameters and noise adds no depth", () => {
    const circuit = new CircuitBuilder(2)
      .randomLayers({ layers: 2, rotationsPerLayer: 3, seed: 9, trainable: false })
      .noiseChannel("depolarizing", 0.1, [0, 1])
      .probs()
      .build();
    const resources = circuitResources(circuit);
    assert.equal(resources.frozenParameters, 6);
    assert.equal(resources.noiseChannels, 2);
    const withoutNoise = circuitResources({ ...circuit, operations: circuit.operations.filter((operation) => operation.kind !== "noise") });
    assert.equal(resources.depth, withoutNoise.depth);
  });

  it("the text report lists the counts by kind", () => {
    const text = formatResources(circuitResources(loadCircuitFile(`${CIRCUITS}bell.yaml`)));
    assert.match(text, /^qubits: +2$/m);
    assert.match(text, /^depth: +2$/m);
    assert.match(text, /^gates: +2 \(H 1, CNOT 1\)$/m);
    assert.match(text, /^measurement: +probabilities of 4 basis states on wires \[0, 1\]$/m);
  });
});
