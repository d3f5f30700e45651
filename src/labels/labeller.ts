// SPDX-License-Identifier: MIT
/**
 * @module labels/labeller
 * QPLR stage 1's models: what a labeller sees of an image (its featurizer), the labeller
 * itself (Born-rule VQC, the paper's pre-network + VQC + post-network, or the classical
 * control of about the same size), its training with cross-entropy on one-hot labels, and
 * the turn from its class probabilities into soft labels (temperature, M4 confidence
 * gate, mixing with the one-hot label).
 *
 * Born-rule mapping to K classes (documented in every labels file): `first-k` measures
 * all wires and renormalises the probabilities of basis states 0..K−1 (wire 0 most
 * significant); `marginal` measures the first ⌈log2 K⌉ wires and renormalises the first
 * K of those 2^⌈log2 K⌉ states (δ = 1e-9 added for stability). With shots, a sample
 * whose draws never hit the first K states gets the uniform distribution.
 */
import * as tf from "@tensorflow/tfjs";
import { CircuitBuilder, type Circuit } from "../quantum/circuit.js";
import { simulate } from "../quantum/simulate.js";
import { deriveSeed, Random } from "../random.js";
import type { LabellerConfig } from "./schema.js";
import { UsageError } from "../errors.js";

/** Turns uint8 HWC images into the labeller's input features. */
export interface Featurizer {
  size: number;
  description: string;
  features(images: Uint8Array, count: number): tf.Tensor2D;
}

function pixelTensor(images: Uint8Array, count: number, pixels: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.tensor2d(images.subarray(0, count * pixels), [count, pixels], "int32").toFloat(), 255) as tf.Tensor2D);
}

export function pixelFeaturizer(shape: readonly [number, number, number]): Featurizer {
  const pixels = shape[0] * shape[1] * shape[2];
  return { size: pixels, description: `${shape.join("×")} pixels / 255`, features: (images, count) => pixelTensor(images, count, pixels) };
}

/**
 * Amplitude encoding input: the grey image as is when it fits in 2^qubits amplitudes
 * (the circuit pads with zeros and normalises), otherwise resized (bilinear) to
 * 2^⌊n/2⌋ × 2^⌈n/2⌉ pixels.
 */
export function amplitudeFeaturizer(shape: readonly [number, number, number], qubits: number): Featurizer {
  const [height, width, channels] = shape;
  const capacity = 2 ** qubits;
  const fits = height * width <= capacity;
  const target: [number, number] = [2 ** Math.floor(qubits / 2), 2 ** Math.ceil(qubits / 2)];
  const size = fits ? height * width : capacity;
  return {
    size,
    description: fits ? `${height}×${width} grey pixels padded with 0 to ${capacity} amplitudes, normalised` : `${height}×${width} grey image resized to ${target.join("×")}, normalised`,
    features: (images, count) =>
      tf.tidy(() => {
        let x = tf.reshape(pixelTensor(images, count, height * width * channels), [count, height, width, channels]) as tf.Tensor4D;
        if (channels > 1) x = tf.mean(x, 3, true) as tf.Tensor4D;
        if (!fits) x = tf.image.resizeBilinear(x, target);
        return tf.reshape(x, [count, size]) as tf.Tensor2D;
      }),
  };
}

/**
 * PCA fitted on training images (top `components` directions of the pixel covariance,
 * by orthogonal iteration), each score scaled to an angle: clip(z / 3σ, −1, 1) · π.
 */
