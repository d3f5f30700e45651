// SPDX-License-Identifier: MIT
/**
 * @module data
 * The public face of the data layer: find a dataset, open it as split readers, load it whole
 * into memory, list where each dataset was looked for.
 *
 * @example
 *   const mnist = await loadInMemory("mnist");
 *   mnist.splits.train.count;          // 60000
 *   mnist.imageShape;                  // [28, 28, 1]
 *   mnist.splits.train.labels[0];      // 5
 */
import type { OpenOptions } from "./loader.js";
import type { SearchOptions } from "./locate.js";
import { DATASET_MODULES, locate, searchDataset } from "./registry.js";
import { DATASET_NAMES, type DataConfig, type DatasetName } from "./schema.js";
import { deriveSeed } from "../random.js";
import type { Dataset, InMemoryDataset, Split } from "./types.js";
import { imageBytes } from "./types.js";

export type { Batch, Dataset, DatasetNote, ImageShape, InMemoryDataset, Split, SplitReader } from "./types.js";
export type { OpenOptions } from "./loader.js";
export type { SearchOptions } from "./locate.js";
export { DATASET_NAMES, type DatasetName } from "./schema.js";
export { DataFileError } from "./files.js";

export type LoadOptions = SearchOptions & OpenOptions & {
  /** Splits to load; default every split the dataset opens with (not STL-10 `unlabeled`). */
  splits?: string[];
};

/** Finds `name` (see src/data/locate.ts for the search order) and opens its split readers. */
export async function openDataset(name: DatasetName, options: SearchOptions & OpenOptions = {}): Promise<Dataset> {
  const found = await locate(name, options);
  return found.open(options);
}

/** Loads every image of the chosen splits into memory as uint8 HWC. */
export async function loadInMemory(name: DatasetName, options: LoadOptions = {}): Promise<InMemoryDataset> {
  const dataset = await openDataset(name, options);
  try {
    const wanted = options.splits ?? Object.keys(dataset.splits).filter((split) => split !== "unlabeled");
    const splits: Record<string, Split> = {};
    for (const splitName of wanted) {
      const reader = dataset.splits[splitName];
      if (!reader) throw new Error(`dataset ${name} has no split ${splitName}`);
      const indices = Int32Array.from({ length: reader.count }, (_, index) => index);
      const batch = await reader.read(indices);
      splits[splitName] = { images: batch.images, labels: batch.labels, count: batch.count };
    }
    if (!splits.train || !splits.test) throw new Error(`dataset ${name}: train and test splits are required`);
    return {
      name: dataset.name,
      root: dataset.root,
      classNames: dataset.classNames,
      imageShape: dataset.imageShape,
      splits: splits as InMemoryDataset["splits"],
      notes: dataset.notes,
    };
  } finally {
    await dataset.close();
  }
}

export interface DatasetLocation {
  name: DatasetName;
  title: string;
  found: boolean;
  root?: string;
  layout?: string;
  searched: string[];
  splits?: Record<string, number>;
  /** Why a folder that looked like the dataset could not be used. */
  problem?: string;
}

/** Where each dataset was looked for and what was found (for `qhybrid datasets list` and `qhybrid info`). */
export async function findDatasets(options: Omit<SearchOptions, "root"> = {}): Promise<DatasetLocation[]> {
  return Promise.all(DATASET_NAMES.filter((name) => DATASET_MODULES[name]).map((name) => findDataset(name, options)));
}

export async function findDataset(name: DatasetName, options: SearchOptions = {}): Promise<DatasetLocation> {
  const { found, searched, problem } = await searchDataset(name, options);
  const title = DATASET_MODULES[name].title;
  if (!found) return { name, title, found: false, searched, ...(problem ? { problem } : {}) };
  try {
    return { name, title, found: true, root: found.root, layout: found.layout, searched, splits: await found.splitSizes() };
  } catch (error) {
    return { name, title, found: false, root: found.root, layout: found.layout, searched, problem: (error as Error).message };
  }
}

export { imageBytes };

/** Open options from a validated `data:` config section and the run's seed. */
export function openOptionsFromConfig(data: DataConfig, seed: number, extra: { log?: (line: string) => void; manifestPath?: string } = {}): SearchOptions & OpenOptions {
  return {
    ...(data.root ? { root: data.root } : {}),
    ...(data.resize ? { resize: data.resize } : {}),
    coarseLabels: data.coarseLabels,
    unlabeled: data.stl10.unlabeled,
    ...(data.stl10.fold !== undefined ? { fold: data.stl10.fold } : {}),
    boundingBox: data.stanfordCars.boundingBox,
    minImagesPerClass: data.vmmrdb.minImagesPerClass,
    validationFraction: data.validationFraction,
    testFraction: data.vmmrdb.testFraction,
    splitSeed: deriveSeed(seed, "data:split"),
    ...(data.vmmrdb.manifest ?? extra.manifestPath ? { manifestPath: data.vmmrdb.manifest ?? extra.manifestPath } : {}),
    ...(data.cacheDir ? { cacheDir: data.cacheDir } : {}),
    ...(data.decodeConcurrency ? { decodeConcurrency: data.decodeConcurrency } : {}),
    ...(extra.log ? { log: extra.log } : {}),
  };
}

export { streamBatches, epochOrder, type StreamOptions } from "./stream.js";
export { augmentBatch, augmentOptionsFromConfig, augmentedShape, type AugmentOptions, type FloatBatch } from "./augment.js";
export { isFileDataset, DEFAULT_FILE_IMAGE_SIZE, type FileDataset, type PreparedSplit } from "./file-dataset.js";
export { defaultCacheDir } from "./cache.js";
export { checkDataset, type DatasetCheck, type SplitCheck } from "./check.js";
export { downloadDataset, downloadTarget, stanfordCarsInstructions, type DownloadResult } from "./download.js";
