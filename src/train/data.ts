// SPDX-License-Identifier: MIT
/**
 * @module train/data
 * The trainer's view of a dataset: uint8 images split into train / validation / test,
 * with each training image's index in the dataset's training split kept (soft-label files
 * are indexed by it). The validation split is a seeded random subset of the training split,
 * the same for every run with the same seed, limit and fraction.
 */
import { loadInMemory } from "../data/index.js";
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
  const dataset = await loadInMemory(data.name, { root: data.root, coarseLabels: data.coarseLabels });
  const [height, width, channels] = dataset.imageShape;
  const pixels = height * width * channels;
  const train = dataset.splits.train;
  const test = dataset.splits.test;
  if (train === undefined || test === undefined) throw new UsageError(`${data.name}: the dataset has no train and test splits`);
  const available = Math.min(train.count, limit ?? data.limit ?? train.count);
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
