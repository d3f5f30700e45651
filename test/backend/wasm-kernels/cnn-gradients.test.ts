// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../../src/random.js";
import { wasmTrainingKernels } from "../../../src/backend/wasm-kernels/index.js";
import { assertClose, initBackends, randomTensor, runOn, type HostTensor } from "./backends.js";

/** conv-relu-pool ×2, dense: seeded initialisers give the same weights on both backends. */
function smallCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 61 }), biasInitializer: tf.initializers.randomNormal({ seed: 62 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 1, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 63 }), biasInitializer: tf.initializers.randomNormal({ seed: 64 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 65 }) }),
    ],
  });
}

/** A ResNet-style block with batch norm, a depthwise conv, average pooling and dropout. */
function residualCnn(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 2] });
  const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", kernelInitializer: tf.initializers.glorotUniform({ seed: 67 }) }).apply(input) as tf.SymbolicTensor;
  let branch = tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 68 }) }).apply(stem) as tf.SymbolicTensor;
  branch = tf.layers.reLU().apply(branch) as tf.SymbolicTensor;
  branch = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", strides: 2, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 69 }) }).apply(branch) as tf.SymbolicTensor;
  const shortcut = tf.layers.conv2d({ filters: 4, kernelSize: 1, strides: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 70 }) }).apply(stem) as tf.SymbolicTensor;
  let h = tf.layers.add().apply([branch, shortcut]) as tf.SymbolicTensor;
  h = tf.layers.averagePooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.3, seed: 71 }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 72 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

function cnnGradients(backend: "wasm" | "cpu", images: HostTensor, labels: HostTensor, build: () => tf.LayersModel = smallCnn): HostTensor[] {
  const model = modelOn(backend, build);
  const count = model.trainableWeights.length;
  const gradients: HostTensor[] = [];
  for (let index = 0; index < count; index++) {
    gradients.push(
      runOn(backend, [images, labels], (x, y) => {
        const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
        const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
        return grads[variables[index].name];
      }),
    );
  }
  model.dispose();
  return gradients;
}

function modelOn(backend: "wasm" | "cpu", build: () => tf.LayersModel): tf.LayersModel {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return build();
  } finally {
    tf.setBackend(previous);
  }
}

describe("wasm training kernels", () => {
  before(initBackends);

  it("are registered on the wasm backend in place of the shipped ones", () => {
    for (const config of wasmTrainingKernels()) assert.equal(tf.getKernel(config.kernelName, "wasm")?.kernelFunc, config.kernelFunc, config.kernelName);
  });

  it("give a small CNN (conv-relu-pool ×2, dense) the cpu backend's gradients", () => {
    const random = new Random(66);
    const images = randomTensor(random, [8, 12, 12, 2]);
    const labels: HostTensor = { values: Float32Array.from({ length: 8 * 5 }, (_, i) => (i % 5 === (3 * Math.floor(i / 5)) % 5 ? 1 : 0)), shape: [8, 5] };
    const onWasm = cnnGradients("wasm", images, labels);
    const onCpu = cnnGradients("cpu", images, labels);
    assert.equal(onWasm.length, 6);
    onWasm.forEach((gradient, index) => assertClose(gradient, onCpu[index], `weight ${index}`, 1e-4));
  });

  it("give a residual CNN with batch norm, depthwise conv, average pooling and dropout the cpu backend's gradients", () => {
    const random = new Random(67);
    const images = randomTensor(random, [8, 12, 12, 2]);
    const labels: HostTensor = { values: Float32Array.from({ length: 8 * 5 }, (_, i) => (i % 5 === (2 * Math.floor(i / 5)) % 5 ? 1 : 0)), shape: [8, 5] };
    const onWasm = cnnGradients("wasm", images, labels, residualCnn);
    const onCpu = cnnGradients("cpu", images, labels, residualCnn);
    assert.equal(onWasm.length, onCpu.length);
    onWasm.forEach((gradient, index) => assertClose(gradient, onCpu[index], `weight ${index}`, 1e-4));
  });
});
