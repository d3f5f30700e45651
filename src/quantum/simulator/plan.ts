// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulator/plan
 * Turns a circuit into an execution plan, choosing how each part is simulated. At the
 * sizes we run (≤ 16 qubits, batches of 10^2–10^5) the cost of a tfjs simulation is the
 * number of tensor operations per batch, not arithmetic, so the plan minimises ops:
 *
 * - **Product-state prefix.** Without amplitude embedding the state starts in |0…0⟩, and
 *   the single-qubit gates on a wire before its first multi-qubit gate (angle embeddings,
 *   quanvolution encoders) leave a product state. It is built in closed form, one small
 *   per-wire vector each, then a Kronecker product: a handful of ops for any batch.
 * - **Dense blocks.** Every gate whose angle is a weight or a constant is folded, with
 *   its neighbours, into the unitary of a block of at most `maxBlockQubits` wires, built
 *   once per call in float64 on the host (dense.ts) and applied to the whole batch as one
 *   matrix product. Gates join an earlier block when they commute with everything after it
 *   (disjoint wires), so e.g. a StronglyEntanglingLayers layer on 10 wires costs 2–3
 *   products instead of 20 gate applications. For n ≤ 6 the block is the whole register:
 *   the whole weight-only circuit becomes one 2^n×2^n unitary (one product per batch).
 *   Above that the block size trades matmul arithmetic (∝ 2^k per block) against the
 *   number of blocks: for 10-qubit StronglyEntanglingLayers (L = 4, batch 64, forward and
 *   backward on wasm) 4-wire blocks (20 of them) tie with 3 (22) and beat 5 (14) by ~10%.
 * - **Per-sample gates.** A gate whose angle is an input feature after the prefix is
 *   applied on its own, with a per-sample 2×2 (or 4×4) matrix, by broadcasting.
 */
import type { AngleSource, Circuit, Operation } from "../circuit.js";
import { gateForm, type GateForm, type PrimitiveGateName } from "./gate-forms.js";

export interface PrimitiveGate {
  name: PrimitiveGateName;
  form: GateForm;
  wires: number[];
  /** null for gates without angle. */
  angle: AngleSource | null;
}

export type Step =
  /** Weight/constant gates folded into one unitary on `wires` (local order = this order). */
  | { kind: "dense"; wires: number[]; gates: PrimitiveGate[] }
  /** One gate with a per-sample angle. */
  | { kind: "sample"; gate: PrimitiveGate };

export type InitialState =
  | { kind: "zero" }
  | { kind: "amplitude"; embedding: Extract<Operation, { kind: "amplitude-embedding" }> }
  /** Per wire, the gates building its one-qubit state from |0⟩ (empty: stays |0⟩). */
  | { kind: "product"; wires: PrimitiveGate[][] };

export interface Plan {
  qubits: number;
  initial: InitialState;
  steps: Step[];
}

export interface PlanOptions {
  /** Largest block folded into one dense unitary; default: n for n ≤ 6, else 4. */
  maxBlockQubits?: number;
}

/** Gates in circuit order, Rot expanded to RZ(φ)·RY(θ)·RZ(ω) applied as RZ(φ) first. */
export function primitiveGates(circuit: Circuit): PrimitiveGate[] {
  const gates: PrimitiveGate[] = [];
  for (const op of circuit.operations) {
    if (op.kind === "noise") {
      throw new RangeError("the statevector simulator does not simulate noise channels; use the density-matrix simulator");
    }
    if (op.kind !== "gate") continue;
    if (op.gate === "Rot") {
      const [phi, theta, omega] = op.params;
      gates.push({ name: "RZ", form: gateForm("RZ"), wires: op.wires, angle: phi });
      gates.push({ name: "RY", form: gateForm("RY"), wires: op.wires, angle: theta });
      gates.push({ name: "RZ", form: gateForm("RZ"), wires: op.wires, angle: omega });
    } else {
      gates.push({ name: op.gate, form: gateForm(op.gate), wires: op.wires, angle: op.params[0] ?? null });
    }
  }
  return gates;
}

const isSample = (gate: PrimitiveGate): boolean => gate.angle?.kind === "input";

export function defaultMaxBlockQubits(qubits: number): number {
  return qubits <= 6 ? qubits : 4;
}

