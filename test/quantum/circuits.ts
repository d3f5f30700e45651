// SPDX-License-Identifier: MIT
/**
 * @module test/quantum/circuits
 * Seeded random circuits over every gate of the registry, with angles from weights,
 * inputs and constants, for the simulator and gradient tests.
 */
import { CircuitBuilder, constant, input, type AngleSource, type Circuit } from "../../src/quantum/circuit.js";
import { GATE_NAMES, GATES } from "../../src/quantum/gates.js";
import { Random } from "../../src/random.js";

export function randomCircuit(seed: number, qubits: number, gates: number, options: { inputSize?: number; amplitude?: boolean; probs?: boolean } = {}): Circuit {
  const random = new Random(seed);
  const inputSize = options.inputSize ?? qubits;
  const builder = new CircuitBuilder(qubits, inputSize);
  if (options.amplitude) builder.amplitudeEmbedding({ count: Math.min(inputSize, 2 ** qubits), pad: 0.25 });
  else builder.angleEmbedding({ rotation: "RY", count: Math.min(qubits, inputSize) });
  const names = GATE_NAMES.filter((name) => GATES[name].wires <= qubits);
  for (let g = 0; g < gates; g++) {
    const name = names[random.integer(names.length)];
    const spec = GATES[name];
    const first = random.integer(qubits);
    let second = random.integer(qubits - 1);
    if (second >= first) second++;
    const wires = spec.wires === 1 ? [first] : [first, second];
    const params: AngleSource[] = [];
    for (let p = 0; p < spec.params; p++) {
      const kind = random.integer(3);
      if (kind === 0 && inputSize > 0) params.push(input(random.integer(inputSize), 0.5 + random.uniform()));
      else if (kind === 1) params.push(constant(random.uniform() * 6 - 3));
      else params.push(builder.weight());
    }
    builder.gate(name, wires, params);
  }
  if (options.probs) builder.probs(Array.from({ length: qubits }, (_, w) => qubits - 1 - w).slice(0, Math.max(1, qubits - 1)));
  else builder.expval([...Array.from({ length: qubits }, (_, w) => [w]), [0, qubits - 1]]);
  return builder.build();
}
