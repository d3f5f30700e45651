// SPDX-License-Identifier: MIT
/**
 * @module quantum/circuit
 * The circuit intermediate representation every part of the quantum engine shares (the
 * simulators, drawing, resource counts, OpenQASM export, the tfjs layer), and the typed
 * builder that produces it. Templates and angle embeddings are expanded into gates when
 * added, so the IR is a flat list: an optional amplitude embedding first, then gates (and
 * explicit noise channels), then one measurement.
 *
 * Conventions (PennyLane's): wire 0 is the most significant bit of a basis-state index;
 * template weight shapes, gate order and CNOT ranges are those of
 * pennylane/templates/layers/{basic_entangler,strongly_entangling,random}.py and
 * pennylane/templates/embeddings/{angle,amplitude}.py.
 */
import { Random } from "../random.js";
import { GATES, type GateName } from "./gates.js";

/** Where a gate angle comes from. */
export type AngleSource =
  | { kind: "constant"; value: number }
  /** Trainable: an index into the circuit's flat weight vector. */
  | { kind: "weight"; index: number }
  /** Data: scale × the input feature at this index of the sample. */
  | { kind: "input"; index: number; scale: number };

export type NoiseChannelName = "depolarizing" | "amplitude-damping" | "bit-flip" | "phase-flip";

export type Operation =
  | { kind: "gate"; gate: GateName; wires: number[]; params: AngleSource[] }
  /**
   * Amplitude embedding of input features [start, start + count) on all wires, padded with
   * `pad` to 2^n and, if `normalize`, divided by its L2 norm. Always the first operation.
   */
  | { kind: "amplitude-embedding"; start: number; count: number; pad: number; normalize: boolean }
  | { kind: "noise"; channel: NoiseChannelName; probability: number; wires: number[] };

export type Measurement =
  /** ⟨Z_{w1} ⊗ Z_{w2} ⊗ …⟩ for each listed group of wires; [[0],[1]] gives per-wire ⟨Z⟩. */
  | { kind: "expval"; observables: number[][] }
  /** Probabilities of the basis states of these wires (marginal when not all wires). */
  | { kind: "probs"; wires: number[] };

/** Noise applied after every gate (on the gate's wires) and at readout. */
export interface NoiseModel {
  depolarizing?: number;
  amplitudeDamping?: number;
  bitFlip?: number;
  phaseFlip?: number;
  /** Probability that a measured bit is read flipped. */
  readout?: number;
}

/** A named block of the weight vector with its PennyLane shape, e.g. BasicEntanglerLayers [L, n]. */
export interface WeightBlock {
  name: string;
  shape: number[];
  offset: number;
  /** Weights of RandomLayers are fixed by their seed unless made trainable. */
  trainable: boolean;
}

export interface Circuit {
  qubits: number;
  /** Input features per sample. */
  inputSize: number;
  operations: Operation[];
  weightBlocks: WeightBlock[];
  /** Length of the flat weight vector (the sum of the blocks' sizes). */
  weightCount: number;
  measurement: Measurement;
  noise?: NoiseModel;
}

export type Rotation = "RX" | "RY" | "RZ";

/** Outputs per sample of a circuit's measurement: one per observable, or 2^k probabilities. */
export function measurementSize(circuit: Circuit): number {
  return circuit.measurement.kind === "expval" ? circuit.measurement.observables.length : 2 ** circuit.measurement.wires.length;
}

export const constant = (value: number): AngleSource => ({ kind: "constant", value });
export const input = (index: number, scale = 1): AngleSource => ({ kind: "input", index, scale });

/** Builds a circuit step by step; each step checks its arguments. */
export class CircuitBuilder {
  private readonly operations: Operation[] = [];
  private readonly weightBlocks: WeightBlock[] = [];
  private weightCount = 0;
  private measurement: Measurement | undefined;
  private noise: NoiseModel | undefined;

  constructor(
    readonly qubits: number,
    readonly inputSize = 0,
  ) {
    if (!Number.isInteger(qubits) || qubits < 1) throw new RangeError(`qubits must be a positive integer, got ${qubits}`);
    if (!Number.isInteger(inputSize) || inputSize < 0) throw new RangeError(`inputSize must be a non-negative integer, got ${inputSize}`);
  }

  private get wires(): number[] {
    return Array.from({ length: this.qubits }, (_, wire) => wire);
  }

  private checkWires(wires: readonly number[], arity: number, what: string): void {
    if (wires.length !== arity) throw new RangeError(`${what} acts on ${arity} wire(s), got [${wires.join(", ")}]`);
    for (const wire of wires) {
      if (!Number.isInteger(wire) || wire < 0 || wire >= this.qubits) {
        throw new RangeError(`${what}: wire ${wire} is outside 0..${this.qubits - 1}`);
      }
    }
    if (new Set(wires).size !== wires.length) throw new RangeError(`${what}: wires [${wires.join(", ")}] repeat`);
  }

