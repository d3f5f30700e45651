// SPDX-License-Identifier: MIT
/**
 * @module eval/perturb
 * Test-time perturbations of image batches: tfjs Tensor4D, NHWC, pixels on the [0,1] scale
 * (normalisation, if any, belongs inside the model, so budgets here are in pixel units as
 * in the literature). Every function returns a new tensor and disposes its intermediates;
 * the caller owns (and disposes) both input and output.
 *
 * - Gaussian noise: x' = clip(x + σ·n, 0, 1), n ~ N(0,1) from tfjs's seeded generator.
 * - Rotation: bilinear, about the image centre ((W−1)/2, (H−1)/2), zero fill, positive
 *   degrees turn the picture counter-clockwise as displayed (90° = np.rot90). Written as a
 *   matMul with the interpolation matrix (small images) or one gather (large ones) because
 *   tf.image.rotateWithOffset is nearest-neighbour, centres on W/2, and has no gradient.
 * - FGSM (Goodfellow et al. 2015): x' = clip(x + ε·sign ∇ₓ L(f(x), y), 0, 1), L the summed
 *   softmax cross-entropy of the logits `predict` returns (the sign does not depend on the
 *   reduction; summing keeps small per-sample gradients from underflowing).
 * - PGD, L∞ (Madry et al. 2018): x₀ = clip(x + U(−ε, ε), 0, 1) (random start), then
 *   `steps` times x ← clip(Π_ε(x + α·sign ∇ₓ L), 0, 1), Π_ε the projection on the ε-ball
 *   around the clean x. `MADRY_MNIST_PGD` is the MNIST preset ε = 0.3, 40 steps, α = 0.01.
 *   Gradients flow through whatever `predict` does (a quantum layer included); putting
 *   the model in evaluation mode is the caller's job.
 * - Corruptions, MNIST-C style (Mu & Gilmer 2019), severities 1–5; see CORRUPTIONS.
 */
import * as tf from "@tensorflow/tfjs";
import { Random } from "../random.js";

/** Logits of a batch: what a model's forward pass in evaluation mode returns. */
export type Predict = (images: tf.Tensor4D) => tf.Tensor2D;

/** Labels as an Int32Array or an int32 Tensor1D of the batch size. */
export type BatchLabels = Int32Array | tf.Tensor1D;

function assertSeed(seed: number): void {
  // tfjs treats seed 0 (and any falsy seed) as "unseeded" (tfjs-core/src/ops/rand_util.ts).
  if (!Number.isInteger(seed) || seed === 0) throw new RangeError(`perturbation seed must be a non-zero integer, got ${seed}`);
}

export function gaussianNoise(images: tf.Tensor4D, sigma: number, seed: number): tf.Tensor4D {
  if (!(sigma >= 0)) throw new RangeError(`noise σ must be ≥ 0, got ${sigma}`);
  assertSeed(seed);
  if (sigma === 0) return images.clone();
  return tf.tidy(() => tf.clipByValue(tf.add(images, tf.randomNormal(images.shape, 0, sigma, "float32", seed)), 0, 1));
}

interface RotationTable {
  /** 4·H·W source indices into the flattened H·W image, H·W meaning "outside" (zero). */
  indices: Int32Array;
  /** Matching bilinear weights. */
  weights: Float32Array;
}

/** Source pixels and weights of a bilinear rotation by `degrees` (see module note). */
export function rotationTable(height: number, width: number, degrees: number): RotationTable {
  const theta = (degrees * Math.PI) / 180;
  // Snap exact multiples of 90° so that cos/sin are exactly 0 and ±1.
  const snap = (v: number): number => (Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v);
  const cos = snap(Math.cos(theta));
  const sin = snap(Math.sin(theta));
  const centreY = (height - 1) / 2;
  const centreX = (width - 1) / 2;
  const size = height * width;
  const indices = new Int32Array(4 * size).fill(size);
  const weights = new Float32Array(4 * size);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const dx = col - centreX;
      const dy = row - centreY;
      const sourceX = centreX + dx * cos - dy * sin;
      const sourceY = centreY + dx * sin + dy * cos;
      const x0 = Math.floor(sourceX);
      const y0 = Math.floor(sourceY);
      const fx = sourceX - x0;
      const fy = sourceY - y0;
      const out = row * width + col;
      const corners: [number, number, number][] = [
        [y0, x0, (1 - fy) * (1 - fx)],
        [y0, x0 + 1, (1 - fy) * fx],
        [y0 + 1, x0, fy * (1 - fx)],
        [y0 + 1, x0 + 1, fy * fx],
      ];
      corners.forEach(([y, x, weight], corner) => {
        if (y < 0 || y >= height || x < 0 || x >= width || weight === 0) return;
        indices[corner * size + out] = y * width + x;
        weights[corner * size + out] = weight;
      });
    }
  }
  return { indices, weights };
}