export function fitPcaFeaturizer(images: Uint8Array, count: number, shape: readonly [number, number, number], components: number, seed: number): Featurizer {
  const pixels = shape[0] * shape[1] * shape[2];
  const used = Math.min(count, 10_000);
  const { mean, covariance } = tf.tidy(() => {
    const x = pixelTensor(images, used, pixels);
    const mean = tf.mean(x, 0);
    const centred = tf.sub(x, mean);
    return { mean: mean.dataSync() as Float32Array, covariance: tf.div(tf.matMul(centred, centred, true, false), used).dataSync() as Float32Array };
  });
  const k = Math.min(components, pixels);
  const random = new Random(deriveSeed(seed, "labeller:pca"));
  let basis: Float64Array[] = Array.from({ length: k }, () => Float64Array.from({ length: pixels }, () => random.normal()));
  const orthonormalise = (vectors: Float64Array[]): Float64Array[] => {
    for (let i = 0; i < vectors.length; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let p = 0; p < pixels; p++) dot += vectors[i][p] * vectors[j][p];
        for (let p = 0; p < pixels; p++) vectors[i][p] -= dot * vectors[j][p];
      }
      let norm = 0;
      for (let p = 0; p < pixels; p++) norm += vectors[i][p] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let p = 0; p < pixels; p++) vectors[i][p] /= norm;
    }
    return vectors;
  };
  basis = orthonormalise(basis);
  const variances = new Float64Array(k);
  for (let iteration = 0; iteration < 60; iteration++) {
    basis = orthonormalise(
      basis.map((vector, index) => {
        const out = new Float64Array(pixels);
        for (let row = 0; row < pixels; row++) {
          let sum = 0;
          const offset = row * pixels;
          for (let col = 0; col < pixels; col++) sum += covariance[offset + col] * vector[col];
          out[row] = sum;
        }
        if (iteration === 59) variances[index] = out.reduce((total, value, p) => total + value * vector[p], 0);
        return out;
      }),
    );
  }
  const projection = new Float32Array(pixels * k);
  basis.forEach((vector, c) => vector.forEach((value, p) => (projection[p * k + c] = value)));
  const scales = Float32Array.from(variances, (variance) => 3 * Math.sqrt(Math.max(variance, 1e-12)));
  return {
    size: k,
    description: `PCA of the ${shape.join("×")} pixels (fitted on ${used} training images) to ${k} components, angle = clip(z/3σ, −1, 1)·π`,
    features: (images, batch) =>
      tf.tidy(() => {
        const z = tf.matMul(tf.sub(pixelTensor(images, batch, pixels), tf.tensor1d(mean)), tf.tensor2d(projection, [pixels, k]));
        return tf.mul(tf.clipByValue(tf.div(z, tf.tensor1d(scales)), -1, 1), Math.PI) as tf.Tensor2D;
      }),
  };
}

export function featurizerFor(config: LabellerConfig, images: Uint8Array, count: number, shape: readonly [number, number, number], seed: number): Featurizer {
  const kind = config.kind === "classical" ? config.matches : config.kind;
  if (kind === "paper") return pixelFeaturizer(shape);
  if (config.encoding === "amplitude") return amplitudeFeaturizer(shape, config.qubits);
  return fitPcaFeaturizer(images, count, shape, config.encoding === "angle" ? config.qubits : 2 * config.qubits, seed);
}

export function bornCircuit(config: LabellerConfig, inputSize: number, classes: number): Circuit {
  const builder = new CircuitBuilder(config.qubits, inputSize);
  if (config.encoding === "amplitude") builder.amplitudeEmbedding({ pad: 0 });
  else if (config.encoding === "angle") builder.angleEmbedding({ rotation: "RY" });
  else builder.denseAngleEmbedding();
  if (config.template === "strongly-entangling") builder.stronglyEntanglingLayers({ layers: config.layers });
  else builder.basicEntanglerLayers({ layers: config.layers, rotation: "RY" });
  const readout = config.mapping === "first-k" ? config.qubits : Math.ceil(Math.log2(classes));
  if (2 ** readout < classes) throw new UsageError(`labels.labeller: ${config.qubits} qubits give ${2 ** config.qubits} basis states, fewer than the ${classes} classes`);
  if (readout > config.qubits) throw new UsageError(`labels.labeller.mapping marginal needs ${readout} wires for ${classes} classes, the labeller has ${config.qubits} qubits`);
  return builder.probs(Array.from({ length: readout }, (_, wire) => wire)).build();
}

/** QPLR's circuit: RY(angle_i) on wire i, then L layers of Rot on every wire and a CZ ring, all probabilities. */
export function paperCircuit(config: LabellerConfig): Circuit {
  return new CircuitBuilder(config.qubits, config.qubits)
    .angleEmbedding({ rotation: "RY" })
    .stronglyEntanglingLayers({ layers: config.layers, imprimitive: "CZ", ranges: Array.from({ length: config.layers }, () => 1) })
    .probs()
    .build();
}

