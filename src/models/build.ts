// SPDX-License-Identifier: MIT
/**
 * @module models/build
 * Builds the model an experiment config describes — `cnn`, `hybrid` (seed 2),
 * `quanv` (Henderson et al. / seed 3's quanvolution) or `resnet` (seed 3, with a classical
 * or VQC head) — and, with `control`, its matched classical control: the same network with
 * the quantum layer replaced by a dense layer of the same input and output size (seed 2's
 * ablation). Every initialiser gets its own seed derived from the run's seed, so a model is
 * the same to the bit for a given seed and backend. Models take pixels on the [0, 1] scale;
 * normalisation is their first layer.
 */
import * as tf from "@tensorflow/tfjs";
import { measurementSize, type Circuit } from "../quantum/circuit.js";
import { deriveSeed } from "../random.js";
import { Normalize } from "./layers/normalize.js";
import { SeededDropout } from "./layers/seeded-dropout.js";
import { BatchNorm } from "./batch-norm.js";
import { buildResNetBackbone } from "./resnet.js";
import { hasQuantumLayer, type ModelConfig } from "./schema.js";

/** What the model builder needs from the quantum engine (kept as a seam so models/ never reaches into quantum/ internals). */
export interface QuantumParts {
  /** The circuit of a hybrid or VQC-head model's quantum layer. */
  circuit: Circuit;
  /** Makes the tfjs layer that runs a circuit; its weights are the quantum parameters. */
  createLayer(circuit: Circuit, options: { seed: number; name: string; trainable: boolean }): tf.layers.Layer;
  /** Quanvolution filters (model.kind: quanv): maps [B, H, W, C] to [B, H', W', filters·k²]. */
  createQuanvolution?(options: { seed: number; name: string }): tf.layers.Layer;
}

export interface ModelContext {
  classes: number;
  imageShape: readonly [number, number, number];
  seed: number;
  normalize?: { mean: number[]; std: number[] };
  quantum?: QuantumParts;
}

export interface BuiltModel {
  model: tf.LayersModel;
  kind: ModelConfig["kind"];
  /** True for the matched classical control of a hybrid model. */
  control: boolean;
  /** Names of the layers holding quantum parameters. */
  quantumLayers: string[];
  parameters: { classical: number; quantum: number; total: number; trainable: number };
}

class SeedSequence {
  private next = 0;
  constructor(private readonly seed: number) {}
  take(): number {
    return deriveSeed(this.seed, `init:${this.next++}`);
  }
}

