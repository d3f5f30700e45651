// SPDX-License-Identifier: MIT
/**
 * @module quantum/schema
 * The `quantum:` part of an experiment config: the circuit of a hybrid model's quantum
 * layer (or of a QPLR labeller), either as a preset shape or as a circuit file.
 */
import { z } from "zod";

export const EMBEDDINGS = ["amplitude", "angle", "dense-angle"] as const;
export const TEMPLATES = ["basic-entangler", "strongly-entangling", "random"] as const;

const noiseProbability = z.number().min(0).max(1);

/**
 * A noise model (circuit.ts NoiseModel): each channel with its probability, applied after
 * every gate on the gate's wires; `readout` flips each measured bit with that probability.
 */
export const noiseModelSchema = z.strictObject({
  depolarizing: noiseProbability.optional(),
  amplitudeDamping: noiseProbability.optional(),
  bitFlip: noiseProbability.optional(),
  phaseFlip: noiseProbability.optional(),
  readout: noiseProbability.optional(),
});

export const quantumSchema = z.strictObject({
  qubits: z.number().int().min(1).max(24).default(4),
  embedding: z.enum(EMBEDDINGS).default("amplitude"),
  /** Classical features fed to the embedding; default: what the embedding holds. */
  features: z.number().int().positive().optional(),
  /** Rotation axis of angle embedding. */
  rotation: z.enum(["X", "Y", "Z"]).default("Y"),
  template: z.enum(TEMPLATES).default("basic-entangler"),
  layers: z.number().int().min(0).default(2),
  /** What the layer returns: Pauli-Z expectation per wire, or all basis probabilities. */
  measure: z.enum(["expval", "probs"]).default("expval"),
  /** A circuit file (configs/circuits/*.yaml) replacing embedding/template/layers. */
  circuit: z.string().min(1).optional(),
  /** Finite-shot estimates instead of exact values; omitted: exact. */
  shots: z.number().int().positive().optional(),
  /** Simulated hardware noise (density-matrix simulation; at most 10 qubits); replaces a circuit file's. */
  noise: noiseModelSchema.optional(),
});
export type QuantumConfig = z.infer<typeof quantumSchema>;

/** How many classical features an embedding on n qubits holds. */
export function embeddingCapacity(embedding: (typeof EMBEDDINGS)[number], qubits: number): number {
  switch (embedding) {
    case "amplitude":
      return 2 ** qubits;
    case "angle":
      return qubits;
    case "dense-angle":
      return 2 * qubits;
  }
}