/** Tables by "HxW@degrees": an evaluation rotates every batch by the same few angles. */
const ROTATION_TABLES = new Map<string, { table: RotationTable; dense?: Float32Array }>();

/**
 * Images up to this many pixels rotate as one matMul with the dense (H·W)² interpolation
 * matrix (≤ 4 MiB): on wasm that is ~3× faster than the gather, which is used above it.
 */
export const DENSE_ROTATION_MAX_PIXELS = 1024;

/** The table as a dense matrix, transposed: entry [source, output] holds the weight. */
function denseRotation(table: RotationTable, size: number): Float32Array {
  const matrix = new Float32Array(size * size);
  for (let corner = 0; corner < 4; corner++) {
    for (let out = 0; out < size; out++) {
      const source = table.indices[corner * size + out];
      if (source < size) matrix[source * size + out] += table.weights[corner * size + out];
    }
  }
  return matrix;
}

export function rotate(images: tf.Tensor4D, degrees: number): tf.Tensor4D {
  const [count, height, width, channels] = images.shape;
  if (degrees % 360 === 0) return images.clone();
  const size = height * width;
  const key = `${height}x${width}@${degrees}`;
  let cached = ROTATION_TABLES.get(key);
  if (cached === undefined) {
    const table = rotationTable(height, width, degrees);
    cached = { table, dense: size <= DENSE_ROTATION_MAX_PIXELS ? denseRotation(table, size) : undefined };
    if (ROTATION_TABLES.size >= 64) ROTATION_TABLES.delete(ROTATION_TABLES.keys().next().value!);
    ROTATION_TABLES.set(key, cached);
  }
  const { table, dense } = cached;
  return tf.tidy(() => {
    if (dense !== undefined) {
      // [N, H, W, C] → [N·C, H·W] rows, times the [source, output] matrix, and back.
      const rows = channels === 1 ? tf.reshape(images, [count, size]) : tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [count * channels, size]);
      const turned = tf.matMul(rows, tf.tensor2d(dense, [size, size]));
      return (channels === 1
        ? tf.reshape(turned, [count, height, width, 1])
        : tf.transpose(tf.reshape(turned, [count, channels, height, width]), [0, 2, 3, 1])) as tf.Tensor4D;
    }
    const flat = tf.reshape(images, [count, size, channels]);
    const padded = tf.concat([flat, tf.zeros([count, 1, channels])], 1);
    const gathered = tf.reshape(tf.gather(padded, tf.tensor1d(table.indices, "int32"), 1), [count, 4, size, channels]);
    const mixed = tf.sum(tf.mul(gathered, tf.tensor4d(table.weights, [1, 4, size, 1])), 1);
    return tf.reshape(mixed, [count, height, width, channels]) as tf.Tensor4D;
  });
}

function labelTensor(labels: BatchLabels): tf.Tensor1D {
  return labels instanceof Int32Array ? tf.tensor1d(labels, "int32") : labels;
}

/** ∇ₓ of the summed softmax cross-entropy of predict(x) against the labels. */
export function inputGradient(predict: Predict, images: tf.Tensor4D, labels: BatchLabels): tf.Tensor4D {
  return tf.tidy(() => {
    const target = labelTensor(labels);
    const loss = (input: tf.Tensor): tf.Scalar => {
      const logits = predict(input as tf.Tensor4D);
      return tf.neg(tf.sum(tf.mul(tf.oneHot(target, logits.shape[1]), tf.logSoftmax(logits)))) as tf.Scalar;
    };
    return tf.grad(loss)(images) as tf.Tensor4D;
  });
}

export function fgsm(predict: Predict, images: tf.Tensor4D, labels: BatchLabels, epsilon: number): tf.Tensor4D {
  if (!(epsilon >= 0)) throw new RangeError(`FGSM ε must be ≥ 0, got ${epsilon}`);
  if (epsilon === 0) return images.clone();
  return tf.tidy(() => {
    const gradient = inputGradient(predict, images, labels);
    return tf.clipByValue(tf.add(images, tf.mul(tf.sign(gradient), epsilon)), 0, 1);
  });
}

