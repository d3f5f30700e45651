// SPDX-License-Identifier: MIT
/**
 * @module data/memory
 * Split readers over images already in memory (the IDX and binary datasets, which are small
 * enough to hold as uint8: MNIST 55 MB, CIFAR-100 184 MB, STL-10 train+test 360 MB).
 */
import type { Batch, ImageShape, SplitReader } from "./types.js";
import { imageBytes } from "./types.js";

export function memorySplit(name: string, images: Uint8Array, labels: Int32Array, shape: ImageShape): SplitReader {
  const size = imageBytes(shape);
  if (images.length !== labels.length * size) {
    throw new Error(`split ${name}: ${images.length} image bytes for ${labels.length} labels of ${size} bytes`);
  }
  return {
    name,
    count: labels.length,
    labels,
    async read(indices: ArrayLike<number>): Promise<Batch> {
      // Reading the whole split in order (loadInMemory) shares the bytes instead of copying.
      if (isIdentity(indices, labels.length)) {
        return { images, labels, indices: Int32Array.from(indices), count: labels.length, shape };
      }
      return gatherBatch(images, labels, shape, indices);
    },
  };
}

/** Copies the rows `indices` of an in-memory split into one batch. */
export function gatherBatch(images: Uint8Array, labels: Int32Array, shape: ImageShape, indices: ArrayLike<number>): Batch {
  const size = imageBytes(shape);
  const count = indices.length;
  const batch = new Uint8Array(count * size);
  const batchLabels = new Int32Array(count);
  const batchIndices = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const index = indices[row];
    if (!Number.isInteger(index) || index < 0 || index >= labels.length) {
      throw new RangeError(`index ${index} is outside the split of ${labels.length} images`);
    }
    batch.set(images.subarray(index * size, (index + 1) * size), row * size);
    batchLabels[row] = labels[index];
    batchIndices[row] = index;
  }
  return { images: batch, labels: batchLabels, indices: batchIndices, count, shape };
}

function isIdentity(indices: ArrayLike<number>, count: number): boolean {
  if (indices.length !== count) return false;
  for (let index = 0; index < count; index++) if (indices[index] !== index) return false;
  return true;
}

/**
 * Planar (R plane, G plane, B plane) image at `source[sourceOffset…]` into HWC at
 * `target[targetOffset…]`. `columnMajor`: each plane stores columns (STL-10), else rows
 * (CIFAR).
 */
export function planarToInterleaved(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  shape: ImageShape,
  columnMajor: boolean,
): void {
  const [height, width, channels] = shape;
  const plane = height * width;
  for (let channel = 0; channel < channels; channel++) {
    const planeStart = sourceOffset + channel * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = planeStart + (columnMajor ? x * height + y : y * width + x);
        target[targetOffset + (y * width + x) * channels + channel] = source[from];
      }
    }
  }
}
