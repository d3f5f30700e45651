import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CircuitBuilder, input } from "../../src/quantum/circuit.js";
import { loadCircuitFile } from "../../src/quantum/circuit-file.js";
import { drawCircuit, formatNumber } from "../../src/quantum/draw.js";

const CIRCUITS = new URL("../../configs/circuits/", import.meta.url).pathname;

describe("circuit drawings", () => {
  it("the Bell circuit draws its CNOT joined across both wires and Probs bracketed", () => {
    assert.equal(drawCircuit(loadCircuitFile(`${CIRCUITS}bell.yaml`)), ["0: ──H──╭●──┤ ╭Probs", "1: ─────╰X──┤ ╰Probs"].join("\n"));
  });

  it("operations on disjoint wires share a column and a gate spanning a wire draws │ through it", () => {
    const built = new CircuitBuilder(3, 1);
    const theta = built.weight("theta");
    built.gate("RY", [0], [input(0)]).gate("H", [1]).gate("CRX", [2, 0], [theta]).expval([[0], [1, 2]]);
    assert.equal(
      drawCircuit(built.build()),
      [
        "0: ──RY(x[0])──╭RX(w[0])──┤ <Z>",
        "1: ──H─────────│──────────┤ ╭<Z@Z>",
        "2: ────────────╰●─────────┤ ╰<Z@Z>",
      ].join("\n"),
    );
  });

  it("bound weights and inputs show as numbers, multiples of π by name", () => {
    const builder = new CircuitBuilder(1, 1);
    const w = builder.weight();
    const circuit = builder.gate("RX", [0], [w]).gate("RY", [0], [input(0, Math.PI)]).gate("RZ", [0], [{ kind: "constant", value: Math.PI / 2 }]).probs().build();
    assert.equal(drawCircuit(circuit), "0: ──RX(w[0])──RY(π·x[0])──RZ(π/2)──┤ Probs");
    assert.equal(drawCircuit(circuit, { weights: [0.123], inputs: [0.5] }), "0: ──RX(0.12)──RY(π/2)──RZ(π/2)──┤ Probs");
    assert.equal(drawCircuit(circuit, { weights: [0.123], decimals: 3 }), "0: ──RX(0.123)──RY(π·x[0])──RZ(π/2)──┤ Probs");
  });

  it("a long circuit wraps into blocks marked ··· that fit the width", () => {
    const builder = new CircuitBuilder(2);
    for (let index = 0; index < 12; index++) builder.gate("H", [0]).gate("CNOT", [0, 1]);
    const text = drawCircuit(builder.probs([1]).build(), { maxWidth: 40 });
    const blocks = text.split("\n\n");
    assert.ok(blocks.length >= 2);
    for (const line of text.split("\n").filter(Boolean)) assert.ok([...line].length <= 40, line);
    assert.match(blocks[0].split("\n")[0], /──···$/);
    assert.match(blocks[1].split("\n")[0], /^0: ···──/);
    assert.match(blocks.at(-1)!.split("\n")[1], /┤ Probs$/);
    assert.equal((text.match(/╭●/g) ?? []).length, 12);
  });

  it("the noise model is noted under the diagram and channels draw on their wires", () => {
    const circuit = new CircuitBuilder(2).noiseChannel("bit-flip", 0.1, [0, 1]).withNoise({ depolarizing: 0.01, readout: 0.02 }).expval().build();
    assert.equal(
      drawCircuit(circuit),
      [
        "0: ──BitFlip(0.10)──┤ <Z>",
        "1: ──BitFlip(0.10)──┤ <Z>",
        "noise: after every gate on its wires: depolarizing 0.01; readout error 0.02 per measured bit",
      ].join("\n"),
    );
  });

  it("quanv4.yaml draws its encoding and fixed layer in four columns", () => {
    assert.equal(
      drawCircuit(loadCircuitFile(`${CIRCUITS}quanv4.yaml`)),
      [
        "0: ──RY(π·x[0])──RX(0.40)──╭●────────────┤ <Z>",
        "1: ──RY(π·x[1])────────────╰X──RZ(0.70)──┤ <Z>",
        "2: ──RY(π·x[2])──RY(1.30)──╭●────────────┤ <Z>",
        "3: ──RY(π·x[3])────────────╰X──RX(2.10)──┤ <Z>",
      ].join("\n"),
    );
  });

  it("numbers are written with fixed decimals unless they are simple multiples of π", () => {
    assert.equal(formatNumber(0, 2), "0.00");
    assert.equal(formatNumber(-Math.PI / 4, 2), "-π/4");
    assert.equal(formatNumber(1.005, 1), "1.0");
  });
});
