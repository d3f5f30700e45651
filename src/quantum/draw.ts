// SPDX-License-Identifier: MIT
/**
 * @module quantum/draw
 * A text diagram of a circuit in the style of PennyLane's `qml.draw`: one line per wire,
 * operations laid out in columns so that operations on disjoint wire ranges share one,
 * two-wire gates joined by ╭ ╰ (│ where they cross a wire they do not act on), and the
 * measurement after ┤. Angles show as symbols (w[i] for weight i, x[j] for input feature j)
 * or, when values are given, as numbers. Lines longer than `maxWidth` wrap into blocks.
 *
 * Example (bell.yaml):
 *
 *     0: ──H──╭●──┤ ╭Probs
 *     1: ─────╰X──┤ ╰Probs
 */
import type { AngleSource, Circuit, NoiseChannelName, Operation } from "./circuit.js";

export interface DrawOptions {
  /** Bind weights: show their values instead of w[i]. */
  weights?: ArrayLike<number>;
  /** Bind one input sample: show angle values instead of x[j]. */
  inputs?: ArrayLike<number>;
  /** Decimals of the numbers shown (default 2, as PennyLane). */
  decimals?: number;
  /** Wrap the diagram into blocks no wider than this (default 100 characters). */
  maxWidth?: number;
}

const NOISE_LABELS: Record<NoiseChannelName, string> = {
  depolarizing: "Depolarizing",
  "amplitude-damping": "AmplitudeDamping",
  "bit-flip": "BitFlip",
  "phase-flip": "PhaseFlip",
};

/** A number as the diagram shows it; π multiples by name. */
export function formatNumber(value: number, decimals: number): string {
  for (const [factor, name] of [[1, "π"], [-1, "-π"], [0.5, "π/2"], [-0.5, "-π/2"], [0.25, "π/4"], [-0.25, "-π/4"], [2, "2π"]] as const) {
    if (value !== 0 && Math.abs(value - factor * Math.PI) < 1e-12) return name;
  }
  return value.toFixed(decimals);
}

export function formatAngle(source: AngleSource, options: DrawOptions = {}): string {
  const decimals = options.decimals ?? 2;
  switch (source.kind) {
    case "constant":
      return formatNumber(source.value, decimals);
    case "weight":
      return options.weights ? formatNumber(options.weights[source.index], decimals) : `w[${source.index}]`;
    case "input":
      if (options.inputs) return formatNumber(source.scale * options.inputs[source.index], decimals);
      return source.scale === 1 ? `x[${source.index}]` : `${formatNumber(source.scale, decimals)}·x[${source.index}]`;
  }
}

/** Per wire, what one operation shows in its column; `span` marks the wires it blocks. */
interface Cell {
  span: [number, number];
  labels: Map<number, string>;
}

function cellOf(operation: Operation, qubits: number, options: DrawOptions): Cell[] {
  if (operation.kind === "amplitude-embedding") {
    const label = `AmplitudeEmbedding(x[${operation.start}:${operation.start + operation.count}])`;
    return [{ span: [0, qubits - 1], labels: new Map(Array.from({ length: qubits }, (_, wire) => [wire, label])) }];
  }
  if (operation.kind === "noise") {
    const label = `${NOISE_LABELS[operation.channel]}(${operation.probability.toFixed(options.decimals ?? 2)})`;
    return operation.wires.map((wire) => ({ span: [wire, wire], labels: new Map([[wire, label]]) }));
  }
  const angles = operation.params.map((param) => formatAngle(param, options));
  const name = angles.length ? `${operation.gate}(${angles.join(",")})` : operation.gate;
  if (operation.wires.length === 1) return [{ span: [operation.wires[0], operation.wires[0]], labels: new Map([[operation.wires[0], name]]) }];
  const [first, second] = operation.wires;
  const labels = new Map<number, string>();
  switch (operation.gate) {
    case "CNOT":
      labels.set(first, "●").set(second, "X");
      break;
    case "CZ":
      labels.set(first, "●").set(second, "Z");
      break;
    case "SWAP":
      labels.set(first, "SWAP").set(second, "SWAP");
      break;
    default:
      // Controlled rotations: ● on the control, the rotation on the target.
      labels.set(first, "●").set(second, `${operation.gate.slice(1)}(${angles.join(",")})`);
  }
  return [{ span: [Math.min(first, second), Math.max(first, second)], labels }];
}

/** Columns of cells: each cell goes into the first column after everything on its span. */
function layout(circuit: Circuit, options: DrawOptions): Cell[][] {
  const next = new Array<number>(circuit.qubits).fill(0);
  const columns: Cell[][] = [];
  for (const operation of circuit.operations) {
    for (const cell of cellOf(operation, circuit.qubits, options)) {
      let column = 0;
      for (let wire = cell.span[0]; wire <= cell.span[1]; wire++) column = Math.max(column, next[wire]);
      for (let wire = cell.span[0]; wire <= cell.span[1]; wire++) next[wire] = column + 1;
      (columns[column] ??= []).push(cell);
    }
  }
  return columns;
}

