import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/errors.js";
import { CircuitBuilder } from "../../src/quantum/circuit.js";
import { circuitFromConfig, loadCircuitFile, parseCircuitFile, parsePiMultiple } from "../../src/quantum/circuit-file.js";
import { quantumSchema } from "../../src/quantum/schema.js";

const CIRCUITS = new URL("../../configs/circuits/", import.meta.url).pathname;

function usageMessage(text: string): string {
  try {
    parseCircuitFile(text, "c.yaml");
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("the circuit file was accepted");
}

describe("circuit files", () => {
  it("every example circuit in configs/circuits loads", () => {
    for (const name of ["bel4", "sel10", "quanv4", "bell", "ghz3", "noisy-bel4"]) {
      const circuit = loadCircuitFile(`${CIRCUITS}${name}.yaml`);
      assert.ok(circuit.operations.length > 0, name);
    }
  });

  it("bel4.yaml builds the same IR as the builder's amplitude embedding and basic entangler layers", () => {
    const expected = new CircuitBuilder(4, 16).amplitudeEmbedding({ normalize: true }).basicEntanglerLayers({ layers: 2, rotation: "RX" }).expval().build();
    assert.deepEqual(loadCircuitFile(`${CIRCUITS}bel4.yaml`), expected);
  });

  it("sel10.yaml holds 120 strongly entangling weights and measures 10-wire probabilities", () => {
    const circuit = loadCircuitFile(`${CIRCUITS}sel10.yaml`);
    assert.deepEqual(circuit.weightBlocks, [{ name: "strongly_entangling", shape: [4, 10, 3], offset: 0, trainable: true }]);
    assert.deepEqual(circuit.measurement, { kind: "probs", wires: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    assert.deepEqual(circuit.operations[0], { kind: "amplitude-embedding", start: 0, count: 784, pad: 0, normalize: true });
  });

  it("quanv4.yaml encodes pixels as RY(π·x) and has no weights", () => {
    const circuit = loadCircuitFile(`${CIRCUITS}quanv4.yaml`);
    assert.equal(circuit.weightCount, 0);
    assert.deepEqual(circuit.operations[2], { kind: "gate", gate: "RY", wires: [2], params: [{ kind: "input", index: 2, scale: Math.PI }] });
  });

  it("gate params accept constants, multiples of pi, fresh and named weights, and scaled inputs", () => {
    const circuit = parseCircuitFile(
      `qubits: 2
inputs: 2
operations:
  - {gate: Rot, wires: [0], params: [0.5, "-pi/4", weight]}
  - {gate: CRX, wires: [0, 1], params: [{weight: theta}]}
  - {gate: RY, wires: [1], params: [{weight: theta}]}
  - {gate: RZ, wires: [1], params: [{input: 1, scale: 2pi}]}
measure: {expval: [0, [0, 1]]}
`,
      "c.yaml",
    );
    assert.deepEqual(circuit.operations.map((operation) => (operation.kind === "gate" ? operation.params : [])), [
      [{ kind: "constant", value: 0.5 }, { kind: "constant", value: -Math.PI / 4 }, { kind: "weight", index: 0 }],
      [{ kind: "weight", index: 1 }],
      [{ kind: "weight", index: 1 }],
      [{ kind: "input", index: 1, scale: 2 * Math.PI }],
    ]);
    assert.equal(circuit.weightCount, 2);
    assert.deepEqual(circuit.measurement, { kind: "expval", observables: [[0], [0, 1]] });
  });

  it("multiples of pi are read as numbers", () => {
    assert.equal(parsePiMultiple("pi"), Math.PI);
    assert.equal(parsePiMultiple("pi/2"), Math.PI / 2);
    assert.equal(parsePiMultiple("-pi"), -Math.PI);
    assert.equal(parsePiMultiple("3*pi/4"), (3 * Math.PI) / 4);
    assert.equal(parsePiMultiple("0.5 pi"), 0.5 * Math.PI);
    assert.equal(parsePiMultiple("tau"), undefined);
    assert.equal(parsePiMultiple("pi/0"), undefined);
  });

  it("random layers take their structure from the seed and can be frozen", () => {
    const text = (seed: number) =>
      `qubits: 3\noperations:\n  - {template: random, layers: 2, rotations: 3, seed: ${seed}, trainable: false}\nmeasure: {probs: all}\n`;
    const first = parseCircuitFile(text(5), "c.yaml");
    assert.deepEqual(parseCircuitFile(text(5), "c.yaml"), first);
    assert.notDeepEqual(parseCircuitFile(text(6), "c.yaml").operations, first.operations);
    assert.equal(first.weightBlocks[0].trainable, false);
    assert.deepEqual(first.weightBlocks[0].shape, [2, 3]);
  });

  it("explicit noise channels default to every wire and the noise model is kept", () => {
    const circuit = parseCircuitFile(
      "qubits: 2\noperations:\n  - {noise: bit-flip, probability: 0.1}\nmeasure: {probs: all}\nnoise: {readout: 0.02}\n",
      "c.yaml",
    );
    assert.deepEqual(circuit.operations, [{ kind: "noise", channel: "bit-flip", probability: 0.1, wires: [0, 1] }]);
    assert.deepEqual(circuit.noise, { readout: 0.02 });
  });

  it("an unknown gate name is a located error listing the gates", () => {
    assert.match(usageMessage("qubits: 2\noperations:\n  - gate: RQ\n    wires: [0]\nmeasure: {probs: all}\n"), /^c\.yaml:3:11: operations\[0\]\.gate: expected one of "RX", .* got "RQ"$/);
  });

  it("a misspelt key inside an operation suggests the right one", () => {
    assert.equal(
      usageMessage("qubits: 2\noperations:\n  - gate: RX\n    wires: [0]\n    parms: [1]\nmeasure: {probs: all}\n"),
      'c.yaml:5:12: operations[0].parms: unknown key for a gate (did you mean "params"?)',
    );
  });

  it("a wire outside the register is reported at the operation by the builder's check", () => {
    assert.equal(
      usageMessage("qubits: 2\noperations:\n  - gate: RX\n    wires: [2]\n    params: [1]\nmeasure: {probs: all}\n"),
      "c.yaml:3:5: operations[0]: RX: wire 2 is outside 0..1",
    );
  });

  it("a bad angle says which forms are accepted", () => {
    assert.equal(
      usageMessage("qubits: 1\noperations:\n  - {gate: RX, wires: [0], params: [foo]}\nmeasure: {probs: all}\n"),
      'c.yaml:3:37: operations[0].params[0]: expected a number, "pi/2", weight, {weight: NAME} or {input: INDEX, scale: S}, got "foo"',
    );
  });

  it("an input index beyond the declared inputs points at the index", () => {
    assert.equal(
      usageMessage("qubits: 1\ninputs: 1\noperations:\n  - {gate: RX, wires: [0], params: [{input: 3}]}\nmeasure: {probs: all}\n"),
      "c.yaml:4:45: operations[0].params[0].input: input feature 3 is outside 0..0 (inputs: 1)",
    );
  });

  it("a wrong number of angles is an error, not a default", () => {
    assert.equal(
      usageMessage("qubits: 1\noperations:\n  - {gate: RX, wires: [0]}\nmeasure: {probs: all}\n"),
      "c.yaml:3:5: operations[0]: RX takes 1 angle(s) in params, got 0",
    );
  });

  it("an unknown template lists the known ones", () => {
    assert.equal(
      usageMessage("qubits: 2\noperations:\n  - {template: basic, layers: 1}\nmeasure: {probs: all}\n"),
      'c.yaml:3:16: operations[0].template: expected one of "basic-entangler", "strongly-entangling", "random", got "basic"',
    );
  });

  it("an operation naming no kind says which keys name one", () => {
    assert.equal(
      usageMessage("qubits: 2\noperations:\n  - foo: 1\nmeasure: {probs: all}\n"),
      "c.yaml:3:5: operations[0]: expected one of the keys gate, embedding, template, noise (what the operation is), got foo",
    );
  });

  it("an amplitude embedding after a gate is refused where it stands", () => {
    assert.equal(
      usageMessage("qubits: 2\ninputs: 4\noperations:\n  - {gate: H, wires: [0]}\n  - {embedding: amplitude}\nmeasure: {probs: all}\n"),
      "c.yaml:5:5: operations[1]: amplitude embedding must be the first operation",
    );
  });

  it("a measurement must be exactly one of expval and probs", () => {
    assert.equal(usageMessage("qubits: 2\nmeasure: {probs: all, expval: all}\n"), "c.yaml:2:10: measure: expected exactly one of expval or probs");
    assert.equal(usageMessage("qubits: 2\n"), "c.yaml:1:1: measure: required: expected a object");
  });

  it("a missing file is one line naming it", () => {
    assert.throws(() => loadCircuitFile("/nonexistent/c.yaml"), { name: "UsageError", message: "/nonexistent/c.yaml: cannot read the circuit file (no such file)" });
  });
});

describe("circuits from the experiment config", () => {
  it("the default quantum part is seed 2's amplitude embedding with two basic entangler layers", () => {
    const circuit = circuitFromConfig(quantumSchema.parse({}), () => assert.fail("no file"));
    assert.deepEqual(circuit, new CircuitBuilder(4, 16).amplitudeEmbedding({ pad: 0, normalize: true }).basicEntanglerLayers({ layers: 2 }).expval().build());
  });

  it("angle embedding with strongly entangling layers and probabilities follows the config keys", () => {
    const circuit = circuitFromConfig(
      quantumSchema.parse({ qubits: 3, embedding: "angle", rotation: "Z", template: "strongly-entangling", layers: 1, measure: "probs" }),
      () => assert.fail("no file"),
    );
    assert.equal(circuit.inputSize, 3);
    assert.deepEqual(circuit.operations[0], { kind: "gate", gate: "RZ", wires: [0], params: [{ kind: "input", index: 0, scale: 1 }] });
    assert.deepEqual(circuit.weightBlocks[0].shape, [1, 3, 3]);
    assert.deepEqual(circuit.measurement, { kind: "probs", wires: [0, 1, 2] });
  });

  it("a circuit file named in the config is loaded through the given loader and the config's noise replaces its own", () => {
    const circuit = circuitFromConfig(quantumSchema.parse({ circuit: "noisy-bel4.yaml", noise: { bitFlip: 0.1 } }), (path) => loadCircuitFile(`${CIRCUITS}${path}`));
    assert.equal(circuit.inputSize, 16);
    assert.deepEqual(circuit.noise, { bitFlip: 0.1 });
  });

  it("features that disagree with the circuit file's inputs are a usage error", () => {
    assert.throws(
      () => circuitFromConfig(quantumSchema.parse({ circuit: "bel4.yaml", features: 8 }), (path) => loadCircuitFile(`${CIRCUITS}${path}`)),
      { name: "UsageError", message: "quantum.features: 8, but the circuit file bel4.yaml takes 16 inputs" },
    );
  });

  it("random layers in the config derive their structure from the experiment seed", () => {
    const config = quantumSchema.parse({ qubits: 3, embedding: "angle", template: "random", layers: 2 });
    const load = () => assert.fail("no file");
    assert.deepEqual(circuitFromConfig(config, load, { seed: 4 }), circuitFromConfig(config, load, { seed: 4 }));
    assert.notDeepEqual(circuitFromConfig(config, load, { seed: 4 }).operations, circuitFromConfig(config, load, { seed: 5 }).operations);
  });
});

describe("noise limits in circuit files and configs", () => {
  it("noise on more than 10 qubits is refused where it is written", () => {
    assert.equal(
      usageMessage("qubits: 11\noperations:\n  - {gate: H, wires: [0]}\nmeasure: {probs: [0]}\nnoise: {depolarizing: 0.01}\n"),
      "c.yaml:5:8: noise: noise is simulated with density matrices, which take at most 10 qubits (4^n entries per sample); this circuit has 11: drop the noise or use fewer qubits",
    );
    assert.throws(
      () => circuitFromConfig(quantumSchema.parse({ qubits: 12, embedding: "angle", noise: { bitFlip: 0.1 } }), () => assert.fail("no file")),
      { name: "UsageError", message: /^quantum\.noise: noise is simulated with density matrices, .* this circuit has 12/ },
    );
  });

  it("readout error alone needs no density matrix and is allowed at any size", () => {
    const circuit = parseCircuitFile("qubits: 12\nmeasure: {probs: [0]}\nnoise: {readout: 0.01}\n", "c.yaml");
    assert.deepEqual(circuit.noise, { readout: 0.01 });
  });
});
