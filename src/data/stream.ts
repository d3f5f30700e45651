// SPDX-License-Identifier: MIT
/**
 * @module data/stream
 * Batches of a split in a seeded order with a bounded prefetch queue: while the consumer
 * works on batch k, batches k+1…k+prefetch are being read (decoded or copied). Memory bound:
 * at most (prefetch + 1) batches of batchSize·h·w·c bytes are held here — with the defaults
 * (prefetch 2, batch 32, 224×224×3) 14.5 MB — plus, for file datasets, one decoded source
 * image per decode slot (sharp shrinks JPEGs on load, so a few MB each). Nothing grows with
 * the dataset's size except the index order (4 bytes per image).
 */
import { Random } from "../random.js";
import type { Batch, SplitReader } from "./types.js";

export interface StreamOptions {
  batchSize: number;
  /** Shuffle with this seed (non-zero); omitted: split order. */
  seed?: number;
  /** Batches read ahead of the consumer. Default 2. */
  prefetch?: number;
  /** Only the first `limit` images of the order. */
  limit?: number;
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
}

/** The order of one epoch: a seeded permutation, or 0…count-1. */
export function epochOrder(count: number, seed?: number): Int32Array {
  if (seed === undefined) return Int32Array.from({ length: count }, (_, index) => index);
  return new Random(seed).permutation(count);
}

export async function* streamBatches(split: SplitReader, options: StreamOptions): AsyncGenerator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const prefetch = Math.max(0, options.prefetch ?? 2);
  let order = epochOrder(split.count, options.seed);
  if (options.limit !== undefined) order = order.subarray(0, Math.min(options.limit, order.length));
  const batchCount = options.dropLast ? Math.floor(order.length / batchSize) : Math.ceil(order.length / batchSize);
  const queue: Promise<Batch>[] = [];
  let next = 0;
  const enqueue = () => {
    const start = next * batchSize;
    const pending = split.read(order.subarray(start, Math.min(start + batchSize, order.length)));
    // A consumer that stops early leaves reads in flight: keep their failures from being unhandled.
    pending.catch(() => undefined);
    queue.push(pending);
    next++;
  };
  while (queue.length > 0 || next < batchCount) {
    while (next < batchCount && queue.length <= prefetch) enqueue();
    yield await queue.shift()!;
  }
}
