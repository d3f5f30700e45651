import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "./run-cli.js";

const folder = mkdtempSync(join(tmpdir(), "qhybrid-circuit-cli-"));
function file(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe("qhybrid circuit", () => {
  it("with no option draws the circuit and counts its resources", () => {
    const result = runCli(["circuit", "configs/circuits/bell.yaml"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        "0: ──H──╭●──┤ ╭Probs",
        "1: ─────╰X──┤ ╰Probs",
        "",
        "qubits:               2",
        "input features:       0",
        "depth:                2",
        "gates:                2 (H 1, CNOT 1)",
        "two-qubit gates:      1",
        "trainable parameters: 0",
        "input angles:         0",
        "measurement:          probabilities of 4 basis states on wires [0, 1]",
        "",
      ].join("\n"),
    );
  });

  it("--run --json gives the Bell state's probabilities", () => {
    const result = runCli(["circuit", "configs/circuits/bell.yaml", "--run", "--json", "--backend", "cpu"]);
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.deepEqual(output.run.outputs, ["|00⟩", "|01⟩", "|10⟩", "|11⟩"]);
    output.run.samples[0].values.forEach((value: number, index: number) => assert.ok(Math.abs(value - [0.5, 0, 0, 0.5][index]) < 1e-6));
  });

  it("--grad gives autodiff Jacobians that agree with the parameter shift and the analytic derivative", () => {
    const inputs = file("patch.json", "[[0.1, 0.5, 0.9, 0.3], [0.7, 0.2, 0.4, 0.6]]");
    const result = runCli(["circuit", "configs/circuits/quanv4.yaml", "--run", "--inputs", inputs, "--grad", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.equal(output.run.simulator, "statevector");
    for (const sample of output.run.samples) {
      // ⟨Z0⟩ = cos(π·x0)·cos(0.4): the RY encoding then the fixed RX(0.4).
      const x0 = sample.inputs[0];
      assert.ok(Math.abs(sample.values[0] - Math.cos(Math.PI * x0) * Math.cos(0.4)) < 1e-5);
      assert.ok(Math.abs(sample.gradients.inputs[0][0] + Math.PI * Math.sin(Math.PI * x0) * Math.cos(0.4)) < 1e-4);
      sample.gradients.inputs.forEach((row: number[], k: number) =>
        row.forEach((value, j) => assert.ok(Math.abs(value - sample.gradients.parameterShift.inputs[k][j]) < 1e-4, `∂out${k}/∂x${j}`)),
      );
    }
  });

  it("--qasm writes the program atomically and notes what it cannot express", () => {
    const out = join(folder, "bel4.qasm");
    const weights = file("w.json", "[[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]");
    const result = runCli(["circuit", "configs/circuits/bel4.yaml", "--qasm", out, "--weights", weights]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `OpenQASM 3 written to ${out}\n`);
    assert.match(result.stderr, /^qhybrid: note: amplitude embedding is not expressed in OpenQASM/);
    const program = readFileSync(out, "utf8");
    assert.match(program, /^OPENQASM 3\.0;\ninclude "stdgates\.inc";\n/);
    assert.match(program, /^rx\(0\.8\) q\[3\];$/m);
    assert.match(program, /^bit\[4\] c = measure q;$/m);
    assert.deepEqual(readdirSync(folder).filter((name) => name.endsWith(".tmp")), []);
  });

  it("shot estimates on a noisy circuit repeat for a seed", () => {
    const inputs = file("x.json", JSON.stringify(Array.from({ length: 16 }, (_, i) => i / 16)));
    const weights = file("w8.json", "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]");
    const args = ["circuit", "configs/circuits/noisy-bel4.yaml", "--run", "--inputs", inputs, "--weights", weights, "--shots", "500", "--seed", "4", "--json"];
    const first = runCli(args);
    assert.equal(first.status, 0, first.stderr);
    const output = JSON.parse(first.stdout);
    assert.equal(output.run.simulator, "density-matrix");
    assert.equal(output.run.shots, 500);
    assert.equal(runCli(args).stdout, first.stdout);
  });

  it("an input file of the wrong width is one line and exit code 2", () => {
    const inputs = file("short.json", "[0.1, 0.2]");
    const result = runCli(["circuit", "configs/circuits/quanv4.yaml", "--run", "--inputs", inputs]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, `qhybrid: error: ${inputs}: expected 4 input features (inputs: in configs/circuits/quanv4.yaml), got 2\n`);
  });

  it("a broken circuit file is a located one-line error", () => {
    const circuit = file("bad.yaml", "qubits: 2\noperations:\n  - gate: CNOT\n    wires: [0, 0]\nmeasure: {probs: all}\n");
    const result = runCli(["circuit", circuit]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, `qhybrid: error: ${circuit}:3:5: operations[0]: CNOT: wires [0, 0] repeat\n`);
  });

  it("--run without the weights a circuit needs says so", () => {
    const inputs = file("x16.json", JSON.stringify(Array.from({ length: 16 }, () => 1)));
    const result = runCli(["circuit", "configs/circuits/bel4.yaml", "--run", "--inputs", inputs]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "qhybrid: error: --run needs --weights FILE: configs/circuits/bel4.yaml has 8 weights\n");
  });
});
