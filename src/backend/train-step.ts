// SPDX-License-Identifier: MIT
/**
 * @module backend/train-step
 * What makes a CNN training step fast on the wasm backend, in reusable pieces:
 *
 * - `conv2dReluMaxPool`: conv + bias + ReLU + max-pool as one differentiable op. Forward is
 *   two kernels (FusedConv2D with the ReLU fused — tfjs unfuses it whenever a gradient is
 *   being recorded — and MaxPool); backward is one pass for pool, ReLU and bias
 *   (QhybridReluMaxPoolGrad on wasm) plus the two convolution gradients, and skips the
 *   input gradient of a network's first layer. The layers API spends ~12 kernels on the same.
 * - `createTrainStep`: loss, gradients and optimizer update in one tidy with one host read.
 * - `imageBatch`: uint8 HWC pixels of chosen rows → a float32 [0, 1] batch, without ever
 *   converting the whole data set.
 *
 * Works on every backend; the fused backward kernel is used where it is registered.
 */
import * as tf from "@tensorflow/tfjs";
import { RELU_MAX_POOL_GRAD } from "./wasm-kernels/relu-max-pool-grad.js";

export interface ConvBlockOptions {
  strides?: number;
  pad?: "valid" | "same";
  /** Square max-pool window and stride ('valid'). */
  pool: number;
  /** False for a network's first layer: nothing upstream needs dL/dx, so it is not computed. */
  inputGradient?: boolean;
}

function run(kernelName: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** maxPool(relu(conv2d(x, filter) + bias)), NHWC, with the fused backward pass described above. */
export function conv2dReluMaxPool(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, options: ConvBlockOptions): tf.Tensor4D {
  const strides = options.strides ?? 1;
  const pad = options.pad ?? "valid";
  const { pool } = options;
  const inputGradient = options.inputGradient ?? true;
  const convAttrs = { strides: [strides, strides], pad, dataFormat: "NHWC", dimRoundingMode: undefined };
  const block = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weights, offsets] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const conv = run("FusedConv2D", { x: input, filter: weights, bias: offsets }, { ...convAttrs, dilations: [1, 1], activation: "relu" });
    const pooled = run("MaxPool", { x: conv }, { filterSize: [pool, pool], strides: [pool, pool], pad: "valid", dimRoundingMode: undefined });
    save([input, weights, conv, pooled]);
    return {
      value: pooled,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedInput, savedWeights, savedConv, savedPooled] = saved;
        const [dz, dBias] = reluMaxPoolBackward(dy, savedConv, savedPooled, pool);
        const dFilter = run("Conv2DBackpropFilter", { x: savedInput, dy: dz }, { ...convAttrs, filterShape: savedWeights.shape });
        const dx = inputGradient ? run("Conv2DBackpropInput", { dy: dz, filter: savedWeights }, { ...convAttrs, inputShape: savedInput.shape }) : tf.zerosLike(savedInput);
        return [dx, dFilter, dBias];
      },
    };
  });
  return block(x, filter, bias) as tf.Tensor4D;
}

/** dL/d(pre-activation) and dL/dbias from dL/dpooled. */
function reluMaxPoolBackward(dy: tf.Tensor, conv: tf.Tensor, pooled: tf.Tensor, pool: number): [tf.Tensor, tf.Tensor] {
  if (tf.getKernel(RELU_MAX_POOL_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(RELU_MAX_POOL_GRAD, { dy, conv, pooled }, { pool }) as unknown as [tf.Tensor, tf.Tensor];
  }
  // A window's maximum is > 0 exactly when ReLU passed the gradient at the position it is routed to.
  const masked = tf.mul(dy, tf.step(pooled));
  const dz = run("MaxPoolGrad", { dy: masked, input: conv, output: pooled }, { filterSize: [pool, pool], strides: [pool, pool], pad: "valid", dimRoundingMode: undefined });
  return [dz, tf.sum(dz, [0, 1, 2])];
}

/** relu(x·W + b) (or without the ReLU): one fused matmul with the bias, then the activation. */
export function dense(x: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, activation: "relu" | "linear"): tf.Tensor2D {
  // tf.fused.matMul keeps a linear activation fused under gradient recording, not a ReLU.
  const linear = tf.fused.matMul({ a: x, b: weights, bias });
  return (activation === "relu" ? tf.relu(linear) : linear) as tf.Tensor2D;
}

export interface TrainStepOptions {
  /** The variables to train, in a fixed order. */
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  /** Scalar loss of one batch; runs inside the step's tidy. */
  loss: (inputs: tf.Tensor, targets: tf.Tensor) => tf.Scalar;
}

/**
 * One training step: loss and gradients (tf.variableGrads), the optimizer update, all
 * intermediates freed, and the loss returned as a number (the step's only host read,
 * which also waits for asynchronous backends).
 */
export function createTrainStep(options: TrainStepOptions): (inputs: tf.Tensor, targets: tf.Tensor) => number {
  const { variables, optimizer, loss } = options;
  return (inputs, targets) =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(inputs, targets), variables);
      optimizer.applyGradients(grads);
      return value.dataSync()[0];
    });
}

/**
 * Rows `rows` of uint8 HWC images (`pixelsPerImage` bytes each) as a float32 [0, 1] batch of
 * `shape` (per image). Scaling on the host is one pass over the batch's bytes only.
 */
export function imageBatch(images: Uint8Array, rows: ArrayLike<number>, shape: readonly [number, number, number]): tf.Tensor4D {
  const pixelsPerImage = shape[0] * shape[1] * shape[2];
  const values = new Float32Array(rows.length * pixelsPerImage);
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] * pixelsPerImage;
    const target = i * pixelsPerImage;
    for (let p = 0; p < pixelsPerImage; p++) values[target + p] = images[start + p] / 255;
  }
  return tf.tensor4d(values, [rows.length, ...shape]);
}
