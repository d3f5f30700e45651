// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/cnn-train-mnist
 * W1 of REFERENCE.md: the small CNN (conv 16 3×3, ReLU, max-pool 2, conv 32 3×3, ReLU,
 * max-pool 2, flatten, dense 64 ReLU, dense 10) trained on real MNIST training images,
 * batch 128, Adam 1e-3, softmax cross-entropy. Samples are training samples/s over a timed
 * repeat of 20 steps (2 on the cpu backend; batch assembly from uint8 pixels included), and,
 * in the details, per second of the process's CPU time (robust to a shared machine). The network is written
 * with src/backend/train-step.ts (fused conv-ReLU-pool blocks); the same network as a tfjs
 * layers model, trained through model.apply + tf.variableGrads as the trainer does, is
 * measured too and reported in the details with the per-kernel time of one step.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dReluMaxPool, createTrainStep, dense, imageBatch } from "../../backend/train-step.js";
import { loadInMemory } from "../../data/index.js";
import { Random } from "../../random.js";
import type { Workload, WorkloadContext } from "../workload.js";
import { median } from "../workload.js";

const BATCH = 128;
/** Steps per timed repeat and warm-up steps; the pure-JavaScript cpu backend takes seconds a step. */
const STEPS = { default: { warmup: 5, timed: 20 }, cpu: { warmup: 1, timed: 2 } };
const PYTORCH_SAMPLES_PER_SECOND = 21000;
const IMAGE_SHAPE = [28, 28, 1] as const;

interface TrainingSet {
  images: Uint8Array;
  labels: Int32Array;
  count: number;
}

interface Network {
  variables: tf.Variable[];
  logits(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

function heNormal(shape: number[], seed: number): tf.Variable {
  return tf.variable(tf.initializers.heNormal({ seed }).apply(shape) as tf.Tensor);
}

/** The CNN on the fused ops of train-step.ts. */
function fusedNetwork(seed: number): Network {
  const [c1, b1, c2, b2, d1, e1, d2, e2] = [
    heNormal([3, 3, 1, 16], seed + 1),
    tf.variable(tf.zeros([16])),
    heNormal([3, 3, 16, 32], seed + 2),
    tf.variable(tf.zeros([32])),
    heNormal([800, 64], seed + 3),
    tf.variable(tf.zeros([64])),
    heNormal([64, 10], seed + 4),
    tf.variable(tf.zeros([10])),
  ];
  const variables = [c1, b1, c2, b2, d1, e1, d2, e2];
  return {
    variables,
    logits(x) {
      let h = conv2dReluMaxPool(x, c1 as tf.Tensor4D, b1 as tf.Tensor1D, { pool: 2, inputGradient: false });
      h = conv2dReluMaxPool(h, c2 as tf.Tensor4D, b2 as tf.Tensor1D, { pool: 2 });
      const hidden = dense(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D, d1 as tf.Tensor2D, e1 as tf.Tensor1D, "relu");
      return dense(hidden, d2 as tf.Tensor2D, e2 as tf.Tensor1D, "linear");
    },
    dispose: () => tf.dispose(variables),
  };
}

/** The same CNN as a tfjs layers model. */
function layersNetwork(seed: number): Network {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [...IMAGE_SHAPE], filters: 16, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 2 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 3 }) }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.heNormal({ seed: seed + 4 }) }),
    ],
  });
  return {
    variables: model.trainableWeights.map((weight) => weight.read() as tf.Variable),
    logits: (x) => model.apply(x, { training: true }) as tf.Tensor2D,
    dispose: () => model.dispose(),
  };
}

async function mnistTrainingSet(): Promise<TrainingSet> {
  const { train } = (await loadInMemory("mnist")).splits;
  return { images: train.images, labels: train.labels, count: train.count };
}

/** Runs `steps` steps over consecutive batches of `order`, starting at batch `first`; returns the mean loss. */
function trainSteps(step: (x: tf.Tensor, y: tf.Tensor) => number, data: TrainingSet, order: Int32Array, first: number, steps: number): number {
  const batchesPerEpoch = Math.floor(data.count / BATCH);
  let lossSum = 0;
  for (let s = 0; s < steps; s++) {
    const batch = (first + s) % batchesPerEpoch;
    const rows = order.subarray(batch * BATCH, (batch + 1) * BATCH);
    const x = imageBatch(data.images, rows, IMAGE_SHAPE);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(rows, (row) => data.labels[row]), "int32"), 10));
    lossSum += step(x, y);
    tf.dispose([x, y]);
  }
  return lossSum / steps;
}

interface Measurement {
  samples: number[];
  /** Samples per second of this process's CPU time: what an idle machine would give a single-threaded backend. */
  perCpuSecond: number[];
  firstLoss: number;
  lastLoss: number;
}