export function planCircuit(circuit: Circuit, options: PlanOptions = {}): Plan {
  const n = circuit.qubits;
  if (circuit.noise !== undefined && Object.values(circuit.noise).some((p) => p !== undefined && p > 0)) {
    throw new RangeError("the statevector simulator does not simulate a noise model; use the density-matrix simulator");
  }
  const maxBlock = Math.max(1, Math.min(n, options.maxBlockQubits ?? defaultMaxBlockQubits(n)));
  const embedding = circuit.operations.find((op) => op.kind === "amplitude-embedding");
  let gates = primitiveGates(circuit);
  let initial: InitialState = embedding ? { kind: "amplitude", embedding } : { kind: "zero" };

  if (!embedding) {
    // Leading run of one-wire gates per wire, without weights (those stay in dense blocks,
    // whose gradient is computed on the host), cut after the wire's last per-sample gate.
    const open = new Array<boolean>(n).fill(true);
    const candidates: number[][] = Array.from({ length: n }, () => []);
    gates.forEach((gate, index) => {
      const [wire] = gate.wires;
      if (gate.wires.length === 1 && open[wire] && gate.angle?.kind !== "weight") candidates[wire].push(index);
      else for (const w of gate.wires) open[w] = false;
    });
    const prefix = candidates.map((list) => {
      let last = -1;
      list.forEach((index, position) => {
        if (isSample(gates[index])) last = position;
      });
      return list.slice(0, last + 1);
    });
    if (prefix.some((list) => list.length > 0)) {
      const taken = new Set(prefix.flat());
      initial = { kind: "product", wires: prefix.map((list) => list.map((index) => gates[index])) };
      gates = gates.filter((_, index) => !taken.has(index));
    }
  }

  const steps: Step[] = [];
  for (const gate of gates) {
    if (isSample(gate)) {
      steps.push({ kind: "sample", gate });
      continue;
    }
    // Scan back over steps this gate commutes with (disjoint wires); among the dense blocks
    // that can take it, pick the one that grows least, the earliest on ties (which leaves
    // later blocks room: 20 instead of 21 blocks for 10-qubit StronglyEntanglingLayers L=4).
    let best: Extract<Step, { kind: "dense" }> | undefined;
    let bestSize = Infinity;
    for (let s = steps.length - 1; s >= 0; s--) {
      const step = steps[s];
      const stepWires = step.kind === "dense" ? step.wires : step.gate.wires;
      const touches = gate.wires.some((w) => stepWires.includes(w));
      if (step.kind === "dense") {
        const size = new Set([...step.wires, ...gate.wires]).size;
        if (size <= maxBlock && size <= bestSize) {
          best = step;
          bestSize = size;
        }
      }
      if (touches) break;
    }
    if (best) {
      best.gates.push(gate);
      for (const w of gate.wires) if (!best.wires.includes(w)) best.wires.push(w);
    } else {
      steps.push({ kind: "dense", wires: [...gate.wires], gates: [gate] });
    }
  }
  return { qubits: n, initial, steps };
}

/**
 * Independent parts of an expectation circuit: when no gate (and no amplitude embedding)
 * couples two sets of wires and every observable lies in one set, each set is simulated
 * on its own (2^k amplitudes instead of 2^n) and the expectations are gathered. Quanvolution
 * filters are the typical case: a 4-wire layer with two CNOTs cannot connect all wires.
 * Returns null when the circuit does not split.
 */
export function splitComponents(circuit: Circuit): { circuit: Circuit; outputs: number[] }[] | null {
  const m = circuit.measurement;
  if (m.kind !== "expval") return null;
  if (circuit.operations.some((op) => op.kind !== "gate")) return null;
  const parent = Array.from({ length: circuit.qubits }, (_, w) => w);
  const find = (w: number): number => (parent[w] === w ? w : (parent[w] = find(parent[w])));
  const join = (wires: readonly number[]): void => {
    for (const w of wires.slice(1)) parent[find(w)] = find(wires[0]);
  };
  for (const op of circuit.operations) if (op.kind === "gate") join(op.wires);
  for (const group of m.observables) join(group);
  const roots = [...new Set(Array.from({ length: circuit.qubits }, (_, w) => find(w)))];
  const measuredRoots = roots.filter((root) => m.observables.some((group) => find(group[0]) === root));
  if (roots.length < 2) return null;
  return measuredRoots.map((root) => {
    const wires = Array.from({ length: circuit.qubits }, (_, w) => w).filter((w) => find(w) === root);
    const local = (w: number): number => wires.indexOf(w);
    const outputs = m.observables.flatMap((group, o) => (find(group[0]) === root ? [o] : []));
    const operations = circuit.operations.flatMap((op) => (op.kind === "gate" && find(op.wires[0]) === root ? [{ ...op, wires: op.wires.map(local) }] : []));
    return {
      circuit: { ...circuit, qubits: wires.length, operations, measurement: { kind: "expval", observables: outputs.map((o) => m.observables[o].map(local)) } },
      outputs,
    };
  });
}
