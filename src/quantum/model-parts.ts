// SPDX-License-Identifier: MIT
/**
 * @module quantum/model-parts
 * What a model needs from the quantum engine, given an experiment config: the circuit of
 * its quantum layer (config `quantum:` part or a circuit file, relative paths resolved
 * from the working directory) and the layers that run it.
 */
import type { ExperimentConfig } from "../config/schema.js";
import type { QuantumParts } from "../models/build.js";
import { deriveSeed } from "../random.js";
import { circuitFromConfig, loadCircuitFile } from "./circuit-file.js";
import { QuantumLayer } from "./layer.js";
import { QuanvolutionLayer } from "./quanvolution.js";

export function quantumPartsFor(config: ExperimentConfig): QuantumParts {
  const circuit = circuitFromConfig(config.quantum, loadCircuitFile, { seed: config.seed });
  const quanv = config.model.quanv;
  return {
    circuit,
    createLayer: (layerCircuit, options) => new QuantumLayer({ circuit: layerCircuit, seed: options.seed, name: options.name, trainable: options.trainable, shots: config.quantum.shots }),
    createQuanvolution: (options) =>
      new QuanvolutionLayer({
        patch: quanv.patch,
        stride: quanv.stride,
        filters: quanv.filters,
        layers: quanv.layers,
        trainable: quanv.trainable,
        seed: deriveSeed(options.seed, "quanvolution"),
        name: options.name,
      }),
  };
}
