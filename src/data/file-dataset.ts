// SPDX-License-Identifier: MIT
/**
 * @module data/file-dataset
 * Assembles a dataset whose images are files (Stanford Cars, VMMRdb): one decode pool
 * shared by all splits, a resized-image cache per split, and a running count of skipped
 * files reported in `notes`.
 */
import os from "node:os";
import { defaultCacheDir } from "./cache.js";
import { Limiter } from "./decode.js";
import { openFileSplit, SkipLog, type FileSplit, type ImageFile } from "./file-split.js";
import type { OpenOptions } from "./loader.js";
import type { DatasetName } from "./schema.js";
import type { Dataset, DatasetNote, ImageShape } from "./types.js";

/** Size images of varying size are resized to when the config gives no `data.resize`. */
export const DEFAULT_FILE_IMAGE_SIZE: [number, number] = [224, 224];

export interface PreparedSplit {
  split: string;
  decoded: number;
  cached: number;
  unreadable: number;
}

export interface FileDataset extends Dataset {
  /** Fills the resized-image cache for every split (`qhybrid datasets prepare`). */
  prepare(onProgress?: (split: string, done: number, total: number) => void): Promise<PreparedSplit[]>;
}

export async function openFileDataset(spec: {
  name: DatasetName;
  root: string;
  classNames: string[];
  files: Record<string, ImageFile[]>;
  failOn: "none" | "truncated";
  options: OpenOptions;
  notes?: DatasetNote[];
}): Promise<FileDataset> {
  const { options } = spec;
  const size = options.resize ?? DEFAULT_FILE_IMAGE_SIZE;
  const shape: ImageShape = [size[0], size[1], 3];
  const limiter = new Limiter(Math.max(1, options.decodeConcurrency ?? os.availableParallelism()));
  const skipped = new SkipLog();
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const splits: Record<string, FileSplit> = {};
  for (const [split, files] of Object.entries(spec.files)) {
    splits[split] = await openFileSplit({ dataset: spec.name, root: spec.root, split, files, shape, limiter, cacheDir, failOn: spec.failOn, skipped });
  }
  const fixedNotes = spec.notes ?? [];
  return {
    name: spec.name,
    root: spec.root,
    classNames: spec.classNames,
    imageShape: shape,
    splits,
    get notes() {
      const skipNote = skipped.note(spec.name);
      return skipNote ? [...fixedNotes, skipNote] : fixedNotes;
    },
    async prepare(onProgress) {
      const results: PreparedSplit[] = [];
      for (const [split, reader] of Object.entries(splits)) {
        results.push({ split, ...(await reader.prepare((done, total) => onProgress?.(split, done, total))) });
      }
      return results;
    },
    async close() {
      await Promise.all(Object.values(splits).map((split) => split.close()));
    },
  };
}

export function isFileDataset(dataset: Dataset): dataset is FileDataset {
  return typeof (dataset as Partial<FileDataset>).prepare === "function";
}
