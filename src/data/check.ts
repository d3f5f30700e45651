// SPDX-License-Identifier: MIT
/**
 * @module data/check
 * `qhybrid datasets check`: reads every image of every split (streamed, so memory stays
 * bounded) and reports counts per split and class, the image shape, per-channel mean and
 * standard deviation over [0, 255], the SHA-256 of each split's first image, and files that
 * could not be read.
 */
import { createHash } from "node:crypto";
import { locate } from "./registry.js";
import type { OpenOptions } from "./loader.js";
import type { SearchOptions } from "./locate.js";
import type { DatasetName } from "./schema.js";
import { streamBatches } from "./stream.js";
import type { ImageShape } from "./types.js";

export interface SplitCheck {
  count: number;
  /** Images actually read (count minus unreadable). */
  read: number;
  perClass: Record<string, number>;
  mean: number[];
  std: number[];
  firstImageSha256: string | null;
}

export interface DatasetCheck {
  name: DatasetName;
  root: string;
  imageShape: ImageShape;
  classCount: number;
  splits: Record<string, SplitCheck>;
  unreadable: { count: number; files: string[] };
  notes: string[];
}

export async function checkDataset(
  name: DatasetName,
  options: SearchOptions & OpenOptions & { onProgress?: (split: string, done: number, total: number) => void } = {},
): Promise<DatasetCheck> {
  const dataset = await (await locate(name, options)).open(options);
  try {
    const channels = dataset.imageShape[2];
    const splits: Record<string, SplitCheck> = {};
    for (const [splitName, reader] of Object.entries(dataset.splits)) {
      const perClass: Record<string, number> = {};
      const sum = new Float64Array(channels);
      const sumSquares = new Float64Array(channels);
      let read = 0;
      let firstImageSha256: string | null = null;
      for await (const batch of streamBatches(reader, { batchSize: 256, prefetch: 1 })) {
        if (firstImageSha256 === null && batch.count > 0 && batch.indices[0] === 0) {
          const size = batch.images.length / batch.count;
          firstImageSha256 = createHash("sha256").update(batch.images.subarray(0, size)).digest("hex");
        }
        for (const label of batch.labels) {
          const key = label < 0 ? "(unlabeled)" : dataset.classNames[label];
          perClass[key] = (perClass[key] ?? 0) + 1;
        }
        const images = batch.images;
        for (let at = 0; at < images.length; at += channels) {
          for (let channel = 0; channel < channels; channel++) {
            const value = images[at + channel];
            sum[channel] += value;
            sumSquares[channel] += value * value;
          }
        }
        read += batch.count;
        options.onProgress?.(splitName, read, reader.count);
      }
      const pixels = (read * dataset.imageShape[0] * dataset.imageShape[1]) || 1;
      const mean = Array.from(sum, (total) => round(total / pixels));
      const std = Array.from(sumSquares, (total, channel) => round(Math.sqrt(Math.max(0, total / pixels - (sum[channel] / pixels) ** 2))));
      splits[splitName] = { count: reader.count, read, perClass, mean, std, firstImageSha256 };
    }
    const skipped = dataset.notes.filter((note) => note.kind === "skipped");
    return {
      name,
      root: dataset.root,
      imageShape: dataset.imageShape,
      classCount: dataset.classNames.length,
      splits,
      unreadable: { count: skipped.reduce((total, note) => total + (note.count ?? 0), 0), files: skipped.flatMap((note) => note.files ?? []) },
      notes: dataset.notes.map((note) => note.message),
    };
  } finally {
    await dataset.close();
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