  private checkInput(index: number, what: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.inputSize) {
      throw new RangeError(`${what}: input feature ${index} is outside 0..${this.inputSize - 1}`);
    }
  }

  /** Allocates a block of trainable weights and returns the index of its first entry. */
  allocateWeights(name: string, shape: number[], trainable = true): number {
    const offset = this.weightCount;
    const size = shape.reduce((product, extent) => product * extent, 1);
    this.weightBlocks.push({ name, shape, offset, trainable });
    this.weightCount += size;
    return offset;
  }

  /** A fresh trainable weight of its own (shape [1]). */
  weight(name = `w${this.weightBlocks.length}`): AngleSource {
    return { kind: "weight", index: this.allocateWeights(name, [1]) };
  }

  gate(gate: GateName, wires: number[], params: AngleSource[] = []): this {
    const spec = GATES[gate];
    if (spec === undefined) throw new RangeError(`unknown gate ${gate}`);
    this.checkWires(wires, spec.wires, gate);
    if (params.length !== spec.params) throw new RangeError(`${gate} takes ${spec.params} angle(s), got ${params.length}`);
    for (const param of params) {
      if (param.kind === "input") this.checkInput(param.index, gate);
      if (param.kind === "weight" && (param.index < 0 || param.index >= this.weightCount)) {
        throw new RangeError(`${gate}: weight ${param.index} is not allocated`);
      }
    }
    this.operations.push({ kind: "gate", gate, wires: [...wires], params });
    return this;
  }

  /** PennyLane AmplitudeEmbedding(features, wires=all, pad_with, normalize). Must come first. */
  amplitudeEmbedding(options: { start?: number; count?: number; pad?: number; normalize?: boolean } = {}): this {
    const start = options.start ?? 0;
    const count = options.count ?? this.inputSize - start;
    if (this.operations.length > 0) throw new RangeError("amplitude embedding must be the first operation");
    if (count < 1 || start + count > this.inputSize) {
      throw new RangeError(`amplitude embedding reads features ${start}..${start + count - 1}, but samples have ${this.inputSize}`);
    }
    if (count > 2 ** this.qubits) {
      throw new RangeError(`amplitude embedding of ${count} features needs at least ${Math.ceil(Math.log2(count))} qubits, got ${this.qubits}`);
    }
    const pad = options.pad ?? 0;
    if (count < 2 ** this.qubits && options.pad === undefined && options.normalize === false) {
      // PennyLane refuses this too: without padding the state cannot have 2^n amplitudes.
      throw new RangeError(`amplitude embedding of ${count} features on ${this.qubits} qubits needs pad (2^n = ${2 ** this.qubits})`);
    }
    this.operations.push({ kind: "amplitude-embedding", start, count, pad, normalize: options.normalize ?? true });
    return this;
  }

  /** PennyLane AngleEmbedding: rotation(scale·x_i) on wire i for the features given. */
  angleEmbedding(options: { rotation?: Rotation; start?: number; count?: number; scale?: number } = {}): this {
    const start = options.start ?? 0;
    const count = options.count ?? Math.min(this.qubits, this.inputSize - start);
    if (count > this.qubits) throw new RangeError(`angle embedding of ${count} features needs ${count} qubits, got ${this.qubits}`);
    for (let wire = 0; wire < count; wire++) {
      this.gate(options.rotation ?? "RX", [wire], [input(start + wire, options.scale ?? 1)]);
    }
    return this;
  }

  /**
   * Dense angle encoding (two features per qubit, LaRose & Coyle 2020): RY(scale·x_{2i})
   * then RZ(scale·x_{2i+1}) on wire i.
   */
  denseAngleEmbedding(options: { start?: number; count?: number; scale?: number } = {}): this {
    const start = options.start ?? 0;
    const count = options.count ?? Math.min(2 * this.qubits, this.inputSize - start);
    if (count > 2 * this.qubits) throw new RangeError(`dense angle embedding of ${count} features needs ${Math.ceil(count / 2)} qubits, got ${this.qubits}`);
    const scale = options.scale ?? 1;
    for (let feature = 0; feature < count; feature++) {
      const wire = Math.floor(feature / 2);
      this.gate(feature % 2 === 0 ? "RY" : "RZ", [wire], [input(start + feature, scale)]);
    }
    return this;
  }

  /**
   * PennyLane BasicEntanglerLayers: weights [L, n]; per layer, rotation(w[l][i]) on wire i,
   * then a CNOT ring i → i+1 (mod n): none for 1 wire, a single CNOT for 2.
   */
  basicEntanglerLayers(options: { layers: number; rotation?: Rotation; name?: string }): this {
    const n = this.qubits;
    const offset = this.allocateWeights(options.name ?? "basic_entangler", [options.layers, n]);
    for (let layer = 0; layer < options.layers; layer++) {
      for (let wire = 0; wire < n; wire++) {
        this.gate(options.rotation ?? "RX", [wire], [{ kind: "weight", index: offset + layer * n + wire }]);
      }
      if (n === 2) this.gate("CNOT", [0, 1]);
      else if (n > 2) for (let wire = 0; wire < n; wire++) this.gate("CNOT", [wire, (wire + 1) % n]);
    }
    return this;
  }

  /**
   * PennyLane StronglyEntanglingLayers: weights [L, n, 3]; per layer, Rot(w[l,i,0..2]) on
   * every wire, then imprimitive(i, (i + r_l) mod n) for every i, with default ranges
   * r_l = (l mod (n − 1)) + 1; no entanglers on one wire.
   */
  stronglyEntanglingLayers(options: { layers: number; ranges?: number[]; imprimitive?: "CNOT" | "CZ"; name?: string }): this {
    const n = this.qubits;
    const { layers } = options;
    const ranges = options.ranges ?? Array.from({ length: layers }, (_, layer) => (n > 1 ? (layer % (n - 1)) + 1 : 0));
    if (ranges.length !== layers) throw new RangeError(`ranges has ${ranges.length} entries for ${layers} layers`);
    const offset = this.allocateWeights(options.name ?? "strongly_entangling", [layers, n, 3]);
    for (let layer = 0; layer < layers; layer++) {
      for (let wire = 0; wire < n; wire++) {
        const base = offset + (layer * n + wire) * 3;
        this.gate("Rot", [wire], [0, 1, 2].map((k) => ({ kind: "weight" as const, index: base + k })));
      }
      if (n > 1) {
        const range = ranges[layer];
        if (range % n === 0) throw new RangeError(`range ${range} on ${n} wires would entangle a wire with itself`);
        for (let wire = 0; wire < n; wire++) this.gate(options.imprimitive ?? "CNOT", [wire, (wire + range) % n]);
      }
    }
    return this;
  }

  /**
   * PennyLane RandomLayers' algorithm: weights [L, rotations]; per layer, until every weight
   * is placed, with probability 1 − ratioImprimitive a random rotation (from `rotations`) on
   * a random wire takes the next weight, otherwise a CNOT on two random distinct wires.
   * The random choices come from our seeded generator (pure-rand xoroshiro128+), so the
   * circuit for a given seed differs from PennyLane's numpy stream; it is fixed by the seed.
   */
  randomLayers(options: {
    layers: number;
    rotationsPerLayer: number;
    seed: number;
    ratioImprimitive?: number;
    rotations?: Rotation[];
    trainable?: boolean;
    name?: string;
  }): this {
    const n = this.qubits;
    const ratio = options.ratioImprimitive ?? 0.3;
    const rotations = options.rotations ?? ["RX", "RY", "RZ"];
    const offset = this.allocateWeights(options.name ?? "random_layers", [options.layers, options.rotationsPerLayer], options.trainable ?? true);
    const random = new Random(options.seed);
    const uniform = (): number => random.uniform();
    const pick = (count: number): number => random.integer(count);
    for (let layer = 0; layer < options.layers; layer++) {
      let placed = 0;
      while (placed < options.rotationsPerLayer) {
        if (uniform() > ratio || n < 2) {
          const rotation = rotations[pick(rotations.length)];
          const wire = pick(n);
          this.gate(rotation, [wire], [{ kind: "weight", index: offset + layer * options.rotationsPerLayer + placed }]);
          placed++;
        } else {
          const first = pick(n);
          let second = pick(n - 1);
          if (second >= first) second++;
          this.gate("CNOT", [first, second]);
        }
      }
    }
    return this;
  }

  noiseChannel(channel: NoiseChannelName, probability: number, wires: number[]): this {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`${channel} probability must be in [0, 1], got ${probability}`);
    this.checkWires(wires, wires.length, channel);
    this.operations.push({ kind: "noise", channel, probability, wires: [...wires] });
    return this;
  }

  withNoise(model: NoiseModel): this {
    for (const [key, value] of Object.entries(model)) {
      if (value !== undefined && !(value >= 0 && value <= 1)) throw new RangeError(`noise ${key} must be in [0, 1], got ${value}`);
    }
    this.noise = { ...model };
    return this;
  }

  /** ⟨Z⟩ on each wire (default), or products of Z over each listed group of wires. */
  expval(observables: number[][] = this.wires.map((wire) => [wire])): this {
    for (const group of observables) this.checkWires(group, group.length, "expval");
    this.measurement = { kind: "expval", observables: observables.map((group) => [...group]) };
    return this;
  }

  probs(wires: number[] = this.wires): this {
    this.checkWires(wires, wires.length, "probs");
    this.measurement = { kind: "probs", wires: [...wires] };
    return this;
  }

  build(): Circuit {
    if (this.measurement === undefined) throw new RangeError("the circuit has no measurement: call expval() or probs()");
    return {
      qubits: this.qubits,
      inputSize: this.inputSize,
      operations: [...this.operations],
      weightBlocks: [...this.weightBlocks],
      weightCount: this.weightCount,
      measurement: this.measurement,
      ...(this.noise ? { noise: this.noise } : {}),
    };
  }
}
