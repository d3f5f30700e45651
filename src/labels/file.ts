// SPDX-License-Identifier: MIT
/**
 * @module labels/file
 * The labels file: soft labels of every image of a dataset split, and what they belong to.
 *
 * Layout (little-endian): the 8 bytes "QHLABEL1", a uint32 header length H, H bytes of
 * UTF-8 JSON (the header), zero padding to a multiple of 4 bytes, then count × classes
 * float32 values, row i being the distribution of image i of the split in the dataset's
 * own order. The header names the dataset, split, count, classes, a checksum of the
 * split's images and labels in order (so a reordered or different copy is refused), the
 * hash of the labeller config that produced it, and how circuit outputs became classes.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { UserError, UsageError } from "../errors.js";
import { writeFileAtomic } from "../run/atomic-write.js";

const MAGIC = "QHLABEL1";
export const LABELS_FORMAT = "qhybrid-labels/1";

export interface LabelsHeader {
  format: typeof LABELS_FORMAT;
  dataset: string;
  split: string;
  count: number;
  classes: number;
  classNames: string[];
  /** sampleOrderChecksum() of the split the labels were made from. */
  orderChecksum: string;
  /** configHash() of the labeller settings and the data they were trained on. */
  configHash: string;
  /** How circuit outputs became a class distribution, in words. */
  mapping: string;
  labeller: Record<string, unknown>;
  createdAt: string;
}

export interface LabelsFile {
  header: LabelsHeader;
  /** Row-major [count × classes]. */
  distributions: Float32Array;
}

/** First 16 hex digits of SHA-256 over the split's labels (int32) then images (uint8), in order. */
export function sampleOrderChecksum(images: Uint8Array, labels: Int32Array): string {
  const hash = createHash("sha256");
  hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  hash.update(images);
  return hash.digest("hex").slice(0, 16);
}

export function encodeLabelsFile(file: LabelsFile): Buffer {
  const { header, distributions } = file;
  if (distributions.length !== header.count * header.classes) {
    throw new RangeError(`labels: ${distributions.length} values for ${header.count} samples × ${header.classes} classes`);
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const start = 12 + json.length;
  const padded = Math.ceil(start / 4) * 4;
  const out = Buffer.alloc(padded + distributions.length * 4);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  for (let index = 0; index < distributions.length; index++) out.writeFloatLE(distributions[index], padded + index * 4);
  return out;
}

export function decodeLabelsFile(bytes: Buffer, source: string): LabelsFile {
  if (bytes.length < 12 || bytes.toString("latin1", 0, 8) !== MAGIC) throw new UserError(`${source}: not a qhybrid labels file (expected it to start with ${MAGIC})`);
  const length = bytes.readUInt32LE(8);
  if (12 + length > bytes.length) throw new UserError(`${source}: truncated header (${length} bytes announced, file has ${bytes.length})`);
  let header: LabelsHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + length)) as LabelsHeader;
  } catch (error) {
    throw new UserError(`${source}: header is not valid JSON: ${(error as Error).message}`);
  }
  if (header.format !== LABELS_FORMAT) throw new UserError(`${source}: format ${JSON.stringify(header.format)}, expected ${LABELS_FORMAT}`);
  const padded = Math.ceil((12 + length) / 4) * 4;
  const values = header.count * header.classes;
  if (bytes.length !== padded + values * 4) {
    throw new UserError(`${source}: expected ${values} float32 values (${header.count} × ${header.classes}) after the header, found ${(bytes.length - padded) / 4}`);
  }
  const distributions = new Float32Array(values);
  for (let index = 0; index < values; index++) distributions[index] = bytes.readFloatLE(padded + index * 4);
  return { header, distributions };
}

export function writeLabelsFile(path: string, file: LabelsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, encodeLabelsFile(file));
}

export function readLabelsFile(path: string): LabelsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`${path}: cannot read the labels file: ${reason}`);
  }
  return decodeLabelsFile(bytes, path);
}

/** What a labels file must match to be used for a dataset's split. */
export interface SplitIdentity {
  dataset: string;
  split: string;
  count: number;
  classes: number;
  orderChecksum: string;
  /** When given, the labeller config must match too. */
  configHash?: string;
}

/** The first way the file does not match, in one line, or null when it matches. */
export function labelsMismatch(header: LabelsHeader, expected: SplitIdentity): string | null {
  if (header.dataset !== expected.dataset) return `made for dataset ${header.dataset}, not ${expected.dataset}`;
  if (header.split !== expected.split) return `made for the ${header.split} split, not ${expected.split}`;
  if (header.count !== expected.count) return `holds ${header.count} samples, the ${expected.split} split has ${expected.count}`;
  if (header.classes !== expected.classes) return `holds ${header.classes} classes, the dataset has ${expected.classes}`;
  if (header.orderChecksum !== expected.orderChecksum) return `sample-order checksum ${header.orderChecksum} differs from the data's ${expected.orderChecksum} (another copy or order of ${expected.dataset})`;
  if (expected.configHash !== undefined && header.configHash !== expected.configHash) return `labeller config hash ${header.configHash} differs from ${expected.configHash}`;
  return null;
}

/** Throws a UsageError naming the file and the mismatch. */
export function checkLabelsFile(path: string, file: LabelsFile, expected: SplitIdentity): void {
  const problem = labelsMismatch(file.header, expected);
  if (problem !== null) throw new UsageError(`${path}: labels file ${problem}; run qhybrid label-refine for this dataset`);
}
