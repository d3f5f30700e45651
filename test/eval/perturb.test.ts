import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { CORRUPTION_NAMES, corrupt, fgsm, gaussianNoise, inputGradient, MADRY_MNIST_PGD, pgd, rotate } from "../../src/eval/perturb.js";
import { accuracy } from "../../src/eval/metrics.js";
import { Random } from "../../src/random.js";
import { linearModel, SIDE, syntheticImages, trainedLinearModel } from "./linear-model.js";

const TOL = 1e-5;

function randomImages(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const random = new Random(seed);
  return tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random.uniform()), shape);
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function range(t: tf.Tensor): [number, number] {
  return tf.tidy(() => [tf.min(t).dataSync()[0], tf.max(t).dataSync()[0]]);
}

before(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

describe("Gaussian pixel noise", () => {
  it("σ = 0 returns the images unchanged", () => {
    const x = randomImages([2, 5, 5, 1], 1);
    const y = gaussianNoise(x, 0, 7);
    assert.equal(maxAbsDifference(x, y), 0);
    tf.dispose([x, y]);
  });

  it("noisy images stay in [0,1] and the same seed repeats them", () => {
    const x = randomImages([3, 6, 6, 1], 2);
    const a = gaussianNoise(x, 0.5, 123);
    const b = gaussianNoise(x, 0.5, 123);
    const c = gaussianNoise(x, 0.5, 124);
    const [low, high] = range(a);
    assert.ok(low >= 0 && high <= 1);
    assert.equal(maxAbsDifference(a, b), 0);
    assert.ok(maxAbsDifference(a, c) > 0.1);
    tf.dispose([x, a, b, c]);
  });

  it("seed 0 is refused because tfjs would treat it as unseeded", () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    assert.throws(() => gaussianNoise(x, 0.1, 0), /non-zero/);
    x.dispose();
  });
});

describe("rotation", () => {
  it("by 0 degrees is the identity", () => {
    const x = randomImages([2, 5, 7, 2], 3);
    const y = rotate(x, 0);
    assert.equal(maxAbsDifference(x, y), 0);
    tf.dispose([x, y]);
  });

  // 4 and 5 rotate by matMul with the interpolation matrix, 33 (1,089 pixels) by gather.
  for (const side of [4, 5, 33]) {
    it(`by 90 degrees on a ${side}×${side} image equals a transpose then a vertical flip (np.rot90)`, () => {
      const x = randomImages([2, side, side, 3], side);
      const expected = tf.tidy(() => tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1));
      const y = rotate(x, 90);
      assert.ok(maxAbsDifference(y, expected) < TOL);
      tf.dispose([x, y, expected]);
    });
  }

  it("by 45 degrees interpolates bilinearly and fills the corners with zeros", () => {
    const x = tf.ones([1, 9, 9, 1]) as tf.Tensor4D;
    const y = rotate(x, 45);
    const values = y.dataSync();
    assert.equal(values[0], 0); // the top-left corner maps outside the image
    assert.ok(Math.abs(values[4 * 9 + 4] - 1) < TOL); // the centre is fixed
    tf.dispose([x, y]);
  });

  it("the matMul and gather forms agree at 30 degrees", () => {
    // A 33×33 image (gather) whose centre 31×31 crop, rotated alone (matMul), must match
    // wherever the rotation of the crop samples only pixels inside the crop.
    const x = randomImages([1, 33, 33, 2], 12);
    const big = rotate(x, 30);
    const small = rotate(tf.slice(x, [0, 1, 1, 0], [1, 31, 31, 2]) as tf.Tensor4D, 30);
    const inner = tf.slice(big, [0, 12, 12, 0], [1, 9, 9, 2]);
    const innerSmall = tf.slice(small, [0, 11, 11, 0], [1, 9, 9, 2]);
    assert.ok(maxAbsDifference(inner, innerSmall) < TOL);
    tf.dispose([x, big, small, inner, innerSmall]);
  });

  it("by 360 degrees and by 4 × 90 degrees returns the image", () => {
    const x = randomImages([1, 6, 6, 1], 9);
    let y = x.clone();
    for (let turn = 0; turn < 4; turn++) {
      const next = rotate(y, 90);
      y.dispose();
      y = next;
    }
    assert.ok(maxAbsDifference(x, y) < TOL);
    tf.dispose([x, y]);
  });
});

