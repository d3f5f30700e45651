import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CircuitBuilder, input, type Circuit } from "../../src/quantum/circuit.js";
import { loadCircuitFile } from "../../src/quantum/circuit-file.js";
import { GATE_NAMES, GATES, type GateName } from "../../src/quantum/gates.js";
import { exportQasm } from "../../src/quantum/qasm.js";
import { referenceMeasurement } from "./dense-reference.js";
import { randomCircuit, randomValues } from "./random-circuit.js";

const CIRCUITS = new URL("../../configs/circuits/", import.meta.url).pathname;

/** Reads back the gate lines of an exported program (bound angles only) as a circuit. */
function readBack(text: string, qubits: number, measurement: Circuit["measurement"]): Circuit {
  const byQasm = new Map<string, GateName>(GATE_NAMES.filter((name) => GATES[name].qasm !== null).map((name) => [GATES[name].qasm!, name]));
  const builder = new CircuitBuilder(qubits);
  for (const line of text.split("\n")) {
    const match = /^([a-z]+)(?:\(([^)]*)\))? (q\[\d+\](?:, q\[\d+\])*);$/.exec(line);
    if (!match) continue;
    const gate = byQasm.get(match[1]);
    assert.ok(gate, `unknown gate ${match[1]}`);
    const angles = match[2] ? match[2].split(", ").map(Number) : [];
    const wires = [...match[3].matchAll(/q\[(\d+)\]/g)].map((found) => Number(found[1]));
    builder.gate(gate, wires, angles.map((value) => ({ kind: "constant", value })));
  }
  return measurement.kind === "probs" ? builder.probs(measurement.wires).build() : builder.expval(measurement.observables).build();
}

describe("OpenQASM 3 export", () => {
  it("the Bell circuit exports as h, cx and one measurement of the register", () => {
    assert.deepEqual(exportQasm(loadCircuitFile(`${CIRCUITS}bell.yaml`)), {
      text: [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "",
        "qubit[2] q;",
        "h q[0];",
        "cx q[0], q[1];",
        "// result: probabilities of the bits of wires [0, 1] (c[i] holds wire i)",
        "bit[2] c = measure q;",
        "",
      ].join("\n"),
      notes: [],
    });
  });

  it("unbound inputs and weights are declared as inputs; Rot becomes rz, ry, rz in circuit order", () => {
    const builder = new CircuitBuilder(2, 2);
    const w = builder.allocateWeights("rot", [3]);
    const circuit = builder
      .gate("RY", [0], [input(1, 2)])
      .gate("Rot", [1], [0, 1, 2].map((k) => ({ kind: "weight" as const, index: w + k })))
      .gate("CRZ", [1, 0], [{ kind: "constant", value: 0.25 }])
      .gate("PhaseShift", [0], [input(0)])
      .expval([[0], [0, 1]])
      .build();
    assert.equal(
      exportQasm(circuit).text,
      [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "",
        "input float[64] x_0;",
        "input float[64] x_1;",
        "input float[64] w_0;",
        "input float[64] w_1;",
        "input float[64] w_2;",
        "",
        "qubit[2] q;",
        "ry(2 * x_1) q[0];",
        "rz(w_0) q[1];",
        "ry(w_1) q[1];",
        "rz(w_2) q[1];",
        "crz(0.25) q[1], q[0];",
        "p(x_0) q[0];",
        "// result: <Z0>, <Z0 Z1> as averages of (-1)^(sum of those bits) (c[i] holds wire i)",
        "bit[2] c = measure q;",
        "",
      ].join("\n"),
    );
    assert.match(exportQasm(circuit, { weights: [0.5, 1.5, -2], inputs: [0.1, 0.2] }).text, /ry\(0\.4\) q\[0\];\nrz\(0\.5\) q\[1\];\nry\(1\.5\) q\[1\];\nrz\(-2\) q\[1\];/);
  });

  it("a random circuit over every gate, exported with bound values and read back, gives the same measurement", () => {
    const circuit = randomCircuit({ qubits: 3, gates: 40, seed: 51 }).build();
    const w = randomValues(circuit.weightCount, 52);
    const x = randomValues(circuit.inputSize, 53);
    const program = exportQasm(circuit, { weights: w, inputs: x });
    const back = readBack(program.text, circuit.qubits, circuit.measurement);
    const expected = referenceMeasurement(circuit, x, w);
    referenceMeasurement(back, [], []).forEach((value, index) => assert.ok(Math.abs(value - expected[index]) < 1e-12, `${index}: ${value} vs ${expected[index]}`));
  });

  it("amplitude embedding is written as a comment with a note, with the amplitudes when a sample is bound", () => {
    const circuit = new CircuitBuilder(1, 1).amplitudeEmbedding({ pad: 1, normalize: true }).gate("H", [0]).expval().build();
    const unbound = exportQasm(circuit);
    assert.match(unbound.text, /\/\/ AmplitudeEmbedding \(not expressed: OpenQASM 3 has no state preparation\)/);
    assert.match(unbound.text, /input features 0\.\.0, padded with 1 to 2, L2-normalised/);
    assert.equal(unbound.notes.length, 1);
    assert.match(unbound.notes[0], /amplitude embedding is not expressed/);
    const bound = exportQasm(circuit, { inputs: [1] });
    const amplitudes = /\/\/ amplitudes: \[(.*)\]/.exec(bound.text)?.[1].split(", ").map(Number);
    assert.deepEqual(amplitudes?.map((value) => Math.abs(value - Math.SQRT1_2) < 1e-15), [true, true]);
  });

  it("noise is written as comments and noted", () => {
    const program = exportQasm(loadCircuitFile(`${CIRCUITS}noisy-bel4.yaml`), { weights: new Array(8).fill(0) });
    assert.match(program.text, /^\/\/ noise: after every gate on its wires: depolarizing 0\.01, amplitude damping 0\.005; readout error 0\.02 per measured bit \(not expressed\)$/m);
    assert.equal(program.notes.length, 2);
  });
});
