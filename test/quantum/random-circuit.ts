// Random circuits over every gate of the registry, for tests that compare two simulators.
import { CircuitBuilder, type AngleSource, type Circuit } from "../../src/quantum/circuit.js";
import { GATE_NAMES, GATES } from "../../src/quantum/gates.js";
import { Random } from "../../src/random.js";

export interface RandomCircuitOptions {
  qubits: number;
  gates: number;
  seed: number;
  inputs?: number;
  amplitude?: boolean;
  measure?: "expval" | "probs";
}

/** A circuit of `gates` random gates whose angles are weights, scaled inputs or constants. */
export function randomCircuit(options: RandomCircuitOptions): { builder: CircuitBuilder; build: () => Circuit } {
  const random = new Random(options.seed);
  const inputs = options.inputs ?? options.qubits;
  const builder = new CircuitBuilder(options.qubits, inputs);
  if (options.amplitude) builder.amplitudeEmbedding({ pad: 0.3, normalize: true });
  const names = GATE_NAMES.filter((name) => options.qubits > 1 || GATES[name].wires === 1);
  for (let index = 0; index < options.gates; index++) {
    const gate = names[random.integer(names.length)];
    const spec = GATES[gate];
    const first = random.integer(options.qubits);
    let second = random.integer(options.qubits - 1);
    if (second >= first) second++;
    const wires = spec.wires === 1 ? [first] : [first, second];
    const params: AngleSource[] = Array.from({ length: spec.params }, () => {
      const kind = random.integer(3);
      if (kind === 0 || inputs === 0) return builder.weight();
      if (kind === 1) return { kind: "input", index: random.integer(inputs), scale: 0.5 + random.uniform() };
      return { kind: "constant", value: 2 * Math.PI * random.uniform() };
    });
    builder.gate(gate, wires, params);
  }
  return {
    builder,
    build: () => (options.measure === "probs" ? builder.probs() : builder.expval([...Array.from({ length: options.qubits }, (_, w) => [w]), ...(options.qubits > 1 ? [[0, options.qubits - 1]] : [])])).build(),
  };
}

/** Deterministic pseudo-random numbers in [low, high). */
export function randomValues(count: number, seed: number, low = -Math.PI, high = Math.PI): number[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => low + (high - low) * random.uniform());
}
