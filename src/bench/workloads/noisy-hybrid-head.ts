// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/noisy-hybrid-head
 * The hybrid head of W2 (4-qubit AmplitudeEmbedding(16) + BasicEntanglerLayers(RX) L = 2
 * + 4 ⟨Z⟩) on simulated hardware, as configs/circuits/noisy-bel4.yaml: depolarising 0.01
 * and amplitude damping 0.005 after every gate, readout error 0.02; density-matrix
 * simulation, batch 128, forward and backward with respect to inputs and weights. No
 * peer figure exists in REFERENCE.md; this tracks what noisy hybrid training costs.
 */
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder } from "../../quantum/circuit.js";
import { simulateDensityMatrix } from "../../quantum/density-matrix.js";
import { Random } from "../../random.js";
import type { Workload } from "../workload.js";
import { median } from "../workload.js";

const BATCH = 128;

export const noisyHybridHead: Workload = {
  name: "noisy-hybrid-head",
  description: "noisy-bel4.yaml (W2 L=2 with depolarizing 0.01, amplitude damping 0.005, readout 0.02), density matrices, batch 128, forward+backward (inputs, weights)",
  unit: "samples/s",
  higherIsBetter: true,
  async run(context) {
    const circuit = new CircuitBuilder(4, 16)
      .amplitudeEmbedding()
      .basicEntanglerLayers({ layers: 2, rotation: "RX" })
      .withNoise({ depolarizing: 0.01, amplitudeDamping: 0.005, readout: 0.02 })
      .expval()
      .build();
    const random = new Random(20261124);
    const inputs = tf.tensor2d(Array.from({ length: BATCH * 16 }, () => random.normal()), [BATCH, 16]);
    const targets = tf.tensor2d(Array.from({ length: BATCH * 4 }, () => random.uniform() * 2 - 1), [BATCH, 4]);
    const weights = tf.tensor1d(Array.from({ length: circuit.weightCount }, () => random.uniform() * 2 * Math.PI));
    const step = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.mean(tf.squaredDifference(simulateDensityMatrix(circuit, x as tf.Tensor2D, w as tf.Tensor1D), targets)),
    );
    const once = (): void => {
      const grads = step([inputs, weights]);
      grads[1].dataSync();
      tf.dispose(grads);
    };
    for (let i = 0; i < 5; i++) once();
    const samples: number[] = [];
    for (let repeat = 0; repeat < context.repeats; repeat++) {
      let iterations = 0;
      const start = performance.now();
      while (performance.now() - start < 1000) {
        once();
        iterations++;
      }
      samples.push((iterations * BATCH) / ((performance.now() - start) / 1000));
    }
    tf.dispose([inputs, targets, weights]);
    context.log(`[noisy-hybrid-head] median ${median(samples).toFixed(0)} samples/s`);
    return { samples, details: { batch: BATCH, qubits: 4, simulator: "density-matrix" } };
  },
};