function measure(network: Network, data: TrainingSet, repeats: number, steps: { warmup: number; timed: number }): Measurement {
  const optimizer = tf.train.adam(1e-3);
  const step = createTrainStep({
    variables: network.variables,
    optimizer,
    loss: (x, y) => tf.losses.softmaxCrossEntropy(y, network.logits(x as tf.Tensor4D)) as tf.Scalar,
  });
  const order = new Random(20261121).permutation(data.count);
  const firstLoss = trainSteps(step, data, order, 0, steps.warmup);
  let next = steps.warmup;
  let lastLoss = firstLoss;
  const samples: number[] = [];
  const perCpuSecond: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    lastLoss = trainSteps(step, data, order, next, steps.timed);
    const cpu = process.cpuUsage(cpuStart);
    samples.push((steps.timed * BATCH) / ((performance.now() - start) / 1000));
    perCpuSecond.push((steps.timed * BATCH) / ((cpu.user + cpu.system) / 1e6));
    next += steps.timed;
  }
  optimizer.dispose();
  return { samples, perCpuSecond, firstLoss, lastLoss };
}

/** Milliseconds per kernel (summed over a step, largest first) from tf.profile of `steps` steps. */
async function kernelBreakdown(network: Network, data: TrainingSet, steps: number): Promise<Record<string, number>> {
  const optimizer = tf.train.adam(1e-3);
  const step = createTrainStep({ variables: network.variables, optimizer, loss: (x, y) => tf.losses.softmaxCrossEntropy(y, network.logits(x as tf.Tensor4D)) as tf.Scalar });
  const order = new Random(7).permutation(data.count);
  trainSteps(step, data, order, 0, 2);
  const profile = await tf.profile(() => void trainSteps(step, data, order, 2, steps));
  optimizer.dispose();
  const perKernel = new Map<string, number>();
  let kernels = 0;
  for (const kernel of profile.kernels) {
    // customGrad wrappers (lower-case op names) contain kernels already counted.
    if (/^[a-z]/.test(kernel.name)) continue;
    kernels++;
    const key = `${kernel.name} ${kernel.inputShapes.map((shape) => (shape ? shape.join("×") : "-")).join(", ")}`;
    perKernel.set(key, (perKernel.get(key) ?? 0) + (kernel.kernelTimeMs as number) / steps);
  }
  const sorted = [...perKernel].sort((a, b) => b[1] - a[1]);
  const top = sorted.slice(0, 12);
  const rest = sorted.slice(12).reduce((sum, [, ms]) => sum + ms, 0);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    ...Object.fromEntries(top.map(([key, ms]) => [key, round(ms)])),
    [`other ${sorted.length - top.length} kernel kinds`]: round(rest),
    total: round(sorted.reduce((sum, [, ms]) => sum + ms, 0)),
    kernelsPerStep: kernels / steps,
  };
}

async function run(context: WorkloadContext) {
  const data = await mnistTrainingSet();
  const steps = context.backend === "cpu" ? STEPS.cpu : STEPS.default;
  const fused = fusedNetwork(1121);
  const result = measure(fused, data, context.repeats, steps);
  const samplesPerSecond = median(result.samples);
  context.log(`[cnn-train-mnist] fused ops: median ${samplesPerSecond.toFixed(0)} samples/s; loss ${result.firstLoss.toFixed(3)} → ${result.lastLoss.toFixed(3)}`);
  const breakdown = await kernelBreakdown(fused, data, context.backend === "cpu" ? 1 : 3);
  fused.dispose();
  // Two repeats are enough for the ratio between the two ways of writing the network.
  const layers = layersNetwork(1121);
  const layersResult = measure(layers, data, Math.min(2, context.repeats), steps);
  layers.dispose();
  context.log(`[cnn-train-mnist] layers model: median ${median(layersResult.samples).toFixed(0)} samples/s`);
  return {
    samples: result.samples,
    details: {
      data: `MNIST train (${data.count} images), batch ${BATCH}, ${steps.timed} steps per repeat after ${steps.warmup} warm-up steps`,
      samplesPerCpuSecond: { median: median(result.perCpuSecond), samples: result.perCpuSecond },
      loss: { warmup: result.firstLoss, lastRepeat: result.lastLoss },
      reference: { pytorch: PYTORCH_SAMPLES_PER_SECOND, source: "REFERENCE.md W1 (PyTorch 1.13, 2 threads)" },
      ratioToPytorch: Math.round((samplesPerSecond / PYTORCH_SAMPLES_PER_SECOND) * 1000) / 1000,
      layersModel: { median: median(layersResult.samples), samples: layersResult.samples, samplesPerCpuSecond: median(layersResult.perCpuSecond) },
      kernelMsPerStep: breakdown,
    },
  };
}

export const cnnTrainMnist: Workload = {
  name: "cnn-train-mnist",
  description: "small CNN (conv16-pool-conv32-pool-dense64-dense10) training on MNIST, batch 128, Adam 1e-3",
  unit: "samples/s",
  higherIsBetter: true,
  run,
};