export const PAPER_HIDDEN = 128;

export function mappingDescription(config: LabellerConfig, classes: number): string {
  const kind = config.kind === "classical" ? "classical" : config.kind;
  if (kind === "classical") return `classical dense network (stand-in for the ${config.matches} labeller): softmax of its ${classes} logits`;
  if (kind === "paper") return `QPLR's post-network: all ${2 ** config.qubits} Born probabilities → dense ${PAPER_HIDDEN} ReLU → ${classes} logits → softmax`;
  if (config.mapping === "first-k") return `Born probabilities of all ${config.qubits} wires; basis states 0..${classes - 1} renormalised to sum to 1`;
  const wires = Math.ceil(Math.log2(classes));
  return `Born probabilities of wires 0..${wires - 1} (marginal); states 0..${classes - 1} of those ${2 ** wires} renormalised`;
}

interface Dense {
  weights: tf.Variable;
  bias: tf.Variable;
}

function dense(inputs: number, outputs: number, seed: number, name: string): Dense {
  const init = tf.initializers.glorotUniform({ seed });
  return { weights: tf.variable(init.apply([inputs, outputs]) as tf.Tensor2D, true, `${name}_w`), bias: tf.variable(tf.zeros([outputs]), true, `${name}_b`) };
}

const applyDense = (x: tf.Tensor2D, layer: Dense, relu: boolean): tf.Tensor2D => {
  const y = tf.add(tf.matMul(x, layer.weights as tf.Variable<tf.Rank.R2>), layer.bias) as tf.Tensor2D;
  return relu ? (tf.relu(y) as tf.Tensor2D) : y;
};

export interface ForwardOptions {
  shots?: number;
  seed?: number;
}

export interface Labeller {
  kind: LabellerConfig["kind"];
  parameters: { classical: number; quantum: number; total: number };
  variables: tf.Variable[];
  mapping: string;
  /** Class probabilities [B, K], each row summing to 1. */
  probabilities(features: tf.Tensor2D, options?: ForwardOptions): tf.Tensor2D;
  /** Mean cross-entropy against the true classes. */
  loss(features: tf.Tensor2D, labels: Int32Array, options?: ForwardOptions): tf.Scalar;
  dispose(): void;
}

const count = (variables: tf.Variable[]): number => variables.reduce((sum, variable) => sum + variable.size, 0);

/**
 * First K of `probs` renormalised: (p_k + δ/K) / (Σ p + δ) with δ = 1e-9, so rows with no
 * mass there (possible with shots) become uniform without a branch in the gradient.
 */
export function firstKRenormalised(probs: tf.Tensor2D, classes: number): tf.Tensor2D {
  const delta = 1e-9;
  return tf.tidy(() => {
    const head = tf.slice(probs, [0, 0], [-1, classes]);
    return tf.div(tf.add(head, delta / classes), tf.add(tf.sum(head, 1, true), delta)) as tf.Tensor2D;
  });
}

function paperParameterCount(config: LabellerConfig, inputs: number, classes: number): number {
  const q = config.qubits;
  return inputs * PAPER_HIDDEN + PAPER_HIDDEN + PAPER_HIDDEN * PAPER_HIDDEN + PAPER_HIDDEN + PAPER_HIDDEN * q + q + config.layers * q * 3 + 2 ** q * PAPER_HIDDEN + PAPER_HIDDEN + PAPER_HIDDEN * classes + classes;
}

/** Hidden width h of the classical control, F → h → K, chosen so its parameters come closest to the quantum labeller's. */
export function matchedHiddenWidth(config: LabellerConfig, inputs: number, classes: number): number {
  const target = config.matches === "paper" ? paperParameterCount(config, inputs, classes) : bornCircuit({ ...config, kind: "born" }, inputs, classes).weightCount;
  return Math.max(1, Math.round((target - classes) / (inputs + 1 + classes)));
}

