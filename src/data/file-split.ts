// SPDX-License-Identifier: MIT
/**
 * @module data/file-split
 * A split whose images are files (Stanford Cars, VMMRdb): each read decodes through sharp
 * on a shared pool of `decodeConcurrency` (both cores by default), or reads the resized
 * image from the persistent cache. Unreadable files are dropped from the batch, counted and
 * remembered in the cache so they are not retried; they are never fatal.
 */
import { stat } from "node:fs/promises";
import { cacheFolder, ResizedImageCache, sourceKey, STATUS_CACHED, STATUS_UNREADABLE } from "./cache.js";
import { decodeImage, Limiter, type Box } from "./decode.js";
import type { Batch, DatasetNote, ImageShape, SplitReader } from "./types.js";
import { imageBytes } from "./types.js";

export interface ImageFile {
  path: string;
  label: number;
  box?: Box;
  /** Filled from stat() when absent. */
  size?: number;
  mtimeMs?: number;
}

export interface FileSplitOptions {
  dataset: string;
  root: string;
  split: string;
  files: ImageFile[];
  shape: ImageShape;
  limiter: Limiter;
  /** Folder of the persistent cache; false: no cache. */
  cacheDir: string | false;
  failOn: "none" | "truncated";
  skipped: SkipLog;
}

/** Files that could not be decoded, across a dataset's splits. */
export class SkipLog {
  readonly files = new Map<string, string>();
  record(path: string, reason: string): void {
    this.files.set(path, reason);
  }
  note(dataset: string): DatasetNote | null {
    if (this.files.size === 0) return null;
    return {
      kind: "skipped",
      count: this.files.size,
      files: [...this.files.keys()],
      message: `${dataset}: ${this.files.size} unreadable image file(s) skipped`,
    };
  }
}

export interface FileSplit extends SplitReader {
  /** Decodes (or finds cached) every image; returns how many were decoded, cached, unreadable. */
  prepare(onProgress?: (done: number, total: number) => void): Promise<{ decoded: number; cached: number; unreadable: number }>;
  close(): Promise<void>;
}

export async function openFileSplit(options: FileSplitOptions): Promise<FileSplit> {
  const { files, shape, limiter, skipped } = options;
  const slotBytes = imageBytes(shape);
  const optionsKey = JSON.stringify({ shape, failOn: options.failOn, boxes: files.some((file) => file.box !== undefined) });
  const cache =
    options.cacheDir === false
      ? null
      : await ResizedImageCache.open(cacheFolder(options.cacheDir, options.dataset, options.root, options.split, optionsKey), files.length, slotBytes);
  const labels = Int32Array.from(files, (file) => file.label);
  const decodeOptions = (file: ImageFile) => ({ size: [shape[0], shape[1]] as [number, number], box: file.box, failOn: options.failOn, channels: shape[2] as 1 | 3 });

  async function identity(file: ImageFile): Promise<{ path: string; size: number; mtimeMs: number }> {
    if (file.size === undefined || file.mtimeMs === undefined) {
      const info = await stat(file.path);
      file.size = info.size;
      file.mtimeMs = info.mtimeMs;
    }
    return { path: file.path, size: file.size, mtimeMs: file.mtimeMs };
  }

  /** Fills `target` at `offset` with image `index`; "decoded" | "cached" | "unreadable". */
  async function load(index: number, target: Uint8Array, offset: number): Promise<"decoded" | "cached" | "unreadable"> {
    const file = files[index];
    let key: Uint8Array | null = null;
    try {
      key = sourceKey(await identity(file), `${optionsKey}|${JSON.stringify(file.box ?? null)}`);
    } catch (error) {
      skipped.record(file.path, (error as Error).message);
      return "unreadable";
    }
    if (cache) {
      const status = cache.status(index, key);
      if (status === STATUS_UNREADABLE) {
        skipped.record(file.path, "unreadable (remembered by the cache)");
        return "unreadable";
      }
      if (status === STATUS_CACHED && (await cache.read(index, target, offset))) return "cached";
    }
    try {
      const image = await limiter.run(() => decodeImage(file.path, decodeOptions(file)));
      target.set(image, offset);
      if (cache) await cache.write(index, key, image);
      return "decoded";
    } catch (error) {
      skipped.record(file.path, firstLine((error as Error).message));
      if (cache) await cache.markUnreadable(index, key);
      return "unreadable";
    }
  }

  return {
    name: options.split,
    count: files.length,
    labels,
    async read(indices: ArrayLike<number>): Promise<Batch> {
      const rows = indices.length;
      const images = new Uint8Array(rows * slotBytes);
      const outcomes = await Promise.all(
        Array.from({ length: rows }, (_, row) => {
          const index = indices[row];
          if (!Number.isInteger(index) || index < 0 || index >= files.length) {
            throw new RangeError(`index ${index} is outside the split of ${files.length} images`);
          }
          return load(index, images, row * slotBytes);
        }),
      );
      const kept: number[] = [];
      outcomes.forEach((outcome, row) => outcome !== "unreadable" && kept.push(row));
      if (kept.length === rows) {
        return { images, labels: Int32Array.from(indices, (index) => labels[index]), indices: Int32Array.from(indices), count: rows, shape };
      }
      const compact = new Uint8Array(kept.length * slotBytes);
      kept.forEach((row, to) => compact.set(images.subarray(row * slotBytes, (row + 1) * slotBytes), to * slotBytes));
      const keptIndices = Int32Array.from(kept, (row) => indices[row]);
      return { images: compact, labels: Int32Array.from(keptIndices, (index) => labels[index]), indices: keptIndices, count: kept.length, shape };
    },
    async prepare(onProgress) {
      const tally = { decoded: 0, cached: 0, unreadable: 0 };
      const scratch = new Uint8Array(slotBytes * limiter.limit * 2);
      let next = 0;
      let done = 0;
      // Workers pull indices one at a time: at most 2×concurrency images in memory.
      const worker = async (slot: number) => {
        while (next < files.length) {
          const index = next++;
          tally[await load(index, scratch, slot * slotBytes)]++;
          onProgress?.(++done, files.length);
        }
      };
      await Promise.all(Array.from({ length: limiter.limit * 2 }, (_, slot) => worker(slot)));
      await cache?.flush();
      return tally;
    },
    async close() {
      await cache?.close();
    },
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