/** One column rendered: a string per wire, all of the same width. */
function renderColumn(cells: Cell[], qubits: number): string[] {
  const texts = new Array<string>(qubits).fill("");
  for (const cell of cells) {
    const [top, bottom] = cell.span;
    for (let wire = top; wire <= bottom; wire++) {
      const label = cell.labels.get(wire);
      if (top === bottom) texts[wire] = label ?? "";
      else texts[wire] = (wire === top ? "╭" : wire === bottom ? "╰" : label !== undefined ? "├" : "│") + (label ?? "");
    }
  }
  const width = Math.max(...texts.map((text) => [...text].length));
  return texts.map((text) => text + "─".repeat(width - [...text].length));
}

/** The measurement after ┤, observables laid out in columns like gates so products line up. */
function measurementLabels(circuit: Circuit): string[] {
  const groups =
    circuit.measurement.kind === "probs"
      ? [{ wires: circuit.measurement.wires, text: "Probs" }]
      : circuit.measurement.observables.map((wires) => ({ wires, text: wires.length === 1 ? "<Z>" : `<${wires.map(() => "Z").join("@")}>` }));
  const next = new Array<number>(circuit.qubits).fill(0);
  const columns: string[][] = [];
  for (const { wires, text } of groups) {
    const top = Math.min(...wires), bottom = Math.max(...wires);
    let column = 0;
    for (let wire = top; wire <= bottom; wire++) column = Math.max(column, next[wire]);
    for (let wire = top; wire <= bottom; wire++) next[wire] = column + 1;
    const cells = (columns[column] ??= new Array<string>(circuit.qubits).fill(""));
    for (let wire = top; wire <= bottom; wire++) {
      if (wires.length === 1) cells[wire] = text;
      else if (wires.includes(wire)) cells[wire] = (wire === top ? "╭" : wire === bottom ? "╰" : "├") + text;
      else cells[wire] = "│";
    }
  }
  const lines = new Array<string>(circuit.qubits).fill("");
  columns.forEach((cells, index) => {
    const width = Math.max(...cells.map((cell) => [...cell].length));
    cells.forEach((cell, wire) => (lines[wire] += (index > 0 ? "  " : "") + cell + " ".repeat(width - [...cell].length)));
  });
  return lines.map((line) => line.trimEnd());
}

/** The diagram, lines joined by newlines; a noise model is noted below it. */
export function drawCircuit(circuit: Circuit, options: DrawOptions = {}): string {
  const maxWidth = options.maxWidth ?? 100;
  const columns = layout(circuit, options).map((cells) => renderColumn(cells, circuit.qubits));
  const labelWidth = String(circuit.qubits - 1).length;
  const prefix = (wire: number): string => `${String(wire).padStart(labelWidth)}: `;
  const measured = measurementLabels(circuit);
  const ending = (wire: number): string => `──┤${measured[wire] ? ` ${measured[wire]}` : ""}`;
  const endingWidth = Math.max(...measured.map((_, wire) => [...ending(wire)].length));

  const blocks: string[][] = [];
  let current: string[] = new Array<string>(circuit.qubits).fill("");
  let width = 0;
  const flush = (): void => {
    blocks.push(current);
    current = new Array<string>(circuit.qubits).fill("");
    width = 0;
  };
  columns.forEach((column, index) => {
    const columnWidth = 2 + [...column[0]].length;
    // Room for what may follow this column: the measurement, or the "──···" of a wrap.
    const reserve = index === columns.length - 1 ? endingWidth : 5;
    const continued = blocks.length > 0 ? 3 : 0;
    if (width > 0 && prefix(0).length + continued + width + columnWidth + reserve > maxWidth) flush();
    current = current.map((line, wire) => `${line}──${column[wire]}`);
    width += columnWidth;
  });
  blocks.push(current);
  const lines = blocks.map((block, index) =>
    block
      .map((line, wire) => {
        const continued = index > 0 ? "···" : "";
        const body = `${prefix(wire)}${continued}${line}`;
        return index === blocks.length - 1 ? `${body}${ending(wire)}`.trimEnd() : `${body}──···`;
      })
      .join("\n"),
  );
  const noise = circuit.noise ? describeNoiseModel(circuit.noise) : "";
  return lines.join("\n\n") + (noise ? `\n${noise}` : "");
}

export function describeNoiseModel(noise: NonNullable<Circuit["noise"]>): string {
  const afterGates = (
    [
      ["depolarizing", noise.depolarizing],
      ["amplitude damping", noise.amplitudeDamping],
      ["bit flip", noise.bitFlip],
      ["phase flip", noise.phaseFlip],
    ] as const
  ).filter(([, value]) => (value ?? 0) > 0);
  const parts: string[] = [];
  if (afterGates.length) parts.push(`after every gate on its wires: ${afterGates.map(([name, value]) => `${name} ${value}`).join(", ")}`);
  if ((noise.readout ?? 0) > 0) parts.push(`readout error ${noise.readout} per measured bit`);
  return parts.length ? `noise: ${parts.join("; ")}` : "";
}