export interface PgdOptions {
  /** L∞ budget on the [0,1] scale. */
  epsilon: number;
  steps: number;
  /** Step size α. */
  stepSize: number;
  /** Start from a uniform point of the ε-ball (Madry et al.); default true. */
  randomStart?: boolean;
  /** Non-zero seed of the random start. */
  seed: number;
}

/** Madry et al. (2018) MNIST PGD: ε = 0.3, 40 steps of α = 0.01, random start. */
export const MADRY_MNIST_PGD = { epsilon: 0.3, steps: 40, stepSize: 0.01 } as const;

export function pgd(predict: Predict, images: tf.Tensor4D, labels: BatchLabels, options: PgdOptions): tf.Tensor4D {
  const { epsilon, steps, stepSize, randomStart = true, seed } = options;
  if (!(epsilon >= 0) || !(stepSize > 0) || !Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`PGD needs ε ≥ 0, α > 0 and whole steps ≥ 0, got ε=${epsilon}, α=${stepSize}, steps=${steps}`);
  }
  assertSeed(seed);
  const target = labels instanceof Int32Array ? tf.tensor1d(labels, "int32") : labels;
  const lower = tf.tidy(() => tf.maximum(tf.sub(images, epsilon), 0));
  const upper = tf.tidy(() => tf.minimum(tf.add(images, epsilon), 1));
  let adversarial: tf.Tensor4D = randomStart
    ? tf.tidy(() => tf.clipByValue(tf.add(images, tf.randomUniform(images.shape, -epsilon, epsilon, "float32", seed)), 0, 1))
    : images.clone();
  for (let step = 0; step < steps; step++) {
    const next = tf.tidy(() => {
      const gradient = inputGradient(predict, adversarial, target);
      // Clipping to [max(x−ε,0), min(x+ε,1)] is the projection on the ε-ball and [0,1] at once.
      return tf.minimum(tf.maximum(tf.add(adversarial, tf.mul(tf.sign(gradient), stepSize)), lower), upper) as tf.Tensor4D;
    });
    adversarial.dispose();
    adversarial = next;
  }
  lower.dispose();
  upper.dispose();
  if (target !== labels) target.dispose();
  return adversarial;
}

/* ------------------------------------------------------------------------------------ */
/* Corruptions                                                                          */
/* ------------------------------------------------------------------------------------ */

/** One image as float32 H×W×C on [0,1], edited in place. */
interface ImageView {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

interface Corruption {
  /** What it does, with the formula and the severity table (for the README and report). */
  description: string;
  /** MNIST-C's fixed severity for this corruption (the default of corruptions.py). */
  mnistCSeverity: number;
  apply(image: ImageView, severity: number, random: Random): void;
}

const SHOT_PHOTONS = [60, 25, 12, 5, 3];
const IMPULSE_AMOUNT = [0.03, 0.06, 0.09, 0.17, 0.27];
const MOTION_SIGMA = [1, 1.5, 2, 2.5, 3];
const FOG = [
  [1.5, 2],
  [2, 2],
  [2.5, 1.7],
  [2.5, 1.5],
  [3, 1.4],
];
const ZIGZAG_LINES = [1, 2, 3, 4, 5];

/** Poisson(λ) by inversion (exact; λ ≤ 60 here, so e^−λ does not underflow). */
function poisson(lambda: number, random: Random): number {
  if (lambda <= 0) return 0;
  const u = random.uniform();
  let k = 0;
  let p = Math.exp(-lambda);
  let cumulative = p;
  while (u > cumulative && k < 10_000) {
    k++;
    p *= lambda / k;
    cumulative += p;
    if (p === 0) break;
  }
  return k;
}

/** Bilinear sample of channel c at (y, x), zero outside (hot path: no allocation). */
function sample(image: ImageView, source: Float32Array, y: number, x: number, c: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const { height, width, channels } = image;
  const inTop = y0 >= 0 && y0 < height;
  const inBottom = y0 + 1 >= 0 && y0 + 1 < height;
  const inLeft = x0 >= 0 && x0 < width;
  const inRight = x0 + 1 >= 0 && x0 + 1 < width;
  const topRow = y0 * width;
  const bottomRow = topRow + width;
  const topLeft = inTop && inLeft ? source[(topRow + x0) * channels + c] : 0;
  const topRight = inTop && inRight ? source[(topRow + x0 + 1) * channels + c] : 0;
  const bottomLeft = inBottom && inLeft ? source[(bottomRow + x0) * channels + c] : 0;
  const bottomRight = inBottom && inRight ? source[(bottomRow + x0 + 1) * channels + c] : 0;
  return (1 - fy) * ((1 - fx) * topLeft + fx * topRight) + fy * ((1 - fx) * bottomLeft + fx * bottomRight);
}

/** Diamond–square height map on a 2^n grid, rescaled to [0,1] (the fog of ImageNet-C/MNIST-C). */
export function plasmaFractal(size: number, decay: number, random: Random): Float64Array {
  const map = new Float64Array(size * size);
  const at = (r: number, c: number): number => map[(((r % size) + size) % size) * size + (((c % size) + size) % size)];
  let step = size;
  let wibble = 100;
  const jitter = (): number => wibble * (2 * random.uniform() - 1) * wibble;
  while (step >= 2) {
    const half = step / 2;
    for (let r = 0; r < size; r += step) {
      for (let c = 0; c < size; c += step) {
        map[(r + half) * size + c + half] = (at(r, c) + at(r + step, c) + at(r, c + step) + at(r + step, c + step)) / 4 + jitter();
      }
    }
    for (let r = 0; r < size; r += half) {
      for (let c = (r / half) % 2 === 0 ? half : 0; c < size; c += step) {
        map[r * size + c] = (at(r - half, c) + at(r + half, c) + at(r, c - half) + at(r, c + half)) / 4 + jitter();
      }
    }
    step = half;
    wibble /= decay;
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  for (let i = 0; i < map.length; i++) map[i] = max > min ? (map[i] - min) / (max - min) : 0;
  return map;
}

/** MNIST-C's line profile at distance d from a stroke: max(0, 1 + ln(1 − d/2.3)). */
function strokeIntensity(distance: number): number {
  return distance >= 2.3 ? 0 : Math.max(0, 1 + Math.log(1 - distance / 2.3));
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const length2 = vx * vx + vy * vy;
  const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * vx + (py - ay) * vy) / length2));
  return Math.hypot(px - ax - t * vx, py - ay - t * vy);
}

