import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "node:test";
import { batchTargets, softTargetCrossEntropy } from "../../src/train/targets.js";

tf.enableProdMode();

describe("training targets", () => {
  it("one-hot targets put all mass on the label", () => {
    const targets = batchTargets(Int32Array.from([2, 0]), Int32Array.from([0, 1]), 3, { mode: "onehot" });
    assert.deepEqual(Array.from(targets), [0, 0, 1, 1, 0, 0]);
  });

  it("label smoothing gives 1 − ε + ε/K to the label and ε/K elsewhere, summing to 1", () => {
    const targets = batchTargets(Int32Array.from([1]), Int32Array.from([0]), 4, { mode: "smoothing", epsilon: 0.2 });
    const expected = [0.05, 0.85, 0.05, 0.05];
    targets.forEach((value, index) => assert.ok(Math.abs(value - expected[index]) < 1e-7));
    assert.ok(Math.abs(targets.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  });

  it("soft targets are looked up by the sample's index in the training split", () => {
    const distributions = Float32Array.from([0.5, 0.5, 0.9, 0.1, 0.2, 0.8]);
    const targets = batchTargets(Int32Array.from([0, 0]), Int32Array.from([2, 0]), 2, { mode: "soft", distributions });
    assert.deepEqual(Array.from(targets), [0.2, 0.8, 0.5, 0.5].map(Math.fround));
  });

  it("the soft-target loss on one-hot targets equals ordinary cross-entropy", () => {
    const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, 3]]);
    const targets = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const ours = softTargetCrossEntropy(logits, targets).dataSync()[0];
    // −log softmax by hand: row 1 label 0, row 2 label 2.
    const row = (z: number[], label: number): number => -(z[label] - Math.log(z.reduce((sum, value) => sum + Math.exp(value), 0)));
    const expected = (row([2, -1, 0.5], 0) + row([0.1, 0.2, 3], 2)) / 2;
    assert.ok(Math.abs(ours - expected) < 1e-6, `${ours} vs ${expected}`);
  });

  it("the soft-target loss stays finite for very large logits", () => {
    const loss = softTargetCrossEntropy(tf.tensor2d([[1000, -1000]]), tf.tensor2d([[0.5, 0.5]])).dataSync()[0];
    assert.ok(Number.isFinite(loss));
    assert.ok(Math.abs(loss - 1000) < 1e-3);
  });
});
