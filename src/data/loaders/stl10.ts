// SPDX-License-Identifier: MIT
/**
 * @module data/loaders/stl10
 * STL-10, binary version (`stl10_binary/`): images of 96×96×3 as R, G, B planes, each
 * stored column-major (pixel (c, y, x) at byte c·9216 + x·96 + y); labels one byte each,
 * 1–10. `fold_indices.txt` lists the 10 predefined folds of 1,000 training images. The
 * 2.7 GB `unlabeled_X.bin` is opened only on request and read by offset, never whole.
 */
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { DataFileError, fileSize, readLines, readMaybeGzip } from "../files.js";
import type { DatasetModule, Found, OpenOptions } from "../loader.js";
import { isFile, listFilesShallow } from "../locate.js";
import { gatherBatch, memorySplit, planarToInterleaved } from "../memory.js";
import type { Batch, Dataset, ImageShape, SplitReader } from "../types.js";
import { UsageError } from "../../errors.js";

const SHAPE: ImageShape = [96, 96, 3];
const IMAGE = 96 * 96 * 3;

export const STL10_CLASSES = ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

export const stl10: DatasetModule = {
  name: "stl10",
  title: "STL-10 (binary version)",
  classCount: 10,
  imageShape: SHAPE,
  systemFolders: () => [],
  async probe(dir: string): Promise<Found | null> {
    const files = await listFilesShallow(dir, 2);
    const train = files.find((file) => file.split("/").pop() === "train_X.bin");
    if (!train) return null;
    const root = join(dir, train.includes("/") ? train.slice(0, train.lastIndexOf("/")) : "");
    for (const name of ["train_y.bin", "test_X.bin", "test_y.bin"]) {
      if (!(await isFile(join(root, name)))) throw new DataFileError(join(root, name), 0, "missing: STL-10 binary folder is incomplete");
    }
    return {
      root,
      layout: "binary",
      async splitSizes() {
        const sizes: Record<string, number> = {
          train: await imageCount(join(root, "train_X.bin")),
          test: await imageCount(join(root, "test_X.bin")),
        };
        if (await isFile(join(root, "unlabeled_X.bin"))) sizes.unlabeled = await imageCount(join(root, "unlabeled_X.bin"));
        return sizes;
      },
      open: (options) => openStl10(root, options),
    };
  },
};

async function imageCount(path: string): Promise<number> {
  const size = await fileSize(path);
  if (size % IMAGE !== 0) {
    throw new DataFileError(path, size - (size % IMAGE), `file is truncated: ${size} bytes is not a whole number of 27,648-byte images`);
  }
  return size / IMAGE;
}

async function openStl10(root: string, options: OpenOptions): Promise<Dataset> {
  const [train, test] = await Promise.all([readLabelled(root, "train"), readLabelled(root, "test")]);
  const classNames = (await isFile(join(root, "class_names.txt"))) ? await readLines(join(root, "class_names.txt")) : STL10_CLASSES;
  if (classNames.length !== 10) throw new DataFileError(join(root, "class_names.txt"), 0, `${classNames.length} class names, expected 10`);
  const splits: Record<string, SplitReader> = {};
  if (options.fold !== undefined) {
    const folds = await readFolds(join(root, "fold_indices.txt"), train.labels.length);
    if (!Number.isInteger(options.fold) || options.fold < 0 || options.fold >= folds.length) {
      throw new UsageError(`STL-10 fold ${options.fold} does not exist; folds are 0–${folds.length - 1}`);
    }
    const subset = gatherBatch(train.images, train.labels, SHAPE, folds[options.fold]);
    splits.train = memorySplit("train", subset.images, subset.labels, SHAPE);
  } else {
    splits.train = memorySplit("train", train.images, train.labels, SHAPE);
  }
  splits.test = memorySplit("test", test.images, test.labels, SHAPE);
  const handles: FileHandle[] = [];
  if (options.unlabeled) {
    const path = join(root, "unlabeled_X.bin");
    if (!(await isFile(path))) throw new DataFileError(path, 0, "missing: the unlabeled split was asked for");
    const count = await imageCount(path);
    const handle = await open(path, "r");
    handles.push(handle);
    splits.unlabeled = offsetSplit(path, handle, count);
  }
  return {
    name: "stl10",
    root,
    classNames,
    imageShape: SHAPE,
    splits,
    notes: [],
    async close() {
      await Promise.all(handles.map((handle) => handle.close()));
    },
  };
}

async function readLabelled(root: string, split: "train" | "test"): Promise<{ images: Uint8Array; labels: Int32Array }> {
  const imagesPath = join(root, `${split}_X.bin`);
  const labelsPath = join(root, `${split}_y.bin`);
  const [raw, rawLabels] = await Promise.all([readMaybeGzip(imagesPath), readMaybeGzip(labelsPath)]);
  if (raw.length % IMAGE !== 0) {
    throw new DataFileError(imagesPath, raw.length - (raw.length % IMAGE), `file is truncated: ${raw.length} bytes is not a whole number of 27,648-byte images`);
  }
  const count = raw.length / IMAGE;
  if (rawLabels.length !== count) throw new DataFileError(labelsPath, Math.min(rawLabels.length, count), `${rawLabels.length} labels for ${count} images`);
  const labels = new Int32Array(count);
  for (let index = 0; index < count; index++) {
    const value = rawLabels[index];
    if (value < 1 || value > 10) throw new DataFileError(labelsPath, index, `label ${value} is not 1–10`);
    labels[index] = value - 1;
  }
  const images = new Uint8Array(count * IMAGE);
  for (let index = 0; index < count; index++) planarToInterleaved(raw, index * IMAGE, images, index * IMAGE, SHAPE, true);
  return { images, labels };
}

/** The 10 folds: one line each of zero-based training indices, separated by spaces. */
export async function readFolds(path: string, trainCount: number): Promise<Int32Array[]> {
  const lines = await readLines(path);
  return lines.map((line, lineIndex) => {
    const values = line.split(/\s+/).map(Number);
    for (const value of values) {
      if (!Number.isInteger(value) || value < 0 || value >= trainCount) {
        throw new DataFileError(path, 0, `line ${lineIndex + 1}: ${value} is not a training index 0–${trainCount - 1}`);
      }
    }
    return Int32Array.from(values);
  });
}

/** A split read image by image from its file (STL-10 unlabeled: 100,000 images, 2.7 GB). */
function offsetSplit(path: string, handle: FileHandle, count: number): SplitReader {
  const labels = new Int32Array(count).fill(-1);
  return {
    name: "unlabeled",
    count,
    labels,
    async read(indices: ArrayLike<number>): Promise<Batch> {
      const rows = indices.length;
      const images = new Uint8Array(rows * IMAGE);
      const raw = new Uint8Array(IMAGE);
      for (let row = 0; row < rows; row++) {
        const index = indices[row];
        if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`index ${index} is outside the split of ${count} images`);
        const { bytesRead } = await handle.read(raw, 0, IMAGE, index * IMAGE);
        if (bytesRead !== IMAGE) throw new DataFileError(path, index * IMAGE + bytesRead, "file ends inside an image");
        planarToInterleaved(raw, 0, images, row * IMAGE, SHAPE, true);
      }
      return { images, labels: new Int32Array(rows).fill(-1), indices: Int32Array.from(indices), count: rows, shape: SHAPE };
    },
  };
}
