import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { fgsm, gaussianNoise, pgd, rotate } from "../../src/eval/perturb.js";
import { linearModel, SIDE, syntheticImages } from "./linear-model.js";

const TOL = 1e-5;

/** Runs `compute` on a backend and returns its values as a plain array. */
async function on(backend: string, compute: () => tf.Tensor): Promise<Float32Array> {
  assert.ok(await tf.setBackend(backend), `backend ${backend} initialises`);
  assert.equal(tf.getBackend(), backend);
  const result = compute();
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

function assertClose(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < TOL, `index ${i}: ${a[i]} vs ${b[i]}`);
}

before(() => tf.enableProdMode());

describe("perturbations on the wasm backend", () => {
  const data = syntheticImages(16, 4);
  const weights = Array.from({ length: SIDE * SIDE }, (_, i) => [Math.sin(i), Math.cos(i)]);

  for (const [name, perturb] of [
    ["rotation by 30°", (x: tf.Tensor4D) => rotate(x, 30)],
    ["Gaussian noise", (x: tf.Tensor4D) => gaussianNoise(x, 0.2, 77)],
  ] as const) {
    it(`${name} gives the same images as on cpu`, async () => {
      const compute = (): tf.Tensor => tf.tidy(() => perturb(tf.tensor4d(data.images, [16, SIDE, SIDE, 1])));
      assertClose(await on("wasm", compute), await on("cpu", compute));
    });
  }

  it("FGSM and PGD give the same images as on cpu", async () => {
    const compute = (): tf.Tensor =>
      tf.tidy(() => {
        const model = linearModel(weights, [0.1, -0.1]);
        const x = tf.tensor4d(data.images, [16, SIDE, SIDE, 1]);
        const result = tf.concat([fgsm(model.predict, x, data.labels, 0.1), pgd(model.predict, x, data.labels, { epsilon: 0.1, steps: 3, stepSize: 0.04, seed: 12 })]);
        model.dispose();
        return result;
      });
    assertClose(await on("wasm", compute), await on("cpu", compute));
  });
});