export function buildLabeller(config: LabellerConfig, inputs: number, classes: number, seed: number): Labeller {
  const layerSeed = (name: string): number => deriveSeed(seed, `labeller:${name}`);
  const crossEntropy = (logits: tf.Tensor2D, labels: Int32Array): tf.Scalar =>
    tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, "int32"), classes), tf.logSoftmax(logits)), 1))));

  if (config.kind === "classical") {
    const hidden = config.hidden ?? matchedHiddenWidth(config, inputs, classes);
    const first = dense(inputs, hidden, layerSeed("classical-1"), "classical_1");
    const second = dense(hidden, classes, layerSeed("classical-2"), "classical_2");
    const variables = [first.weights, first.bias, second.weights, second.bias];
    const logits = (x: tf.Tensor2D): tf.Tensor2D => applyDense(applyDense(x, first, true), second, false);
    return {
      kind: "classical",
      parameters: { classical: count(variables), quantum: 0, total: count(variables) },
      variables,
      mapping: mappingDescription(config, classes),
      probabilities: (x) => tf.tidy(() => tf.softmax(logits(x))),
      loss: (x, labels) => tf.tidy(() => crossEntropy(logits(x), labels)),
      dispose: () => tf.dispose(variables),
    };
  }

  const circuit = config.kind === "paper" ? paperCircuit(config) : bornCircuit(config, inputs, classes);
  const circuitWeights = tf.variable(tf.randomUniform([circuit.weightCount], 0, 2 * Math.PI, "float32", layerSeed("circuit")), true, "labeller_circuit");
  let calls = 0;
  const run = (angles: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D =>
    simulate(circuit, angles, circuitWeights as tf.Variable<tf.Rank.R1>, options.shots === undefined ? {} : { shots: options.shots, seed: options.seed ?? deriveSeed(seed, `labeller:shots:${calls++}`) });

  if (config.kind === "born") {
    return {
      kind: "born",
      parameters: { classical: 0, quantum: circuit.weightCount, total: circuit.weightCount },
      variables: [circuitWeights],
      mapping: mappingDescription(config, classes),
      probabilities: (x, options = {}) => tf.tidy(() => firstKRenormalised(run(x, options), classes)),
      loss: (x, labels, options = {}) =>
        tf.tidy(() => {
          const p = firstKRenormalised(run(x, options), classes);
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, "int32"), classes), tf.log(tf.add(p, 1e-7))), 1)));
        }),
      dispose: () => circuitWeights.dispose(),
    };
  }

  const pre = [dense(inputs, PAPER_HIDDEN, layerSeed("pre-1"), "pre_1"), dense(PAPER_HIDDEN, PAPER_HIDDEN, layerSeed("pre-2"), "pre_2"), dense(PAPER_HIDDEN, config.qubits, layerSeed("pre-3"), "pre_3")];
  const post = [dense(2 ** config.qubits, PAPER_HIDDEN, layerSeed("post-1"), "post_1"), dense(PAPER_HIDDEN, classes, layerSeed("post-2"), "post_2")];
  const classicalVariables = [...pre, ...post].flatMap((layer) => [layer.weights, layer.bias]);
  const logits = (x: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D => {
    const angles = applyDense(applyDense(applyDense(x, pre[0], true), pre[1], true), pre[2], false);
    return applyDense(applyDense(run(angles, options), post[0], true), post[1], false);
  };
  return {
    kind: "paper",
    parameters: { classical: count(classicalVariables), quantum: circuit.weightCount, total: count(classicalVariables) + circuit.weightCount },
    variables: [...classicalVariables, circuitWeights],
    mapping: mappingDescription(config, classes),
    probabilities: (x, options = {}) => tf.tidy(() => tf.softmax(logits(x, options))),
    loss: (x, labels, options = {}) => tf.tidy(() => crossEntropy(logits(x, options), labels)),
    dispose: () => tf.dispose([...classicalVariables, circuitWeights]),
  };
}

export interface RefineSettings {
  temperature: number;
  alpha: number;
  confidence?: number | null;
}

/**
 * Soft labels from the labeller's probabilities p (rows of K): q ∝ p^(1/T); with a
 * confidence threshold (M4) a sample whose top-1 probability is below it gets its one-hot
 * label instead; finally q = (1 − alpha)·q + alpha·onehot. Rows sum to 1.
 */
