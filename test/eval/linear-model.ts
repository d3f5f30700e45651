// A tiny linear softmax classifier on synthetic 4×4 images for the attack and driver tests:
// class 0 is brighter on the left half, class 1 on the right half.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/random.js";
import type { Predict } from "../../src/eval/perturb.js";

export const SIDE = 4;

export function syntheticImages(count: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const random = new Random(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.integer(2);
    labels[n] = label;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const bright = (x < SIDE / 2) === (label === 0);
        const value = (bright ? 0.65 : 0.35) + 0.15 * random.normal();
        images[n * SIDE * SIDE + y * SIDE + x] = Math.min(1, Math.max(0, value));
      }
    }
  }
  return { images, labels };
}

export interface LinearModel {
  predict: Predict;
  weights: tf.Variable;
  bias: tf.Variable;
  dispose(): void;
}

export function linearModel(weights: number[][], bias: number[]): LinearModel {
  const w = tf.variable(tf.tensor2d(weights));
  const b = tf.variable(tf.tensor1d(bias));
  return {
    predict: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), w), b)) as tf.Tensor2D,
    weights: w,
    bias: b,
    dispose: () => {
      w.dispose();
      b.dispose();
    },
  };
}

/** Trains the linear classifier with 100 full-batch SGD steps from zero weights. */
export function trainedLinearModel(images: Float32Array, labels: Int32Array): LinearModel {
  const model = linearModel(
    Array.from({ length: SIDE * SIDE }, () => [0, 0]),
    [0, 0],
  );
  const optimizer = tf.train.sgd(0.5);
  const x = tf.tensor4d(images, [labels.length, SIDE, SIDE, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 2);
  for (let step = 0; step < 100; step++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x)) as tf.Scalar);
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  return model;
}
