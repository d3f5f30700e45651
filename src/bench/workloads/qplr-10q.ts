// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/qplr-10q
 * W4 of REFERENCE.md: 10 qubits, AmplitudeEmbedding of 784 pixels padded (0) to 1024 and
 * normalised, StronglyEntanglingLayers L = 4, all 1024 probabilities, batch 64, forward
 * and backward with respect to the weights.
 */
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, type Circuit } from "../../quantum/circuit.js";
import { simulate } from "../../quantum/simulate.js";
import { Random } from "../../random.js";
import { median, type Workload } from "../workload.js";
import { timed } from "./timing.js";
import { mnistImages } from "./mnist-images.js";

const BATCH = 64;
const BATCHES = 4;

export function qplrCircuit(): Circuit {
  return new CircuitBuilder(10, 784).amplitudeEmbedding({ pad: 0 }).stronglyEntanglingLayers({ layers: 4 }).probs().build();
}

export const qplr10q: Workload = {
  name: "qplr-10q",
  description: "10 qubits, AmplitudeEmbedding 784->1024 + StronglyEntanglingLayers L=4, all 1024 probabilities, batch 64, forward+backward (weights)",
  unit: "samples/s",
  higherIsBetter: true,
  async run(context) {
    const circuit = qplrCircuit();
    const random = new Random(20261124);
    const images = await mnistImages(BATCH * BATCHES, context.log);
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      tf.tensor2d(Float32Array.from(images.bytes.subarray(b * BATCH * 784, (b + 1) * BATCH * 784), (v) => v / 255), [BATCH, 784]),
    );
    // A cross-entropy against random target distributions, so every probability matters.
    const targets = tf.softmax(tf.tensor2d(Array.from({ length: BATCH * 1024 }, () => random.normal()), [BATCH, 1024]));
    const weights = tf.variable(tf.tensor1d(Array.from({ length: circuit.weightCount }, () => random.uniform() * 2 * Math.PI)));
    const once = (index: number): void => {
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.add(simulate(circuit, batches[index % BATCHES], weights), 1e-9))), 1))) as tf.Scalar, [weights]);
      grads[weights.name].dataSync();
      tf.dispose([value, grads]);
    };
    for (let i = 0; i < 10; i++) once(i);
    const samples: number[] = [], cpu: number[] = [];
    for (let repeat = 0; repeat < context.repeats; repeat++) {
      let iterations = 0;
      const timing = timed(() => {
        const start = performance.now();
        while (performance.now() - start < 2000) once(iterations++);
      });
      samples.push((iterations * BATCH) / timing.wallSeconds);
      cpu.push((iterations * BATCH) / timing.cpuSeconds);
    }
    tf.dispose([...batches, targets, weights]);
    return {
      samples,
      details: { batch: BATCH, inputs: images.source, byCpuTime: { median: median(cpu), samples: cpu }, reference: { pytorch: "1.6k-1.8k", pennylaneBroadcast: "1.24k / 1.05k", torchquantum: "1.39k / 1.25k" } },
    };
  },
};
