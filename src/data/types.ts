// SPDX-License-Identifier: MIT
/**
 * @module data/types
 * The one interface every dataset loader returns. Images are uint8, HWC with channels
 * interleaved, labels 0-based (-1 where a split has none, e.g. STL-10 `unlabeled`). Data
 * stays uint8 until a batch is augmented (src/data/augment.ts).
 */
import type { DatasetName } from "./schema.js";

export type { DatasetName };

/** [height, width, channels]. */
export type ImageShape = [number, number, number];

/** A batch of images with their labels. `indices` are the split indices the rows came from. */
export interface Batch {
  /** count × h × w × c bytes, HWC interleaved. */
  images: Uint8Array;
  labels: Int32Array;
  indices: Int32Array;
  count: number;
  shape: ImageShape;
}

/** One split of an opened dataset, read by index. */
export interface SplitReader {
  readonly name: string;
  readonly count: number;
  /** 0-based label of every image, -1 where the split is unlabeled. */
  readonly labels: Int32Array;
  /**
   * Images at `indices`, in order. File-based datasets drop images that cannot be decoded
   * (the returned batch is then shorter, and `indices` says which rows survived).
   */
  read(indices: ArrayLike<number>): Promise<Batch>;
}

/** Something worth telling the user about what was read (skipped files and the like). */
export interface DatasetNote {
  kind: "skipped" | "info";
  message: string;
  count?: number;
  files?: string[];
}

export interface Dataset {
  readonly name: DatasetName;
  /** Folder the files were read from. */
  readonly root: string;
  readonly classNames: string[];
  /** Shape of every image the readers return (after the loader's resize, if any). */
  readonly imageShape: ImageShape;
  readonly splits: Record<string, SplitReader>;
  readonly notes: DatasetNote[];
  /** Releases file handles and flushes caches. */
  close(): Promise<void>;
}

/** A whole split in memory. */
export interface Split {
  /** count × h × w × c bytes, HWC interleaved. */
  images: Uint8Array;
  /** 0-based; -1 where unlabeled. */
  labels: Int32Array;
  count: number;
}

export interface InMemoryDataset {
  name: DatasetName;
  root: string;
  classNames: string[];
  imageShape: ImageShape;
  splits: { train: Split; test: Split; [name: string]: Split };
  notes: DatasetNote[];
}

export function imageBytes(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}
