// SPDX-License-Identifier: MIT
/**
 * @module data/loaders/cifar100
 * CIFAR-100, binary version (`cifar-100-binary/`): records of 3,074 bytes without header —
 * coarse label, fine label, then 32×32 R, G, B planes row-major. Fine labels by default,
 * the 20 coarse superclasses on request. The Python-pickle version is recognised and refused
 * with a pointer to the binary one (unpickling from Node is not worth it).
 */
import { join } from "node:path";
import { DataFileError, fileSize, readLines, readMaybeGzip } from "../files.js";
import type { DatasetModule, Found, OpenOptions } from "../loader.js";
import { isFile, listFilesShallow } from "../locate.js";
import { memorySplit, planarToInterleaved } from "../memory.js";
import type { Dataset, ImageShape } from "../types.js";
import { UserError } from "../../errors.js";

const SHAPE: ImageShape = [32, 32, 3];
const RECORD = 2 + 32 * 32 * 3;
const CIFAR10_RECORD = 1 + 32 * 32 * 3;

export const cifar100: DatasetModule = {
  name: "cifar100",
  title: "CIFAR-100 (binary version)",
  classCount: 100,
  imageShape: SHAPE,
  systemFolders: () => [],
  async probe(dir: string): Promise<Found | null> {
    const files = await listFilesShallow(dir, 2);
    const train = files.find((file) => file.split("/").pop() === "train.bin");
    if (!train) {
      const pickled = files.find((file) => /(^|\/)cifar-100-python\/train$/.test(file) || (file === "train" && files.includes("meta")));
      if (pickled) {
        throw new UserError(
          `${join(dir, pickled)} is the Python-pickle CIFAR-100, which qhybrid cannot read; get the binary version (cifar-100-binary.tar.gz, \`qhybrid datasets download cifar100\`)`,
        );
      }
      return null;
    }
    const folder = train.includes("/") ? train.slice(0, train.lastIndexOf("/")) : "";
    const path = (name: string) => join(dir, folder, name);
    for (const name of ["test.bin", "fine_label_names.txt", "coarse_label_names.txt"]) {
      if (!(await isFile(path(name)))) throw new DataFileError(path(name), 0, "missing: CIFAR-100 binary folder is incomplete");
    }
    const root = join(dir, folder);
    return {
      root,
      layout: "binary",
      async splitSizes() {
        return { train: await recordCount(path("train.bin")), test: await recordCount(path("test.bin")) };
      },
      open: (options) => openCifar100(root, options),
    };
  },
};

async function recordCount(path: string): Promise<number> {
  const size = await fileSize(path);
  checkLength(path, size);
  return size / RECORD;
}

function checkLength(path: string, size: number): void {
  if (size % RECORD === 0 && size > 0) return;
  if (size % CIFAR10_RECORD === 0 && size > 0) {
    throw new DataFileError(path, 0, `${size} bytes is a whole number of 3,073-byte CIFAR-10 records, not 3,074-byte CIFAR-100 records`);
  }
  throw new DataFileError(path, size - (size % RECORD), `file is truncated: ${size} bytes is not a whole number of 3,074-byte records`);
}

async function openCifar100(root: string, options: OpenOptions): Promise<Dataset> {
  const coarse = options.coarseLabels ?? false;
  const [train, test, fineNames, coarseNames] = await Promise.all([
    readRecords(join(root, "train.bin"), coarse),
    readRecords(join(root, "test.bin"), coarse),
    readLines(join(root, "fine_label_names.txt")),
    readLines(join(root, "coarse_label_names.txt")),
  ]);
  const classNames = coarse ? coarseNames : fineNames;
  const expected = coarse ? 20 : 100;
  if (classNames.length !== expected) {
    const file = join(root, coarse ? "coarse_label_names.txt" : "fine_label_names.txt");
    throw new DataFileError(file, 0, `${classNames.length} class names, expected ${expected}`);
  }
  return {
    name: "cifar100",
    root,
    classNames,
    imageShape: SHAPE,
    splits: {
      train: memorySplit("train", train.images, train.labels, SHAPE),
      test: memorySplit("test", test.images, test.labels, SHAPE),
    },
    notes: [],
    async close() {},
  };
}

async function readRecords(path: string, coarse: boolean): Promise<{ images: Uint8Array; labels: Int32Array }> {
  const bytes = await readMaybeGzip(path);
  checkLength(path, bytes.length);
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  for (let record = 0; record < count; record++) {
    const start = record * RECORD;
    if (bytes[start] >= 20) throw new DataFileError(path, start, `coarse label ${bytes[start]} is not 0–19`);
    if (bytes[start + 1] >= 100) throw new DataFileError(path, start + 1, `fine label ${bytes[start + 1]} is not 0–99`);
    labels[record] = coarse ? bytes[start] : bytes[start + 1];
    planarToInterleaved(bytes, start + 2, images, record * 3072, SHAPE, false);
  }
  return { images, labels };
}
