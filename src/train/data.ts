// SPDX-License-Identifier: MIT
/**
 * @module train/data
 * The trainer's view of a dataset: uint8 images split into train / validation / test,
 * with each training image's index in the dataset's training split kept (soft-label files
 * are indexed by it). The validation split is a seeded random subset of the training split,
 * the same for every run with the same seed, limit and fraction. Resizing, cropping and
 * augmentation (src/data/augment.ts) turn it into the batches the model trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { imageBatch } from "../backend/train-step.js";
import { augmentBatch, augmentedShape, augmentOptionsFromConfig, loadInMemory, openOptionsFromConfig, type AugmentOptions } from "../data/index.js";
import type { DataConfig } from "../data/schema.js";
import { UsageError } from "../errors.js";
import { deriveSeed, Random } from "../random.js";

export interface ImageSet {
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  /** Each image's index in the dataset's own split (for soft labels). */
  sourceIndices: Int32Array;
}

export interface TrainingData {
  name: string;
  classNames: string[];
  imageShape: [number, number, number];
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

function subset(images: Uint8Array, labels: Int32Array, indices: Int32Array, pixels: number): ImageSet {
  const out = new Uint8Array(indices.length * pixels);
  const outLabels = new Int32Array(indices.length);
  indices.forEach((source, row) => {
    out.set(images.subarray(source * pixels, (source + 1) * pixels), row * pixels);
    outLabels[row] = labels[source];
  });
  return { images: out, labels: outLabels, count: indices.length, sourceIndices: Int32Array.from(indices) };
}

export async function prepareTrainingData(data: DataConfig, seed: number, limit?: number): Promise<TrainingData> {
  const dataset = await loadInMemory(data.name, openOptionsFromConfig(data, seed));
  const [height, width, channels] = dataset.imageShape;
  const pixels = height * width * channels;
  const train = dataset.splits.train;
  const test = dataset.splits.test;
  if (train === undefined || test === undefined) throw new UsageError(`${data.name}: the dataset has no train and test splits`);
  const available = Math.min(train.count, limit ?? data.limit ?? train.count);
  const own = dataset.splits.validation;
  if (own !== undefined) {
    // The dataset's own split (VMMRdb's manifest) wins over carving one out of train.
    const all = (count: number): Int32Array => Int32Array.from({ length: count }, (_, index) => index);
    return {
      name: dataset.name,
      classNames: dataset.classNames,
      imageShape: [height, width, channels],
      train: subset(train.images, train.labels, all(available), pixels),
      validation: { ...own, sourceIndices: all(own.count) },
      test: { ...test, sourceIndices: all(test.count) },
    };
  }
  const order = new Random(deriveSeed(seed, "validation-split")).permutation(train.count).subarray(0, available);
  const validationCount = Math.floor(available * data.validationFraction);
  if (available - validationCount < 1) throw new UsageError(`data.limit ${available} leaves no training images after the validation split`);
  const validationIndices = Int32Array.from(order.subarray(0, validationCount)).sort();
  const trainIndices = Int32Array.from(order.subarray(validationCount)).sort();
  const all = (count: number): Int32Array => Int32Array.from({ length: count }, (_, index) => index);
  return {
    name: dataset.name,
    classNames: dataset.classNames,
    imageShape: [height, width, channels],
    train: subset(train.images, train.labels, trainIndices, pixels),
    validation: subset(train.images, train.labels, validationIndices, pixels),
    test: { images: test.images, labels: test.labels, count: test.count, sourceIndices: all(test.count) },
  };
}

/** Processes a set in chunks through augmentBatch (evaluation mode) back to uint8. */
function transformSet(set: ImageSet, shape: [number, number, number], options: AugmentOptions): { set: ImageSet; shape: [number, number, number] } {
  const outShape = augmentedShape(shape, options) as [number, number, number];
  const inSize = shape[0] * shape[1] * shape[2];
  const outSize = outShape[0] * outShape[1] * outShape[2];
  const images = new Uint8Array(set.count * outSize);
  const chunk = 256;
  for (let start = 0; start < set.count; start += chunk) {
    const count = Math.min(chunk, set.count - start);
    const batch = augmentBatch({ images: set.images.subarray(start * inSize, (start + count) * inSize), count, shape }, options, { training: false });
    for (let index = 0; index < batch.data.length; index++) images[start * outSize + index] = Math.round(Math.min(1, Math.max(0, batch.data[index])) * 255);
  }
  return { set: { ...set, images }, shape: outShape };
}

export interface BatchSource {
  /** The images the model sees: after resize and crop. */
  imageShape: [number, number, number];
  /** A training batch of these rows of `data.train`, augmented with this seed; float32 [0, 1]. */
  trainingBatch(rows: ArrayLike<number>, seed: number): tf.Tensor4D;
}

/**
 * Applies `data.resize` once to every split (so no batch resizes again), the evaluation
 * centre crop once to validation and test, and returns the per-batch training pipeline:
 * random crop, flip, rotation and colour jitter when configured (normalisation is the
 * model's first layer, so attacks work on [0, 1] pixels).
 */
export function prepareBatches(data: TrainingData, config: DataConfig): { data: TrainingData; batches: BatchSource } {
  const options = augmentOptionsFromConfig(config, { includeNormalize: false });
  let prepared = data;
  let shape = data.imageShape;
  if (options.resize && (options.resize[0] !== shape[0] || options.resize[1] !== shape[1])) {
    const resize = { resize: options.resize };
    const train = transformSet(data.train, shape, resize);
    prepared = { ...data, train: train.set, validation: transformSet(data.validation, shape, resize).set, test: transformSet(data.test, shape, resize).set, imageShape: train.shape };
    shape = train.shape;
  }
  const trainShape = shape;
  if (options.crop !== undefined) {
    const crop = { crop: options.crop };
    const test = transformSet(prepared.test, shape, crop);
    prepared = { ...prepared, validation: transformSet(prepared.validation, shape, crop).set, test: test.set, imageShape: test.shape };
  }
  const augmenting = options.crop !== undefined || options.flip || (options.rotation ?? 0) > 0 || options.colorJitter !== undefined;
  const perBatch: AugmentOptions = { crop: options.crop, flip: options.flip, rotation: options.rotation, colorJitter: options.colorJitter };
  const train = prepared.train;
  const pixels = trainShape[0] * trainShape[1] * trainShape[2];
  return {
    data: prepared,
    batches: {
      imageShape: prepared.imageShape,
      trainingBatch(rows, seed) {
        if (!augmenting) return imageBatch(train.images, rows, trainShape);
        const gathered = new Uint8Array(rows.length * pixels);
        for (let index = 0; index < rows.length; index++) gathered.set(train.images.subarray(rows[index] * pixels, (rows[index] + 1) * pixels), index * pixels);
        const batch = augmentBatch({ images: gathered, count: rows.length, shape: trainShape }, perBatch, { training: true, seed });
        return tf.tensor4d(batch.data, batch.shape);
      },
    },
  };
}
