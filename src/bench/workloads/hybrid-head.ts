// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/hybrid-head
 * W2 of REFERENCE.md: a 4-qubit AmplitudeEmbedding of 16 features + BasicEntanglerLayers
 * (RX) + 4 ⟨Z⟩, batch 128, forward and backward with respect to inputs and weights.
 * The samples are L = 2; L = 6 is reported in the details.
 */
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, type Circuit } from "../../quantum/circuit.js";
import { simulate } from "../../quantum/simulate.js";
import { Random } from "../../random.js";
import type { Workload, WorkloadContext } from "../workload.js";
import { median } from "../workload.js";
import { timed } from "./timing.js";

const BATCH = 128;
const BATCHES = 8;

export function hybridHeadCircuit(layers: number): Circuit {
  return new CircuitBuilder(4, 16).amplitudeEmbedding().basicEntanglerLayers({ layers, rotation: "RX" }).expval().build();
}

/**
 * Samples/s of forward + backward (∂/∂inputs and ∂/∂weights of a scalar loss) for each
 * timed repeat, by wall clock and by process CPU time.
 */
async function measure(layers: number, context: WorkloadContext, seconds: number): Promise<{ wall: number[]; cpu: number[] }> {
  const circuit = hybridHeadCircuit(layers);
  const random = new Random(20261121 + layers);
  const batches = Array.from({ length: BATCHES }, () => tf.tensor2d(Array.from({ length: BATCH * 16 }, () => random.normal()), [BATCH, 16]));
  const targets = tf.tensor2d(Array.from({ length: BATCH * 4 }, () => random.uniform() * 2 - 1), [BATCH, 4]);
  const weights = tf.tensor1d(Array.from({ length: circuit.weightCount }, () => random.uniform() * 2 * Math.PI));
  const step = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.mean(tf.squaredDifference(simulate(circuit, x as tf.Tensor2D, w as tf.Tensor1D), targets)));
  const once = (index: number): void => {
    const grads = step([batches[index % BATCHES], weights]);
    grads[1].dataSync();
    tf.dispose(grads);
  };
  for (let i = 0; i < 50; i++) once(i);
  const wall: number[] = [], cpu: number[] = [];
  for (let repeat = 0; repeat < context.repeats; repeat++) {
    let iterations = 0;
    const timing = timed(() => {
      const start = performance.now();
      while (performance.now() - start < seconds * 1000) once(iterations++);
    });
    wall.push((iterations * BATCH) / timing.wallSeconds);
    cpu.push((iterations * BATCH) / timing.cpuSeconds);
  }
  tf.dispose([...batches, targets, weights]);
  return { wall, cpu };
}

export const hybridHead: Workload = {
  name: "hybrid-head",
  description: "4-qubit AmplitudeEmbedding(16) + BasicEntanglerLayers(RX) L=2 (L=6 in details) + 4 <Z>, batch 128, forward+backward (inputs, weights)",
  unit: "samples/s",
  higherIsBetter: true,
  async run(context) {
    const shallow = await measure(2, context, 1);
    const deep = await measure(6, context, 1);
    context.log(`[hybrid-head] L=2 median ${median(shallow.wall).toFixed(0)} samples/s, L=6 median ${median(deep.wall).toFixed(0)} samples/s`);
    return {
      samples: shallow.wall,
      details: {
        batch: BATCH,
        layers2ByCpuTime: { median: median(shallow.cpu), samples: shallow.cpu },
        layers6: { median: median(deep.wall), samples: deep.wall },
        layers6ByCpuTime: { median: median(deep.cpu), samples: deep.cpu },
        reference: { "L=2": { pytorch: "103k / 78k", pennylaneBroadcast: "31.7k / 29.0k", torchquantum: "68k / 64k" }, "L=6": { pytorch: "37k / 28k", pennylaneBroadcast: "13.9k / 12.9k", torchquantum: "26.7k / 26.0k" } },
      },
    };
  },
};
