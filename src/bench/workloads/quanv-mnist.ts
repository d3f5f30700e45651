// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/quanv-mnist
 * W3 of REFERENCE.md: quanvolution (Henderson et al. 2019; the cars seed) over all 70,000
 * MNIST images: every 2×2 patch at stride 2 (196 per image), pixel p/255 encoded as
 * RY(π·x) on wires 0–3 (row-major in the patch, as the PennyLane tutorial), then one
 * fixed layer RX, CNOT, RY, CNOT, RZ, RX with seeded constant angles, 4 ⟨Z⟩ as 4 output
 * channels of a 14×14×4 feature map. Forward only, through `simulate`: the planner
 * turns the encoding into a product state and the fixed layer into one 16×16 unitary.
 */
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, constant, type Circuit } from "../../quantum/circuit.js";
import { simulate } from "../../quantum/simulate.js";
import { Random } from "../../random.js";
import type { Workload } from "../workload.js";
import { timed } from "./timing.js";
import { mnistImages } from "./mnist-images.js";

const CHUNK = 2000;

/** The quanvolution filter; its fixed angles are drawn from `seed`. */
export function quanvCircuit(seed = 2019): Circuit {
  const random = new Random(seed);
  const angle = () => constant(random.uniform() * 2 * Math.PI);
  return new CircuitBuilder(4, 4)
    .angleEmbedding({ rotation: "RY", scale: Math.PI })
    .gate("RX", [0], [angle()])
    .gate("CNOT", [0, 1])
    .gate("RY", [2], [angle()])
    .gate("CNOT", [2, 3])
    .gate("RZ", [1], [angle()])
    .gate("RX", [3], [angle()])
    .expval()
    .build();
}

/** Feature maps [count, 14, 14, 4] (row-major) of `count` 28×28 uint8 images. */
export function quanvolve(circuit: Circuit, bytes: Uint8Array, count: number, out: Float32Array): void {
  for (let first = 0; first < count; first += CHUNK) {
    const n = Math.min(CHUNK, count - first);
    const pixels = new Float32Array(n * 784);
    const source = bytes.subarray(first * 784, (first + n) * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = source[i] / 255;
    const maps = tf.tidy(() => {
      const patches = tf.tensor(pixels, [n, 14, 2, 14, 2]).transpose([0, 1, 3, 2, 4]).reshape([n * 196, 4]) as tf.Tensor2D;
      return simulate(circuit, patches);
    });
    out.set(maps.dataSync(), first * 196 * 4);
    maps.dispose();
  }
}

export const quanvMnist: Workload = {
  name: "quanv-mnist",
  description: "quanvolution of all 70,000 MNIST images: 196 2x2 patches each, RY(pi x) + RX, CNOT, RY, CNOT, RZ, RX + 4 <Z>, forward",
  unit: "images/s",
  higherIsBetter: true,
  async run(context) {
    const circuit = quanvCircuit();
    const images = await mnistImages(undefined, context.log);
    const out = new Float32Array(images.count * 196 * 4);
    quanvolve(circuit, images.bytes, Math.min(4000, images.count), out);
    const samples: number[] = [];
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    for (let repeat = 0; repeat < context.repeats; repeat++) {
      const timing = timed(() => quanvolve(circuit, images.bytes, images.count, out));
      seconds.push(timing.wallSeconds);
      cpuSeconds.push(timing.cpuSeconds);
      samples.push(images.count / timing.wallSeconds);
    }
    return {
      samples,
      details: {
        images: images.count,
        inputs: images.source,
        secondsForAll: seconds,
        cpuSecondsForAll: cpuSeconds,
        fixedLayer: "RX(a) w0, CNOT(0,1), RY(b) w2, CNOT(2,3), RZ(c) w1, RX(d) w3; angles seeded (2019)",
        reference: { pytorch: "7.7k-9.8k images/s (70k in 7-9 s)", pennylanePerPatch: "4.0 / 3.8 images/s", torchquantum: "7.3k / 6.8k" },
      },
    };
  },
};
