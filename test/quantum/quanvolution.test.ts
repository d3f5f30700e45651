import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "node:test";
import { QuanvolutionLayer, quanvolutionCircuit } from "../../src/quantum/quanvolution.js";
import { simulate } from "../../src/quantum/simulate.js";

tf.enableProdMode();

describe("quanvolution layer", () => {
  it("each output pixel is the filter circuit run on its 2×2 patch", () => {
    const layer = new QuanvolutionLayer({ patch: 2, stride: 2, filters: 2, layers: 1, seed: 7 });
    const image = tf.randomUniform([1, 4, 6, 1], 0, 1, "float32", 11) as tf.Tensor4D;
    const output = layer.apply(image) as tf.Tensor4D;
    assert.deepEqual(output.shape, [1, 2, 3, 8]);
    const pixels = image.arraySync()[0];
    const weights = layer.getWeights();
    for (const [row, column] of [[0, 0], [1, 2]]) {
      const patch = [pixels[2 * row][2 * column][0], pixels[2 * row][2 * column + 1][0], pixels[2 * row + 1][2 * column][0], pixels[2 * row + 1][2 * column + 1][0]];
      for (const filter of [0, 1]) {
        const circuit = quanvolutionCircuit({ patch: 2, layers: 1, seed: 7 }, filter);
        const expected = simulate(circuit, tf.tensor2d([patch]), weights[filter] as tf.Tensor1D).dataSync();
        const actual = output.slice([0, row, column, filter * 4], [1, 1, 1, 4]).dataSync();
        expected.forEach((value, index) => assert.ok(Math.abs(value - actual[index]) < 1e-5, `${value} vs ${actual[index]}`));
      }
    }
  });

  it("fixed filters have no trainable weights but keep their weights for checkpoints", () => {
    const layer = new QuanvolutionLayer({ patch: 2, stride: 2, filters: 1, layers: 1, seed: 3 });
    layer.apply(tf.zeros([1, 4, 4, 1]));
    assert.equal(layer.trainableWeights.length, 0);
    assert.equal(layer.weights.length, 1);
  });

  it("the same seed gives the same filters", () => {
    const run = (seed: number) => {
      const layer = new QuanvolutionLayer({ patch: 2, stride: 1, filters: 1, layers: 2, seed });
      return (layer.apply(tf.ones([1, 3, 3, 1]).mul(0.5)) as tf.Tensor).dataSync();
    };
    assert.deepEqual(run(4), run(4));
    assert.notDeepEqual(run(4), run(5));
  });
});
