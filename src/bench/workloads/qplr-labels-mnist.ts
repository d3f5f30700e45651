// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/qplr-labels-mnist
 * QPLR stage 1's labelling pass: the soft labels of all 60,000 MNIST training images from
 * the Born labeller on 10 qubits (amplitude encoding of the 784 pixels padded to 1024,
 * StronglyEntanglingLayers L = 4, first 10 basis states renormalised), forward only, in
 * chunks of 500 as `qhybrid label-refine` runs it; exact probabilities (the figure) and
 * with 1,000 seeded shots per image (in details).
 */
import * as tf from "@tensorflow/tfjs";
import { amplitudeFeaturizer, buildLabeller, labelImages } from "../../labels/labeller.js";
import { labellerSchema } from "../../labels/schema.js";
import { median, type Workload } from "../workload.js";
import { mnistImages } from "./mnist-images.js";
import { timed } from "./timing.js";

const TRAINING_IMAGES = 60_000;
const SHOTS = 1000;

export const qplrLabelsMnist: Workload = {
  name: "qplr-labels-mnist",
  description: "QPLR stage 1 labelling of all 60,000 MNIST training images: Born labeller, 10 qubits, amplitude 784->1024, StronglyEntanglingLayers L=4, forward only; exact (figure) and 1,000 shots (details)",
  unit: "images/s",
  higherIsBetter: true,
  async run(context) {
    const images = await mnistImages(TRAINING_IMAGES, context.log);
    const config = labellerSchema.parse({ kind: "born", encoding: "amplitude", qubits: 10, layers: 4, template: "strongly-entangling", mapping: "first-k" });
    const featurizer = amplitudeFeaturizer([28, 28, 1], config.qubits);
    const labeller = buildLabeller(config, featurizer.size, 10, 20261124);
    const pass = (shots: number | undefined, count: number): number => {
      const timing = timed(() => labelImages(labeller, featurizer, images.bytes, count, 784, 10, { shots, seed: 7 }));
      return count / timing.wallSeconds;
    };
    pass(undefined, 1000);
    pass(SHOTS, 1000);
    const exact: number[] = [];
    const shots: number[] = [];
    for (let repeat = 0; repeat < context.repeats; repeat++) {
      exact.push(pass(undefined, images.count));
      shots.push(pass(SHOTS, images.count));
      context.log(`[qplr-labels-mnist] repeat ${repeat + 1}: exact ${exact.at(-1)!.toFixed(0)} images/s, ${SHOTS} shots ${shots.at(-1)!.toFixed(0)} images/s`);
    }
    labeller.dispose();
    tf.disposeVariables();
    return { samples: exact, details: { images: images.count, inputs: images.source, shots1000: { median: median(shots), samples: shots, unit: "images/s" } } };
  },
};
