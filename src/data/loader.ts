// SPDX-License-Identifier: MIT
/**
 * @module data/loader
 * What each dataset module provides: the folders it is installed in by packages, a probe
 * that recognises its files in a folder, and, once found, its split sizes and an opener.
 * The probe is cheap (names and sizes only) so `qhybrid datasets list` stays fast.
 */
import type { DatasetName } from "./schema.js";
import type { Dataset, ImageShape } from "./types.js";

export interface OpenOptions {
  /** Resize every image to [height, width] while decoding (file-based datasets). */
  resize?: [number, number];
  /** CIFAR-100: the 20 coarse superclasses instead of the 100 fine classes. */
  coarseLabels?: boolean;
  /** STL-10: also open the 100,000-image `unlabeled` split (read by offset, never whole). */
  unlabeled?: boolean;
  /** STL-10: restrict `train` to one of the 10 predefined folds (0–9). */
  fold?: number;
  /** Stanford Cars: crop each image to its bounding box before resizing. */
  boundingBox?: boolean;
  /** VMMRdb: classes with fewer usable images are dropped. */
  minImagesPerClass?: number;
  /** VMMRdb: fractions of each class for validation and test. */
  validationFraction?: number;
  testFraction?: number;
  /** VMMRdb: seed of the split. */
  splitSeed?: number;
  /** VMMRdb: where the split manifest is read from or written to. */
  manifestPath?: string;
  /** Folder of the persistent resized-image cache; false disables it. */
  cacheDir?: string | false;
  /** Images decoded at once (file-based datasets); default: the CPU count. */
  decodeConcurrency?: number;
  /** Progress and notes, to stderr. */
  log?: (line: string) => void;
}

/** A dataset's files, recognised in one folder. */
export interface Found {
  root: string;
  /** e.g. "IDX (gzip)", "CSV", "devkit .mat". */
  layout: string;
  /** Images per split, from file sizes or annotations, without decoding images. */
  splitSizes(): Promise<Record<string, number>>;
  open(options: OpenOptions): Promise<Dataset>;
}

export interface DatasetModule {
  name: DatasetName;
  title: string;
  classCount: number;
  /** Native shape; null where images vary in size (resized on decode). */
  imageShape: ImageShape | null;
  /** Package or system folders, searched last. */
  systemFolders(): string[];
  /** The dataset's files in `dir`, null if they are not there. Throws only for a half-present dataset. */
  probe(dir: string): Promise<Found | null>;
}