describe("FGSM and PGD", () => {
  const data = syntheticImages(200, 21);
  let model: ReturnType<typeof trainedLinearModel>;
  before(() => {
    model = trainedLinearModel(data.images, data.labels);
  });
  after(() => model.dispose());

  it("the input gradient of a logistic regression is (p − y)·Wᵀ", () => {
    const weights = Array.from({ length: 4 }, (_, i) => [0.3 * i - 0.4, 0.1 - 0.2 * i]);
    const toy = linearModel(weights, [0.05, -0.05]);
    const x = tf.tensor4d([0.1, 0.9, 0.4, 0.6], [1, 2, 2, 1]);
    const gradient = inputGradient(toy.predict, x, new Int32Array([1])).dataSync();
    const z = [0, 1].map((k) => [0.1, 0.9, 0.4, 0.6].reduce((s, v, i) => s + v * weights[i][k], 0) + [0.05, -0.05][k]);
    const p1 = 1 / (1 + Math.exp(z[0] - z[1]));
    const p = [1 - p1, p1];
    weights.forEach((row, i) => assert.ok(Math.abs(gradient[i] - ((p[0] - 0) * row[0] + (p[1] - 1) * row[1])) < TOL));
    tf.dispose([x]);
    toy.dispose();
  });

  it("FGSM moves each pixel by ε in the sign of the gradient, clipped to [0,1]", () => {
    const x = tf.tensor4d(data.images.slice(0, 16 * SIDE * SIDE), [16, SIDE, SIDE, 1]);
    const labels = data.labels.slice(0, 16);
    const epsilon = 0.2;
    const gradient = inputGradient(model.predict, x, labels).dataSync();
    const adversarial = fgsm(model.predict, x, labels, epsilon);
    const before = x.dataSync();
    const moved = adversarial.dataSync();
    for (let i = 0; i < before.length; i++) {
      const expected = Math.min(1, Math.max(0, before[i] + epsilon * Math.sign(gradient[i])));
      assert.ok(Math.abs(moved[i] - expected) < TOL, `pixel ${i}`);
      assert.ok(moved[i] >= 0 && moved[i] <= 1 && Math.abs(moved[i] - before[i]) <= epsilon + TOL);
    }
    tf.dispose([x, adversarial]);
  });

  it("PGD stays in the ε-ball and in [0,1], and the same seed repeats it", () => {
    const x = tf.tensor4d(data.images.slice(0, 32 * SIDE * SIDE), [32, SIDE, SIDE, 1]);
    const labels = data.labels.slice(0, 32);
    const options = { epsilon: 0.1, steps: 7, stepSize: 0.03, seed: 99 };
    const a = pgd(model.predict, x, labels, options);
    const b = pgd(model.predict, x, labels, options);
    assert.ok(maxAbsDifference(a, x) <= 0.1 + TOL);
    const [low, high] = range(a);
    assert.ok(low >= 0 && high <= 1);
    assert.equal(maxAbsDifference(a, b), 0);
    tf.dispose([x, a, b]);
  });

  it("PGD lowers accuracy at least as much as FGSM at the same ε", () => {
    const x = tf.tensor4d(data.images, [200, SIDE, SIDE, 1]);
    const score = (images: tf.Tensor4D): number => {
      const logits = model.predict(images);
      const value = accuracy(logits.dataSync() as Float32Array, data.labels);
      logits.dispose();
      return value;
    };
    const one = fgsm(model.predict, x, data.labels, 0.1);
    const many = pgd(model.predict, x, data.labels, { epsilon: 0.1, steps: 10, stepSize: 0.02, seed: 5 });
    assert.ok(score(many) <= score(one));
    tf.dispose([x, one, many]);
  });

  it("accuracy of the trained linear model under FGSM falls monotonically with ε", () => {
    const x = tf.tensor4d(data.images, [200, SIDE, SIDE, 1]);
    const accuracies = [0, 0.05, 0.1, 0.15, 0.2, 0.3].map((epsilon) => {
      const adversarial = fgsm(model.predict, x, data.labels, epsilon);
      const logits = model.predict(adversarial);
      const value = accuracy(logits.dataSync() as Float32Array, data.labels);
      tf.dispose([adversarial, logits]);
      return value;
    });
    assert.ok(accuracies[0] > 0.9, `clean accuracy ${accuracies[0]}`);
    for (let i = 1; i < accuracies.length; i++) assert.ok(accuracies[i] <= accuracies[i - 1], accuracies.join(", "));
    assert.ok(accuracies.at(-1)! < 0.5, accuracies.join(", "));
    x.dispose();
  });

  it("the attacks leave no tensors behind", () => {
    const x = tf.tensor4d(data.images.slice(0, 8 * SIDE * SIDE), [8, SIDE, SIDE, 1]);
    const labels = data.labels.slice(0, 8);
    const before = tf.memory().numTensors;
    tf.dispose([fgsm(model.predict, x, labels, 0.1), pgd(model.predict, x, labels, { ...MADRY_MNIST_PGD, steps: 3, seed: 4 })]);
    tf.dispose([rotate(x, 30), gaussianNoise(x, 0.1, 3), corrupt(x, "fog", 2, 8)]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

describe("MNIST-C-style corruptions", () => {
  const x = randomImages([3, 28, 28, 1], 17);
  after(() => x.dispose());

  for (const name of CORRUPTION_NAMES) {
    it(`${name} keeps the shape, stays in [0,1], changes the images and repeats with its seed`, () => {
      const a = corrupt(x, name, 3, 31);
      const b = corrupt(x, name, 3, 31);
      assert.deepEqual(a.shape, x.shape);
      const [low, high] = range(a);
      assert.ok(low >= 0 && high <= 1, `${low}..${high}`);
      assert.ok(maxAbsDifference(a, x) > 0.01);
      assert.equal(maxAbsDifference(a, b), 0);
      tf.dispose([a, b]);
    });
  }

  it("impulse noise replaces about the stated fraction of pixels", () => {
    const grey = tf.fill([4, 28, 28, 1], 0.5) as tf.Tensor4D;
    const noisy = corrupt(grey, "impulse_noise", 5, 3);
    const changed = Array.from(noisy.dataSync()).filter((v) => v !== 0.5).length / (4 * 28 * 28);
    assert.ok(Math.abs(changed - 0.27) < 0.03, `changed ${changed}`);
    tf.dispose([grey, noisy]);
  });

  it("shot noise keeps the mean of a grey image", () => {
    const grey = tf.fill([4, 28, 28, 1], 0.4) as tf.Tensor4D;
    const noisy = corrupt(grey, "shot_noise", 2, 3);
    const mean = tf.tidy(() => tf.mean(noisy).dataSync()[0]);
    assert.ok(Math.abs(mean - 0.4) < 0.02, `mean ${mean}`);
    tf.dispose([grey, noisy]);
  });

  it("severity outside 1–5 and unknown names are refused", () => {
    assert.throws(() => corrupt(x, "fog", 6, 1), /1–5/);
    assert.throws(() => corrupt(x, "snow" as never, 1, 1), /unknown corruption snow/);
  });
});
