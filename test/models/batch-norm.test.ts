import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "node:test";
import { BatchNorm } from "../../src/models/batch-norm.js";

tf.enableProdMode();

const maxDifference = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe("batch normalisation", () => {
  const x = tf.randomNormal([8, 5, 5, 3], 2, 3, "float32", 17);

  it("normalises like tfjs's BatchNormalization and keeps PyTorch's unbiased moving variance", () => {
    const ours = new BatchNorm({ momentum: 0.9 });
    const theirs = tf.layers.batchNormalization({ momentum: 0.9 });
    ours.apply(x);
    theirs.apply(x);
    theirs.setWeights([tf.tensor1d([1.5, 0.5, 2]), tf.tensor1d([0.1, -0.2, 0.3]), ...theirs.getWeights().slice(2)]);
    ours.setWeights(theirs.getWeights());
    assert.ok(maxDifference(ours.apply(x, { training: true }) as tf.Tensor, theirs.apply(x, { training: true }) as tf.Tensor) < 1e-4);
    ours.getWeights().slice(0, 3).forEach((weight, index) => assert.ok(maxDifference(weight, theirs.getWeights()[index]) < 1e-4, `weight ${index}`));
    // moving ← 0.9·1 + 0.1·(batch variance · n/(n − 1)), n = 8·5·5 values per channel (torch.nn.BatchNorm2d).
    const { variance } = tf.moments(x, [0, 1, 2]);
    const expected = variance.mul(200 / 199).mul(0.1).add(0.9);
    assert.ok(maxDifference(ours.getWeights()[3], expected) < 1e-4);
    ours.setWeights(theirs.getWeights());
    assert.ok(maxDifference(ours.apply(x, { training: false }) as tf.Tensor, theirs.apply(x, { training: false }) as tf.Tensor) < 1e-4);
  });

  it("has the gradients of tfjs's BatchNormalization", () => {
    const ours = new BatchNorm();
    const theirs = tf.layers.batchNormalization();
    ours.apply(x);
    theirs.apply(x);
    const weights = (f: (input: tf.Tensor) => tf.Tensor) => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), tf.linspace(0, 1, 3))))(x);
    const difference = maxDifference(weights((input) => ours.apply(input, { training: true }) as tf.Tensor), weights((input) => theirs.apply(input, { training: true }) as tf.Tensor));
    assert.ok(difference < 1e-4, `gradient difference ${difference}`);
  });
});

describe("batch normalisation's closed-form gradient", () => {
  it("gives tfjs's gradients for gamma and beta", () => {
    const x = tf.randomNormal([6, 4, 4, 2], 1, 2, "float32", 23);
    const ours = new BatchNorm();
    const theirs = tf.layers.batchNormalization();
    ours.apply(x);
    theirs.apply(x);
    const weights = [tf.tensor1d([1.3, 0.7]), tf.tensor1d([0.2, -0.4])];
    ours.setWeights([...weights, ...ours.getWeights().slice(2)]);
    theirs.setWeights([...weights, ...theirs.getWeights().slice(2)]);
    const gradients = (layer: tf.layers.Layer) => {
      const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, tf.linspace(-1, 2, 2))) as tf.Scalar, variables);
      return variables.map((variable) => grads[variable.name]);
    };
    const [ourGamma, ourBeta] = gradients(ours);
    const [theirGamma, theirBeta] = gradients(theirs);
    assert.ok(maxDifference(ourGamma, theirGamma) < 1e-4);
    assert.ok(maxDifference(ourBeta, theirBeta) < 1e-4);
  });
});