export function refineDistributions(probabilities: Float32Array, labels: Int32Array, classes: number, settings: RefineSettings): Float32Array {
  const out = new Float32Array(probabilities.length);
  const power = 1 / settings.temperature;
  for (let row = 0; row < labels.length; row++) {
    const offset = row * classes;
    let top = 0;
    for (let k = 0; k < classes; k++) top = Math.max(top, probabilities[offset + k]);
    if (settings.confidence != null && top < settings.confidence) {
      out[offset + labels[row]] = 1;
      continue;
    }
    let sum = 0;
    const logTop = Math.log(Math.max(top, 1e-30));
    for (let k = 0; k < classes; k++) {
      // Scaled by the top probability first so small T cannot underflow every entry.
      const value = Math.exp(power * (Math.log(Math.max(probabilities[offset + k], 1e-30)) - logTop));
      out[offset + k] = value;
      sum += value;
    }
    for (let k = 0; k < classes; k++) out[offset + k] = (1 - settings.alpha) * (out[offset + k] / sum) + (k === labels[row] ? settings.alpha : 0);
  }
  return out;
}

export interface LabellerTraining {
  labeller: Labeller;
  featurizer: Featurizer;
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  pixels: number;
  config: LabellerConfig;
  seed: number;
  log: (line: string) => void;
}

function gather(images: Uint8Array, rows: ArrayLike<number>, pixels: number): Uint8Array {
  const out = new Uint8Array(rows.length * pixels);
  for (let index = 0; index < rows.length; index++) out.set(images.subarray(rows[index] * pixels, (rows[index] + 1) * pixels), index * pixels);
  return out;
}

/** Adam on the one-hot cross-entropy, a seeded shuffle per epoch; returns each epoch's mean loss and accuracy. */
export function trainLabeller(options: LabellerTraining): { loss: number; accuracy: number; seconds: number }[] {
  const { labeller, featurizer, images, labels, count: total, pixels, config, seed } = options;
  const optimizer = tf.train.adam(config.learningRate);
  const history: { loss: number; accuracy: number; seconds: number }[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const start = performance.now();
    const order = new Random(deriveSeed(seed, `labeller:epoch:${epoch}`)).permutation(total);
    let lossSum = 0;
    let correct = 0;
    for (let begin = 0; begin < total; begin += config.batchSize) {
      const rows = order.subarray(begin, Math.min(total, begin + config.batchSize));
      const batchLabels = Int32Array.from(rows, (row) => labels[row]);
      const x = featurizer.features(gather(images, rows, pixels), rows.length);
      const shotSeed = deriveSeed(seed, `labeller:train-shots:${epoch}:${begin}`);
      const loss = optimizer.minimize(() => labeller.loss(x, batchLabels, { shots: config.shots ?? undefined, seed: shotSeed }), true, labeller.variables);
      lossSum += (loss?.dataSync()[0] ?? 0) * rows.length;
      loss?.dispose();
      const predicted = tf.tidy(() => tf.argMax(labeller.probabilities(x, {}), 1).dataSync());
      for (let index = 0; index < rows.length; index++) if (predicted[index] === batchLabels[index]) correct++;
      x.dispose();
    }
    const seconds = (performance.now() - start) / 1000;
    history.push({ loss: lossSum / total, accuracy: correct / total, seconds });
    options.log(`labeller epoch ${epoch + 1}/${config.epochs}: loss ${(lossSum / total).toFixed(4)}, training accuracy ${((100 * correct) / total).toFixed(2)}% (after each step), ${(total / seconds).toFixed(0)} images/s`);
  }
  optimizer.dispose();
  return history;
}

/** The labeller's class probabilities for every image, in chunks; shots seeded per chunk. */
export function labelImages(labeller: Labeller, featurizer: Featurizer, images: Uint8Array, total: number, pixels: number, classes: number, options: { shots?: number | null; seed: number; chunk?: number }): Float32Array {
  const out = new Float32Array(total * classes);
  const chunk = options.chunk ?? 500;
  for (let begin = 0; begin < total; begin += chunk) {
    const size = Math.min(chunk, total - begin);
    const values = tf.tidy(() => {
      const x = featurizer.features(images.subarray(begin * pixels, (begin + size) * pixels), size);
      return labeller.probabilities(x, { shots: options.shots ?? undefined, seed: deriveSeed(options.seed, `labeller:label:${begin}`) }).dataSync() as Float32Array;
    });
    out.set(values, begin * classes);
  }
  return out;
}