export const CORRUPTIONS = {
  shot_noise: {
    description:
      "Poisson (shot) noise: x' = clip(Poisson(c·x)/c, 0, 1) per pixel, c = 60, 25, 12, 5, 3 photons for severity 1–5 (MNIST-C uses 5).",
    mnistCSeverity: 5,
    apply(image, severity, random) {
      const c = SHOT_PHOTONS[severity - 1];
      for (let i = 0; i < image.data.length; i++) image.data[i] = Math.min(1, poisson(image.data[i] * c, random) / c);
    },
  },
  impulse_noise: {
    description:
      "Salt-and-pepper noise: each pixel value is replaced with probability a (half by 0, half by 1), a = .03, .06, .09, .17, .27 (MNIST-C uses 4).",
    mnistCSeverity: 4,
    apply(image, severity, random) {
      const amount = IMPULSE_AMOUNT[severity - 1];
      for (let i = 0; i < image.data.length; i++) {
        if (random.uniform() < amount) image.data[i] = random.uniform() < 0.5 ? 0 : 1;
      }
    },
  },
  motion_blur: {
    description:
      "Motion blur: x'(p) = Σ_{j=0..⌈3s⌉} w_j x(p + j·u) / Σ w_j, w_j = exp(−j²/2s²), u a unit vector at an angle drawn uniformly in [−45°, 45°] per image, bilinear, zero outside; s = 1, 1.5, 2, 2.5, 3 px (a one-sided Gaussian streak like ImageMagick's MotionBlur used by MNIST-C; MNIST-C uses 1).",
    mnistCSeverity: 1,
    apply(image, severity, random) {
      const s = MOTION_SIGMA[severity - 1];
      const angle = ((2 * random.uniform() - 1) * Math.PI) / 4;
      const ux = Math.cos(angle);
      const uy = Math.sin(angle);
      const taps = Math.ceil(3 * s);
      const weights = Array.from({ length: taps + 1 }, (_, j) => Math.exp(-(j * j) / (2 * s * s)));
      const total = weights.reduce((a, b) => a + b, 0);
      const source = image.data.slice();
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          for (let c = 0; c < image.channels; c++) {
            let value = 0;
            for (let j = 0; j <= taps; j++) value += weights[j] * sample(image, source, y + j * uy, x + j * ux, c);
            image.data[(y * image.width + x) * image.channels + c] = Math.min(1, value / total);
          }
        }
      }
    },
  },
  fog: {
    description:
      "Fog: x' = clip((x + t·F)·m/(m + t), 0, 1), F a diamond–square plasma fractal on [0,1] with roughness decay d, m the image maximum; (t, d) = (1.5, 2), (2, 2), (2.5, 1.7), (2.5, 1.5), (3, 1.4) (MNIST-C uses 5).",
    mnistCSeverity: 5,
    apply(image, severity, random) {
      const [thickness, decay] = FOG[severity - 1];
      let size = 2;
      while (size < Math.max(image.height, image.width)) size *= 2;
      const fractal = plasmaFractal(size, decay, random);
      let max = 0;
      for (const v of image.data) max = Math.max(max, v);
      const scale = max / (max + thickness);
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          for (let c = 0; c < image.channels; c++) {
            const i = (y * image.width + x) * image.channels + c;
            image.data[i] = Math.min(1, Math.max(0, (image.data[i] + thickness * fractal[y * size + x]) * scale));
          }
        }
      }
    },
  },
  zigzag: {
    description:
      "Zigzag lines: n = 1–5 zigzag strokes (MNIST-C draws 1), each from column 2 to W−3 at a random row r₀ drifting to r₀ + U{−5..4}, teeth 2 px long and 2 px high, drawn with MNIST-C's line profile max(0, 1 + ln(1 − d/2.3)) of the distance d to the stroke, added and clipped to [0,1].",
    mnistCSeverity: 1,
    apply(image, severity, random) {
      const stroke = new Float64Array(image.height * image.width);
      for (let line = 0; line < ZIGZAG_LINES[severity - 1]; line++) {
        const c0 = 2;
        const c1 = image.width - 3;
        const r0 = random.integer(image.height - 1);
        const r1 = r0 + random.integer(10) - 5;
        const theta = Math.atan2(r1 - r0, c1 - c0);
        const length = Math.hypot(c1 - c0, r1 - r0);
        // Vertices along the unrotated stroke: (0,0), (2,±2) alternating every 2 px, then the end.
        const points: [number, number][] = [[0, 0]];
        for (let i = 0; (2 * i + 1) * 2 < length; i++) points.push([(2 * i + 1) * 2, i % 2 === 0 ? 2 : -2]);
        points.push([length, 0]);
        const placed = points.map(([u, v]): [number, number] => [c0 + u * Math.cos(theta) - v * Math.sin(theta), r0 + u * Math.sin(theta) + v * Math.cos(theta)]);
        // The profile is 0 beyond 2.3 px, so each segment only touches its padded bounding box.
        for (let k = 1; k < placed.length; k++) {
          const [ax, ay] = placed[k - 1];
          const [bx, by] = placed[k];
          const top = Math.max(0, Math.floor(Math.min(ay, by) - 2.3));
          const bottom = Math.min(image.height - 1, Math.ceil(Math.max(ay, by) + 2.3));
          const left = Math.max(0, Math.floor(Math.min(ax, bx) - 2.3));
          const right = Math.min(image.width - 1, Math.ceil(Math.max(ax, bx) + 2.3));
          for (let y = top; y <= bottom; y++) {
            for (let x = left; x <= right; x++) {
              const intensity = strokeIntensity(distanceToSegment(x, y, ax, ay, bx, by));
              if (intensity > stroke[y * image.width + x]) stroke[y * image.width + x] = intensity;
            }
          }
        }
      }
      for (let i = 0; i < image.data.length; i++) image.data[i] = Math.min(1, image.data[i] + stroke[Math.floor(i / image.channels)]);
    },
  },
} satisfies Record<string, Corruption>;

export type CorruptionName = keyof typeof CORRUPTIONS;
export const CORRUPTION_NAMES = Object.keys(CORRUPTIONS) as CorruptionName[];

/** Applies a corruption image by image (on the CPU: none needs gradients), seeded. */
export function corrupt(images: tf.Tensor4D, name: CorruptionName, severity: number, seed: number): tf.Tensor4D {
  const corruption: Corruption | undefined = CORRUPTIONS[name];
  if (corruption === undefined) throw new RangeError(`unknown corruption ${name}; expected one of ${CORRUPTION_NAMES.join(", ")}`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new RangeError(`corruption severity must be 1–5, got ${severity}`);
  assertSeed(seed);
  const [count, height, width, channels] = images.shape;
  const data = Float32Array.from(images.dataSync());
  const random = new Random(seed);
  const size = height * width * channels;
  for (let n = 0; n < count; n++) {
    corruption.apply({ data: data.subarray(n * size, (n + 1) * size), height, width, channels }, severity, random);
  }
  return tf.tensor4d(data, [count, height, width, channels]);
}
