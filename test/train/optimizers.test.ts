import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "node:test";
import { clipByGlobalNorm, Optimizer } from "../../src/train/optimizers.js";

tf.enableProdMode();

const close = (actual: number, expected: number, tolerance = 1e-6): void =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} vs ${expected}`);

describe("optimisers", () => {
  it("Adam's first step moves each weight by the learning rate against the gradient's sign", () => {
    const weight = tf.variable(tf.tensor1d([1, -2]));
    const optimizer = new Optimizer({ name: "adam", weightDecay: 0, momentum: 0 });
    optimizer.apply([weight], [tf.tensor1d([0.3, -4])], 0.1);
    // Bias-corrected m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε).
    const [a, b] = weight.dataSync();
    close(a, 1 - 0.1 * (0.3 / (0.3 + 1e-8)));
    close(b, -2 + 0.1 * (4 / (4 + 1e-8)));
  });

  it("AdamW decays weights apart from the adaptive step, Adam adds decay to the gradient", () => {
    const decoupled = tf.variable(tf.tensor1d([2]));
    const coupled = tf.variable(tf.tensor1d([2]));
    new Optimizer({ name: "adamw", weightDecay: 0.5, momentum: 0 }).apply([decoupled], [tf.tensor1d([1])], 0.1);
    new Optimizer({ name: "adam", weightDecay: 0.5, momentum: 0 }).apply([coupled], [tf.tensor1d([1])], 0.1);
    close(decoupled.dataSync()[0], 2 - 0.1 - 0.1 * 0.5 * 2);
    close(coupled.dataSync()[0], 2 - 0.1); // g + λw = 2 > 0: Adam's first step is still lr·sign
  });

  it("SGD with momentum accumulates velocity", () => {
    const weight = tf.variable(tf.tensor1d([0]));
    const optimizer = new Optimizer({ name: "sgd", weightDecay: 0, momentum: 0.9 });
    optimizer.apply([weight], [tf.tensor1d([1])], 0.1);
    optimizer.apply([weight], [tf.tensor1d([1])], 0.1);
    close(weight.dataSync()[0], -0.1 - 0.1 * 1.9);
  });

  it("restoring saved state continues exactly as if never stopped", () => {
    const run = (restart: boolean): number[] => {
      const weight = tf.variable(tf.tensor1d([0.5, -0.5]));
      let optimizer = new Optimizer({ name: "adam", weightDecay: 0.01, momentum: 0 });
      for (let step = 0; step < 4; step++) {
        if (restart && step === 2) {
          const state = optimizer.state();
          optimizer = new Optimizer(optimizer.settings);
          optimizer.restore(state);
        }
        optimizer.apply([weight], [tf.tensor1d([Math.sin(step), Math.cos(step)])], 0.05);
      }
      return Array.from(weight.dataSync());
    };
    assert.deepEqual(run(true), run(false));
  });

  it("global-norm clipping rescales only when the norm exceeds the bound", () => {
    const clipped = clipByGlobalNorm([tf.tensor1d([3]), tf.tensor1d([4])], 1);
    close(clipped[0].dataSync()[0], 0.6, 1e-5);
    close(clipped[1].dataSync()[0], 0.8, 1e-5);
    const untouched = clipByGlobalNorm([tf.tensor1d([0.3]), tf.tensor1d([0.4])], 1);
    close(untouched[0].dataSync()[0], 0.3, 1e-5);
  });
});