/** Builds the model; `control: true` in `config` (or the `control` argument) builds the matched control. */
export function buildModel(config: ModelConfig, context: ModelContext, control = config.control): BuiltModel {
  const seeds = new SeedSequence(context.seed);
  const input = tf.input({ shape: [...context.imageShape], name: "pixels" });
  let x: tf.SymbolicTensor = input;
  if (context.normalize) x = new Normalize({ ...context.normalize, name: "normalize" }).apply(x) as tf.SymbolicTensor;

  const quantumLayers: string[] = [];
  if (hasQuantumLayer(config) && !control && context.quantum === undefined) {
    throw new Error(`model.kind ${config.kind} needs the quantum engine's parts`);
  }

  if (config.kind === "quanv") {
    if (control) {
      // The quanvolution's classical control: a fixed-shape conv with the same patch, stride and channel count.
      const channels = config.quanv.filters * config.quanv.patch ** 2;
      x = conv(channels, config.quanv.patch, config.quanv.stride, "valid", "relu", seeds, "quanv_control").apply(x) as tf.SymbolicTensor;
    } else {
      const layer = context.quantum!.createQuanvolution!({ seed: seeds.take(), name: "quanvolution" });
      quantumLayers.push(layer.name);
      x = layer.apply(x) as tf.SymbolicTensor;
    }
  }

  let features: tf.SymbolicTensor;
  if (config.kind === "resnet") {
    features = buildResNetBackbone(x, { depth: config.depth, widthMultiplier: config.widthMultiplier, seeds: () => seeds.take(), smallImages: context.imageShape[0] <= 64 });
  } else {
    features = convolutionalFeatures(x, config, seeds);
  }

  let logits: tf.SymbolicTensor;
  const quantumHead = config.kind === "hybrid" || (config.kind === "resnet" && config.head === "quantum");
  if (quantumHead) {
    const circuit = context.quantum!.circuit;
    let h = dense(config.hybrid.hidden, "relu", seeds, "pre_quantum_hidden").apply(features) as tf.SymbolicTensor;
    h = dense(circuit.inputSize, config.hybrid.inputActivation, seeds, "circuit_inputs").apply(h) as tf.SymbolicTensor;
    if (config.hybrid.inputScale !== 1) {
      h = tf.layers.rescaling({ scale: config.hybrid.inputScale, offset: 0, name: "circuit_input_scale" }).apply(h) as tf.SymbolicTensor;
    }
    const outputs = measurementSize(circuit);
    if (control) {
      h = dense(outputs, "linear", seeds, "quantum_control").apply(h) as tf.SymbolicTensor;
    } else {
      const layer = context.quantum!.createLayer(circuit, { seed: seeds.take(), name: "quantum", trainable: true });
      quantumLayers.push(layer.name);
      h = layer.apply(h) as tf.SymbolicTensor;
    }
    h = dense(config.hybrid.post, "linear", seeds, "post_quantum").apply(h) as tf.SymbolicTensor;
    if (config.batchNorm) h = new BatchNorm({ name: "post_quantum_bn" }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: "relu", name: "post_quantum_relu" }).apply(h) as tf.SymbolicTensor;
    if (config.dropout > 0) h = new SeededDropout({ rate: config.dropout, seed: seeds.take(), name: "post_quantum_dropout" }).apply(h) as tf.SymbolicTensor;
    logits = dense(context.classes, "linear", seeds, "logits").apply(h) as tf.SymbolicTensor;
  } else {
    let h = features;
    config.dense.forEach((units, index) => {
      h = dense(units, "relu", seeds, `dense_${index}`).apply(h) as tf.SymbolicTensor;
      if (config.dropout > 0) h = new SeededDropout({ rate: config.dropout, seed: seeds.take(), name: `dropout_${index}` }).apply(h) as tf.SymbolicTensor;
    });
    logits = dense(context.classes, "linear", seeds, "logits").apply(h) as tf.SymbolicTensor;
  }

  const model = tf.model({ inputs: input, outputs: logits, name: `${config.kind}${control ? "_control" : ""}` });
  if (config.freezeBackbone) freezeBackbone(model);
  return { model, kind: config.kind, control, quantumLayers, parameters: countParameters(model, quantumLayers) };
}


function convolutionalFeatures(x: tf.SymbolicTensor, config: ModelConfig, seeds: SeedSequence): tf.SymbolicTensor {
  config.channels.forEach((channels, index) => {
    if (config.batchNorm) {
      x = conv(channels, config.kernelSize, 1, config.padding, "linear", seeds, `conv_${index}`, false).apply(x) as tf.SymbolicTensor;
      x = new BatchNorm({ name: `bn_${index}` }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: "relu", name: `relu_${index}` }).apply(x) as tf.SymbolicTensor;
    } else {
      x = conv(channels, config.kernelSize, 1, config.padding, "relu", seeds, `conv_${index}`).apply(x) as tf.SymbolicTensor;
    }
    const [, height, width] = x.shape;
    if ((height ?? 0) >= 2 && (width ?? 0) >= 2) {
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool_${index}` }).apply(x) as tf.SymbolicTensor;
    }
  });
  return (config.pooling === "flatten"
    ? tf.layers.flatten({ name: "flatten" })
    : tf.layers.globalAveragePooling2d({ name: "global_pool" })
  ).apply(x) as tf.SymbolicTensor;
}

function conv(
  filters: number,
  kernelSize: number,
  strides: number,
  padding: "same" | "valid",
  activation: "relu" | "linear",
  seeds: SeedSequence,
  name: string,
  useBias = true,
): tf.layers.Layer {
  return tf.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding,
    activation,
    useBias,
    kernelInitializer: tf.initializers.heNormal({ seed: seeds.take() }),
    name,
  });
}

function dense(units: number, activation: "relu" | "linear" | "softmax" | "tanh" | "sigmoid", seeds: SeedSequence, name: string): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.take() }),
    name,
  });
}

/** Everything up to the global pooling is backbone; the head stays trainable. */
function freezeBackbone(model: tf.LayersModel): void {
  let inBackbone = true;
  for (const layer of model.layers) {
    if (/^(global_pool|flatten)$/.test(layer.name)) inBackbone = false;
    if (inBackbone) layer.trainable = false;
  }
}

function countParameters(model: tf.LayersModel, quantumLayers: string[]): BuiltModel["parameters"] {
  let quantum = 0;
  for (const name of quantumLayers) quantum += model.getLayer(name).countParams();
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((sum, weight) => sum + weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  return { classical: total - quantum, quantum, total, trainable };
}
