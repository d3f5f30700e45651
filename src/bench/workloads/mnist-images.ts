// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/mnist-images
 * MNIST images (train then test, 28×28 uint8) for the quantum workloads, from the data
 * layer; where MNIST cannot be found, seeded random images of the same size, and the
 * workload says so in its details.
 */
import { loadInMemory } from "../../data/index.js";
import { Random } from "../../random.js";

export interface BenchImages {
  /** count × 784 bytes. */
  bytes: Uint8Array;
  count: number;
  source: string;
}

let cached: Promise<BenchImages> | undefined;

async function loadAll(log: (line: string) => void): Promise<BenchImages> {
  try {
    const mnist = await loadInMemory("mnist");
    const { train, test } = mnist.splits;
    const bytes = new Uint8Array((train.count + test.count) * 784);
    bytes.set(train.images.subarray(0, train.count * 784), 0);
    bytes.set(test.images.subarray(0, test.count * 784), train.count * 784);
    return { bytes, count: train.count + test.count, source: `MNIST train+test (${train.count + test.count} images)` };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    log(`[bench] MNIST not available (${message}); using seeded random 28×28 images`);
    const count = 70000;
    const random = new Random(784);
    const bytes = new Uint8Array(count * 784);
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.integer(256);
    return { bytes, count, source: `seeded random 28×28 images (${count}): MNIST not found (${message})` };
  }
}

/** The first `count` images (all 70,000 by default). */
export async function mnistImages(count: number | undefined, log: (line: string) => void): Promise<BenchImages> {
  cached ??= loadAll(log);
  const all = await cached;
  const n = Math.min(count ?? all.count, all.count);
  return { bytes: all.bytes.subarray(0, n * 784), count: n, source: all.source };
}
